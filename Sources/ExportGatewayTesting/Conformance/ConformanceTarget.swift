import ExportGateway
import Foundation

/// A provider under test, and where it runs: against its simulator in-process or over
/// loopback HTTP, or against the real vendor when the vendor's API key is in the environment.
///
/// ```swift
/// let targets: [ConformanceTarget] = [
///     .simulator { AvalaSimulator() },
///     .loopback { api, storage in
///         AvalaSimulator(apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage)
///     },
///     .live(AvalaProvider.descriptor),    // skipped with a reason unless AVALA_API_KEY is set
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
    /// What the provider says it can do: decides, before any check runs, which ones apply.
    public let capabilities: ProviderCapabilities
    /// How the provider's annotations are read: decides whether the annotation checks apply.
    public let annotationRoute: AnnotationRoute
    /// Whether the vendor's exports reach a canceled state (``VendorSimulator/canCancelExports``);
    /// `nil` against the live vendor, where no check cancels one.
    public let cancelsExports: Bool?
    /// Builds a fresh environment for one check (a new simulator each time, so checks never
    /// see each other's state), or the reason it cannot run here; throws when it should run
    /// and cannot (a loopback port that will not bind).
    let makeEnvironment: @Sendable () throws -> Result<ConformanceEnvironment, ConformanceSkip>

    public var description: String { "\(provider) (\(mode.rawValue))" }

    /// Runs checks against the simulator's adapter (``VendorSimulator/provider``) talking
    /// in-process to a new simulator per check.
    public static func simulator<Simulator: VendorSimulator>(
        _ makeSimulator: @escaping @Sendable () -> Simulator
    ) -> ConformanceTarget {
        ConformanceTarget(simulating: Simulator.self, mode: .simulator) {
            .success(environment(against: makeSimulator(), transport: nil))
        }
    }

    /// Runs checks against the simulator's adapter talking HTTP over loopback, through
    /// `URLSessionTransport`, to a new simulator per check served by a ``SimulatorServer``
    /// (stopped when the check ends).
    ///
    /// `makeSimulator` receives the API and storage origins (`http://127.0.0.1:<port>`, two
    /// ports) and must build the simulator on them. Waits and retries still run on a
    /// ``VirtualClock``, so no check sleeps for real.
    ///
    /// The server refuses a request whose bytes stall for a second (408). That bound is met
    /// for real in one place: after a simulated dropped connection on a reused keep-alive
    /// connection, libcurl (under URLSession on Linux) resends the request on a new
    /// connection without its body, and only the server's timeout ends that stall.
    public static func loopback<Simulator: VendorSimulator>(
        _ makeSimulator: @escaping @Sendable (_ apiOrigin: URL, _ storageOrigin: URL) -> Simulator
    ) -> ConformanceTarget {
        ConformanceTarget(simulating: Simulator.self, mode: .loopback) {
            let server = try SimulatorServer.start(limits: loopbackLimits, simulator: makeSimulator)
            return .success(
                environment(
                    against: server.simulator, transport: URLSessionTransport(), teardown: { await server.stop() }))
        }
    }

    /// The loopback server's bounds in conformance runs: a stalled request (libcurl resends
    /// a POST without its body after a dropped connection) ends within a second, yet a busy
    /// machine's ordinary pause between a request's header and body never reaches it.
    static let loopbackLimits = LoopbackServerLimits(idleTimeout: .seconds(1))

    /// What a check against `simulator` works with: gateways with its full-access key, a
    /// wrong key and its restricted key, through `transport` (the simulator's in-process one
    /// when `nil`), all waiting on one virtual clock.
    private static func environment(
        against simulator: some VendorSimulator, transport: (any HTTPTransport)?,
        teardown: @escaping @Sendable () async -> Void = {}
    ) -> ConformanceEnvironment {
        let clock = VirtualClock()
        func gateway(_ key: String? = nil) -> Gateway {
            simulator.gateway(apiKey: key, transport: transport, options: GatewayOptions(pageSize: 20, clock: clock))
        }
        return ConformanceEnvironment(
            gateway: gateway(), gatewayWithWrongKey: gateway(ConformanceEnvironment.wrongAPIKey),
            gatewayWithRestrictedKey: gateway(simulator.restrictedAPIKey), simulator: simulator, clock: clock,
            liveDataset: nil, allowsWrites: true, teardown: teardown)
    }

    /// Runs the read-only checks (and, with `EXPORT_GATEWAY_LIVE_WRITES=1`, the ones that
    /// create exports) against the real vendor of `descriptor`, when its key variable is set.
    ///
    /// Checks that list items need a dataset reference in `EXPORT_GATEWAY_LIVE_DATASET`.
    public static func live(
        _ descriptor: ProviderDescriptor, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> ConformanceTarget {
        ConformanceTarget(
            provider: descriptor.id, mode: .live, capabilities: descriptor.makeProvider().capabilities,
            annotationRoute: descriptor.makeProvider().annotationRoute, cancelsExports: nil
        ) {
            guard let key = environment[descriptor.apiKeyEnvironmentVariable], !key.isEmpty else {
                return .failure(ConformanceSkip("\(descriptor.apiKeyEnvironmentVariable) is not set"))
            }
            let baseURL = environment[descriptor.baseURLEnvironmentVariable].flatMap(URL.init(string:))
            let clock = SystemClock()
            func gateway(_ key: String) -> Gateway {
                Gateway(
                    provider: descriptor.makeProvider(), apiKey: APIKey(key), baseURL: baseURL,
                    options: GatewayOptions(pageSize: 20, clock: clock))
            }
            return .success(
                ConformanceEnvironment(
                    gateway: gateway(key), gatewayWithWrongKey: gateway(ConformanceEnvironment.wrongAPIKey),
                    gatewayWithRestrictedKey: nil, simulator: nil, clock: clock,
                    liveDataset: environment["EXPORT_GATEWAY_LIVE_DATASET"].map(DatasetRef.init(rawValue:)),
                    allowsWrites: environment["EXPORT_GATEWAY_LIVE_WRITES"] == "1"))
        }
    }
}

extension ConformanceTarget {
    /// A target against the adapter `Simulator` simulates, with what its vendor can do.
    /// (In an extension, so the memberwise initializer it calls stays.)
    fileprivate init<Simulator: VendorSimulator>(
        simulating: Simulator.Type, mode: Mode,
        makeEnvironment: @escaping @Sendable () throws -> Result<ConformanceEnvironment, ConformanceSkip>
    ) {
        self.init(
            provider: Simulator.provider.id, mode: mode, capabilities: Simulator.provider.makeProvider().capabilities,
            annotationRoute: Simulator.provider.makeProvider().annotationRoute,
            cancelsExports: Simulator.canCancelExports, makeEnvironment: makeEnvironment)
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
