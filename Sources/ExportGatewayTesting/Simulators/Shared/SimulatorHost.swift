import ExportGateway
import Foundation

/// The machinery every vendor simulator shares: simulated time, the request log, injected
/// faults and the storage origin. A vendor simulator adds only its API's routes and words.
public final class SimulatorHost: Sendable {
    /// The vendor API's base URL, path prefix included.
    public let apiBaseURL: URL
    /// The simulated wall clock.
    public let time: SimulatedTime
    /// Every request received.
    public let log: RequestLog
    /// The storage origin that serves result files.
    public let storage: StorageOrigin
    let faults = RequestSchedule<SimulatedFault>()
    let answers = RequestSchedule<HTTPResponse>()
    private let apiFaultResponse: @Sendable (SimulatedFault, Date) -> HTTPResponse

    /// Creates the machinery. `secrets` are the simulator's API keys (redacted in the log,
    /// refused by storage); `apiFaultResponse` renders a fault in the vendor's error shape.
    public init(
        apiBaseURL: URL, storageBaseURL: URL, secrets: [String],
        apiFaultResponse: @escaping @Sendable (SimulatedFault, Date) -> HTTPResponse
    ) {
        self.apiBaseURL = apiBaseURL
        let time = SimulatedTime()
        self.time = time
        log = RequestLog(secrets: secrets)
        storage = StorageOrigin(baseURL: storageBaseURL, time: time, credentials: secrets)
        self.apiFaultResponse = apiFaultResponse
    }

    /// A transport that sends API requests to `routes` and storage requests to ``storage``.
    public func transport(routes: @escaping @Sendable (SimulatedRequest) -> HTTPResponse) -> SimulatorTransport {
        SimulatorTransport(host: self, api: routes)
    }

    /// Schedules `fault` for `count` matching requests, after letting `passes` through.
    public func injectFault(
        _ fault: SimulatedFault, on origin: SimulatedOrigin, method: HTTPMethod?, pathPrefix: String?, count: Int,
        after passes: Int = 0
    ) {
        faults.add(fault, origin: origin, method: method, pathPrefix: pathPrefix, count: count, after: passes)
    }

    /// Answers the next `count` matching requests to the vendor's API with `response` instead
    /// of the simulator's own answer, after letting `passes` through.
    ///
    /// For shapes a real vendor sends only when something is off (a field missing, an older
    /// envelope, an object from a newer API version), which a client must still read or
    /// reject with a clear error. The request is still logged; the simulator's state is not
    /// touched.
    public func injectAnswer(
        _ response: HTTPResponse, method: HTTPMethod?, pathPrefix: String?, count: Int = 1, after passes: Int = 0
    ) {
        answers.add(response, origin: .api, method: method, pathPrefix: pathPrefix, count: count, after: passes)
    }

    /// The response standing for `fault`, or `nil` when the fault is a dropped connection.
    func response(for fault: SimulatedFault, origin: SimulatedOrigin) -> HTTPResponse? {
        switch (fault, origin) {
        case (.dropConnection, _), (.loseResponse, _): return nil
        case (.badGateway, _):
            return .text(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", contentType: "text/html")
        case (.serviceUnavailable, _):
            return .text(503, "Service Temporarily Unavailable")
        case (_, .api): return apiFaultResponse(fault, Date())
        case (.rateLimited, .storage), (.rateLimitedUntilDate, .storage):
            var response = StorageOrigin.error(503, "SlowDown", "Please reduce your request rate.")
            response.headers["Retry-After"] = fault.retryAfter(now: Date())?.header
            return response
        case (.serverError, .storage):
            return StorageOrigin.error(500, "InternalError", "We encountered an internal error. Please try again.")
        }
    }

    /// `date` as an IMF-fixdate (`Wed, 15 Jan 2025 09:30:07 GMT`), as `Retry-After` carries it.
    public static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
