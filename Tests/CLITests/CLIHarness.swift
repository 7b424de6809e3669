import ExportGateway
import ExportGatewayTesting
import Foundation

@testable import export_gateway

/// What one in-process run of the tool did.
struct CLIRun {
    var status: ExitStatus
    var output: String
    var errors: String

    /// The stdout lines.
    var lines: [String] { output.split(separator: "\n").map(String.init) }

    /// Stdout as one JSON document.
    func json() throws -> JSONValue { try JSONValue(parsing: Data(output.utf8)) }
}

/// Runs the tool in-process against one simulator: the variables point the configuration at
/// the simulator's API, its transport answers every request, and a virtual clock makes
/// waits instant.
struct CLIHarness {
    var variables: [String: String]
    var transport: any HTTPTransport
    let clock = VirtualClock()

    /// Configured for Avala with the simulator's full-access key.
    init(avala simulator: AvalaSimulator, key: String? = nil) {
        variables = [
            "EXPORT_GATEWAY_PROVIDER": "avala", "AVALA_API_KEY": key ?? simulator.apiKey,
            "EXPORT_GATEWAY_BASE_URL": simulator.apiBaseURL.absoluteString,
        ]
        transport = simulator.transport
    }

    /// Configured for Pictograph with the simulator's owner key.
    init(pictograph simulator: PictographSimulator) {
        variables = [
            "EXPORT_GATEWAY_PROVIDER": "pictograph", "PICTOGRAPH_API_KEY": simulator.apiKey,
            "EXPORT_GATEWAY_BASE_URL": simulator.apiBaseURL.absoluteString,
        ]
        transport = simulator.transport
    }

    /// Configured by hand: environment `variables`, requests through `transport` (such as a
    /// `URLSessionTransport` to a loopback `simulate`).
    init(variables: [String: String], transport: any HTTPTransport) {
        self.variables = variables
        self.transport = transport
    }

    /// Configured for Labelbox with the simulator's full-access key.
    init(labelbox simulator: LabelboxSimulator) {
        variables = [
            "EXPORT_GATEWAY_PROVIDER": "labelbox", "LABELBOX_API_KEY": simulator.apiKey,
            "EXPORT_GATEWAY_BASE_URL": simulator.apiBaseURL.absoluteString,
        ]
        transport = simulator.transport
    }

    /// What a run's commands run against: the variables, the transport and the clock.
    var environment: ToolEnvironment { ToolEnvironment(variables: variables, transport: transport, clock: clock) }

    /// Runs `export-gateway <words>`.
    func run(_ words: [String], isTerminal: Bool = false) async -> CLIRun {
        let captured = CapturedConsole(isTerminal: isTerminal, environment: environment)
        let status = await Tool.run(["export-gateway"] + words, console: captured.console)
        return CLIRun(status: status, output: captured.output, errors: captured.errors)
    }

    /// A fresh file path in the temporary folder.
    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("eg-cli-\(UUID().uuidString)-\(name)")
    }
}
