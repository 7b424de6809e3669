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
    /// How the vendor words its faults: its error bodies and the fields faults edit.
    let faultShapes: VendorFaultShapes
    let faults = RequestSchedule<SimulatedFault>()
    let answers = RequestSchedule<HTTPResponse>()

    /// Creates the machinery. `secrets` are the simulator's API keys (redacted in the log,
    /// refused by storage); `faultShapes` words faults in the vendor's own shapes.
    public init(apiBaseURL: URL, storageBaseURL: URL, secrets: [String], faultShapes: VendorFaultShapes) {
        self.apiBaseURL = apiBaseURL
        let time = SimulatedTime()
        self.time = time
        log = RequestLog(secrets: secrets)
        storage = StorageOrigin(baseURL: storageBaseURL, time: time, credentials: secrets)
        self.faultShapes = faultShapes
    }

    /// A transport that sends API requests to `routes` and storage requests to ``storage``.
    public func transport(routes: @escaping @Sendable (SimulatedRequest) -> HTTPResponse) -> SimulatorTransport {
        SimulatorTransport(host: self, api: { (routes($0), .whole) })
    }

    /// A transport whose routes also say how each answer goes on the wire: for a vendor that
    /// holds an answer back while it works (``ResponseDelivery/held(for:)``).
    func transport(
        deliveringRoutes routes: @escaping @Sendable (SimulatedRequest) -> (HTTPResponse, ResponseDelivery)
    ) -> SimulatorTransport {
        SimulatorTransport(host: self, api: routes)
    }

    /// Schedules `fault` for `count` matching requests, after letting `passes` through (a
    /// fault on the vendor's answer counts only answers it can alter).
    /// - Precondition: `fault` applies to `origin` (see ``SimulatedFault/origins``).
    public func injectFault(
        _ fault: SimulatedFault, on origin: SimulatedOrigin, method: HTTPMethod?, pathPrefix: String?, count: Int,
        after passes: Int = 0
    ) {
        precondition(fault.origins.contains(origin), "\(fault) cannot be injected on the \(origin) origin")
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

    /// `date` as an IMF-fixdate (`Wed, 15 Jan 2025 09:30:07 GMT`), as `Retry-After` carries it.
    public static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
