import ExportGateway
import Foundation

/// A provider under test, and where it runs: against its simulator in-process or over
/// loopback HTTP, or against the real vendor when the vendor's API key is in the environment.
///
/// ```swift
/// let targets: [ConformanceTarget] = [
///     .simulator(AvalaProvider(), simulator: { AvalaSimulator() }),
///     .loopback(AvalaProvider()) { api, storage in
///         AvalaSimulator(apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage)
///     },
///     .live(AvalaProvider()),          // skipped with a reason unless AVALA_API_KEY is set
/// ]
/// ```
public struct ConformanceTarget: Sendable, CustomStringConvertible {
    /// Where the checks run.
    public enum Mode: String, Sendable {
        /// In-process, against the vendor's simulator.
        case simulator
        /// Against the vendor's simulator behind a ``SimulatorServer``, through
        /// `URLSessionTransport`: real sockets, real HTTP framing, same checks.
        case loopback
        /// Against the vendor's real API.
        case live
    }

    /// The provider's id.
    public let provider: ProviderID
    /// Where the checks run.
    public let mode: Mode
    /// Builds a fresh environment for one check (a new simulator each time, so checks never
    /// see each other's state), or the reason it cannot run here; throws when it should run
    /// and cannot (a loopback port that will not bind).
    let makeEnvironment: @Sendable () throws -> Result<ConformanceEnvironment, ConformanceSkip>

    public var description: String { "\(provider) (\(mode.rawValue))" }

    /// Runs checks against `provider` talking in-process to a new simulator per check.
    public static func simulator<Provider: ExportProvider>(
        _ provider: Provider, simulator makeSimulator: @escaping @Sendable () -> any VendorSimulator
    ) -> ConformanceTarget {
        ConformanceTarget(provider: Provider.id, mode: .simulator) {
            let simulator = makeSimulator()
            let clock = VirtualClock()
            func gateway(_ key: String) -> Gateway {
                Gateway(
                    provider: provider, apiKey: APIKey(key), baseURL: simulator.apiBaseURL,
                    transport: simulator.transport,
                    options: GatewayOptions(pageSize: 20, clock: clock))
            }
            return .success(ConformanceEnvironment(
                gateway: gateway(simulator.apiKey), gatewayWithWrongKey: gateway("wrong-key-for-conformance"),
                gatewayWithRestrictedKey: gateway(simulator.restrictedAPIKey), simulator: simulator, clock: clock,
                liveDataset: nil, allowsWrites: true))
        }
    }

    /// Runs checks against `provider` talking HTTP over loopback, through
    /// `URLSessionTransport`, to a new simulator per check served by a ``SimulatorServer``
    /// (stopped when the check ends).
    ///
    /// `makeSimulator` receives the API and storage origins (`http://127.0.0.1:<port>`, two
    /// ports) and must build the simulator on them. Waits and retries still run on a
    /// ``VirtualClock``, so no check sleeps for real.
    ///
    /// The server refuses a request whose bytes stall for 200 ms (408). That bound is met
    /// for real in one place: after a simulated dropped connection on a reused keep-alive
    /// connection, libcurl (under URLSession on Linux) resends the request on a new
    /// connection without its body, and only the server's timeout ends that stall.
    public static func loopback<Provider: ExportProvider, Simulator: VendorSimulator>(
        _ provider: Provider,
        simulator makeSimulator: @escaping @Sendable (_ apiOrigin: URL, _ storageOrigin: URL) -> Simulator
    ) -> ConformanceTarget {
        ConformanceTarget(provider: Provider.id, mode: .loopback) {
            let server = try SimulatorServer.start(limits: loopbackLimits, simulator: makeSimulator)
            let simulator = server.simulator
            let clock = VirtualClock()
            let transport = URLSessionTransport()
            func gateway(_ key: String) -> Gateway {
                Gateway(
                    provider: provider, apiKey: APIKey(key), baseURL: simulator.apiBaseURL, transport: transport,
                    options: GatewayOptions(pageSize: 20, clock: clock))
            }
            return .success(ConformanceEnvironment(
                gateway: gateway(simulator.apiKey), gatewayWithWrongKey: gateway("wrong-key-for-conformance"),
                gatewayWithRestrictedKey: gateway(simulator.restrictedAPIKey), simulator: simulator, clock: clock,
                liveDataset: nil, allowsWrites: true, teardown: { await server.stop() }))
        }
    }

    /// The loopback server's bounds in conformance runs: a stalled request (libcurl resends
    /// a POST without its body after a dropped connection) ends within a second, yet a busy
    /// machine's ordinary pause between a request's header and body never reaches it.
    static let loopbackLimits = LoopbackServerLimits(idleTimeout: .seconds(1))

    /// Runs the read-only checks (and, with `EXPORT_GATEWAY_LIVE_WRITES=1`, the ones that
    /// create exports) against the real vendor, when its key variable is set.
    ///
    /// Checks that list items need a dataset reference in `EXPORT_GATEWAY_LIVE_DATASET`.
    public static func live<Provider: ExportProvider>(
        _ provider: Provider, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> ConformanceTarget {
        let descriptor = Provider.descriptor
        return ConformanceTarget(provider: Provider.id, mode: .live) {
            guard let key = environment[descriptor.apiKeyEnvironmentVariable], !key.isEmpty else {
                return .failure(ConformanceSkip("\(descriptor.apiKeyEnvironmentVariable) is not set"))
            }
            let baseURL = environment[descriptor.baseURLEnvironmentVariable].flatMap(URL.init(string:))
            let clock = SystemClock()
            func gateway(_ key: String) -> Gateway {
                Gateway(
                    provider: provider, apiKey: APIKey(key), baseURL: baseURL,
                    options: GatewayOptions(pageSize: 20, clock: clock))
            }
            return .success(ConformanceEnvironment(
                gateway: gateway(key), gatewayWithWrongKey: gateway("wrong-key-for-conformance"),
                gatewayWithRestrictedKey: nil, simulator: nil, clock: clock,
                liveDataset: environment["EXPORT_GATEWAY_LIVE_DATASET"].map(DatasetRef.init(rawValue:)),
                allowsWrites: environment["EXPORT_GATEWAY_LIVE_WRITES"] == "1"))
        }
    }
}

/// Why a check did not run; printed, never hidden.
public struct ConformanceSkip: Error, Sendable, CustomStringConvertible {
    /// The reason, such as "avala cannot delete exports".
    public var reason: String
    /// Creates a skip.
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
