import ExportGateway
import ExportGatewayProviders
import Foundation

/// What the tool's commands run against: the environment variables configuration is read
/// from, the providers they may choose from, how requests travel, the clock waits and
/// elapsed times use, and the signals that stop them.
///
/// The process gets ``process``; tests build one around a simulator's `transport`, a
/// `VirtualClock` and a dictionary of variables, so nothing reaches the network or sleeps,
/// and deliver signals by hand through ``interruption``.
struct ToolEnvironment: Sendable {
    /// The environment variables (configuration, keys).
    var variables: [String: String]
    /// The adapters `--provider` and `EXPORT_GATEWAY_PROVIDER` choose from.
    var providers: ProviderSet
    /// How requests travel.
    var transport: any HTTPTransport
    /// What waits and retries sleep on, and what elapsed times and rates are measured by.
    var clock: any GatewayClock
    /// What stops the running command early: SIGINT, SIGTERM, a stdout that fails.
    var interruption: Interruption

    /// Creates an environment; every part defaults to the real one except `variables`, and
    /// `interruption`, which hears of signals only once told to watch them.
    init(
        variables: [String: String], providers: ProviderSet = .standard,
        transport: any HTTPTransport = URLSessionTransport.shared, clock: any GatewayClock = SystemClock(),
        interruption: Interruption = Interruption()
    ) {
        self.variables = variables
        self.providers = providers
        self.transport = transport
        self.clock = clock
        self.interruption = interruption
    }

    /// The real process: its variables, the network, the system clock (its signals are
    /// watched by ``Tool/main(_:)``).
    static var process: ToolEnvironment { ToolEnvironment(variables: ProcessInfo.processInfo.environment) }

    /// `variables[name]` trimmed, or `nil` when absent or blank (the library's rule too).
    func value(_ name: String) -> String? { Self.value(name, in: variables) }

    /// `variables[name]` trimmed, or `nil` when absent or blank.
    static func value(_ name: String, in variables: [String: String]) -> String? {
        guard let value = variables[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }
}
