import ExportGateway
import Foundation

/// A vendor simulator served over loopback HTTP: two listeners, one for the vendor's API
/// origin and one for its storage origin, each answering through the simulator's own
/// ``VendorSimulator/transport``, the code path in-process tests use.
///
/// Two ports, because production has two hosts: the API (which needs the key) and the
/// object store serving result files (which must never see it). With one port a client
/// that sends the key to storage would look no different from one that does not.
///
/// The server binds both ports first, then builds the simulator with those origins, so the
/// simulator signs storage URLs that point back at the storage listener. Each request's URL
/// is the listener's origin plus the request target exactly as sent. Injected faults go on
/// the wire as they are: ``SimulatedFault/dropConnection`` and ``SimulatedFault/loseResponse``
/// close the connection without an answer, and the body faults cut, stall or trickle the body
/// itself (where the in-process transport can only throw or return it whole).
///
/// ```swift
/// let server = try SimulatorServer.start { apiOrigin, storageOrigin in
///     AvalaSimulator(apiBaseURL: apiOrigin.appendingPathComponent("api/v1"), storageBaseURL: storageOrigin)
/// }
/// let gateway = Gateway(provider: AvalaProvider(), apiKey: APIKey(server.simulator.apiKey),
///                             baseURL: server.simulator.apiBaseURL, transport: URLSessionTransport())
/// // ...
/// await server.stop()
/// ```
public final class SimulatorServer<Simulator: ServableSimulator>: Sendable {
    /// The simulator answering both origins: seed, script and inspect it as in-process.
    public let simulator: Simulator
    /// The listener for the vendor's API origin.
    public let api: LoopbackHTTPServer
    /// The listener for the storage origin.
    public let storage: LoopbackHTTPServer

    /// `http://127.0.0.1:<api port>`.
    public var apiOrigin: URL { api.origin }
    /// `http://127.0.0.1:<storage port>`.
    public var storageOrigin: URL { storage.origin }

    private init(simulator: Simulator, api: LoopbackHTTPServer, storage: LoopbackHTTPServer) {
        self.simulator = simulator
        self.api = api
        self.storage = storage
    }

    /// Binds the API and storage listeners (0 = any free port), builds the simulator with
    /// their origins, and starts serving it.
    ///
    /// - Parameters:
    ///   - latency: what every answer, API and storage alike, waits before it is written: a
    ///     real network's round trip (``SimulatedLatency/none`` by default). A waiting answer
    ///     holds up no other connection.
    ///   - clock: the clock the latency is waited on: the system clock unless a test gives
    ///     one it controls.
    ///   - makeSimulator: builds the simulator from the API origin and the storage
    ///     origin; it must use them (with any path prefix after the API origin).
    /// - Throws: ``LoopbackServerError`` when a port cannot be bound, or when the simulator's
    ///   base URLs are not on the origins it was given (it could never be reached).
    public static func start(
        apiPort: Int = 0, storagePort: Int = 0, limits: LoopbackServerLimits = LoopbackServerLimits(),
        latency: SimulatedLatency = .none, clock: any GatewayClock = SystemClock(),
        simulator makeSimulator: (_ apiOrigin: URL, _ storageOrigin: URL) throws -> Simulator
    ) throws -> SimulatorServer {
        let api = try LoopbackHTTPServer(port: apiPort, limits: limits)
        let storage = try LoopbackHTTPServer(port: storagePort, limits: limits)
        let simulator = try makeSimulator(api.origin, storage.origin)
        let apiBaseURL = simulator.host.apiBaseURL, storageBaseURL = simulator.host.storage.baseURL
        guard SimulatorTransport.sameOrigin(apiBaseURL, api.origin),
            SimulatorTransport.sameOrigin(storageBaseURL, storage.origin)
        else {
            throw LoopbackServerError(
                "The simulator lives at \(apiBaseURL.absoluteString) and \(storageBaseURL.absoluteString), "
                    + "not at the loopback origins \(api.origin.absoluteString) and \(storage.origin.absoluteString) "
                    + "it was given: build it with apiBaseURL and storageBaseURL from those origins.")
        }
        let transport = simulator.transport.withLatency(latency, clock: clock)
        api.startDelivering(handler: { request in try transport.served(request) })
        storage.startDelivering(handler: { request in try transport.served(request) })
        return SimulatorServer(simulator: simulator, api: api, storage: storage)
    }

    /// Stops both listeners and waits until every connection is closed.
    public func stop() async {
        async let apiStopped: Void = api.stop()
        async let storageStopped: Void = storage.stop()
        _ = await (apiStopped, storageStopped)
    }
}
