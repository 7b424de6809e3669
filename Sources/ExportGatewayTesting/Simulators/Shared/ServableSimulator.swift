import ExportGateway
import Foundation

/// What a ``SimulatorServer`` needs to put a simulator behind sockets, and what every
/// simulator offers its tests: the shared machinery and the in-process transport.
///
/// ``VendorSimulator`` refines it with the adapter a simulator stands for; a simulator whose
/// adapter is not written yet can be served, logged, faulted and timed through this alone.
public protocol ServableSimulator: AnyObject, Sendable {
    /// The shared machinery: time, log, faults, storage.
    var host: SimulatorHost { get }
    /// The in-process transport to give ``Gateway``.
    var transport: SimulatorTransport { get }
}

extension ServableSimulator {
    /// Every request received, keys redacted.
    public var requestLog: RequestLog { host.log }
    /// The vendor API's base URL, path prefix included.
    public var apiBaseURL: URL { host.apiBaseURL }
    /// The storage origin's base URL.
    public var storageBaseURL: URL { host.storage.baseURL }

    /// Schedules `fault` for `count` requests to `origin` that match `method` and
    /// `pathPrefix` (`nil` matches any), after letting the first `passes` matches through
    /// (so a download can fail half-way). A fault on the vendor's answer counts only answers
    /// it can alter (see ``SimulatedFault``); ``SimulatedFault/catalog`` lists every fault.
    /// - Precondition: `fault` applies to `origin` (see ``SimulatedFault/origins``).
    public func injectFault(
        _ fault: SimulatedFault, on origin: SimulatedOrigin = .api, method: HTTPMethod? = nil,
        pathPrefix: String? = nil, count: Int = 1, after passes: Int = 0
    ) {
        host.injectFault(fault, on: origin, method: method, pathPrefix: pathPrefix, count: count, after: passes)
    }

    /// Answers the next `count` API requests that match `method` and `pathPrefix` with
    /// `response` instead of the simulator's own, after letting `passes` through: for shapes
    /// only an unusual or broken server sends (see ``SimulatorHost/injectAnswer(_:method:pathPrefix:count:after:)``).
    public func injectAnswer(
        _ response: HTTPResponse, method: HTTPMethod? = nil, pathPrefix: String? = nil, count: Int = 1,
        after passes: Int = 0
    ) {
        host.injectAnswer(response, method: method, pathPrefix: pathPrefix, count: count, after: passes)
    }

    /// Moves simulated time forward (signed URLs expire, timestamps advance).
    public func advanceTime(by seconds: TimeInterval) {
        host.time.advance(by: seconds)
    }
}
