import ExportGateway
import Foundation

/// What the conformance suite and the core's tests need from any vendor simulator: the
/// adapter it simulates, a transport to plug into a gateway, its keys and origins, seeding,
/// scripting and faults.
public protocol VendorSimulator: AnyObject, Sendable {
    /// The adapter whose vendor this simulates, such as `AvalaProvider.descriptor`.
    ///
    /// A type-level fact, so a conformance target knows its provider before any simulator
    /// exists (a loopback simulator is built only once its ports are bound).
    static var provider: ProviderDescriptor { get }
    /// The shared machinery: time, log, faults, storage.
    var host: SimulatorHost { get }
    /// The in-process transport to give ``Gateway``.
    var transport: SimulatorTransport { get }
    /// A key with full access.
    var apiKey: String { get }
    /// A valid key that may read no dataset (answers 403).
    var restrictedAPIKey: String { get }

    /// Seeds a dataset of `itemCount` deterministic items and returns the reference a
    /// pipeline would pass as a ``DatasetRef``.
    @discardableResult
    func seedDataset(named name: String, itemCount: Int) -> String

    /// Makes the next created export follow `script` instead of the default.
    func scriptNextExport(_ script: ExportScript)

    /// Whether the vendor has a canceled state that ``ExportScript/cancels(afterPolls:)``
    /// can reach (some vendors' exports only complete or fail). A type-level fact, so the
    /// conformance suite knows which checks apply before any simulator exists.
    static var canCancelExports: Bool { get }
}

extension VendorSimulator {
    public static var canCancelExports: Bool { true }
    /// Whether this simulator's vendor has a canceled state (the type's ``canCancelExports``).
    public var canCancelExports: Bool { Self.canCancelExports }

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
