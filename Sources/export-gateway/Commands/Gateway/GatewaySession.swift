import ExportGateway
import Foundation

/// One run of a command that talks to a vendor: reads the global options, builds the
/// configuration and the gateway exactly as the library does, and writes results in the
/// form asked for (`--json`, `--quiet`, `--verbose`).
///
/// Flags win over the environment and the file because they are applied as the variables
/// the library already reads: `--provider` sets `EXPORT_GATEWAY_PROVIDER` and `--base-url`
/// sets `EXPORT_GATEWAY_BASE_URL` for this run, so their values are checked the same way.
struct GatewaySession: Sendable {
    /// Where results go, and what the gateway runs against.
    let console: Console
    /// The command's words.
    let arguments: ParsedArguments
    /// `--json`: one JSON document on stdout, or one per line (NDJSON) for lists.
    let json: Bool
    /// `--quiet`: no progress, no hints; only identifiers and paths.
    let quiet: Bool
    /// `--verbose`: every request, retry and redirect on stderr.
    let verbose: Bool

    /// Reads the global flags of `arguments`.
    init(_ arguments: ParsedArguments, console: Console) {
        self.console = console
        self.arguments = arguments
        json = arguments[GlobalOptions.json]
        quiet = arguments[GlobalOptions.quiet]
        verbose = arguments[GlobalOptions.verbose]
    }

    /// The environment variables with the flags' overrides applied.
    var variables: [String: String] {
        var variables = console.environment.variables
        if let provider = arguments[GlobalOptions.provider] {
            variables[GatewayConfiguration.providerVariable] = provider
        }
        if let baseURL = arguments[GlobalOptions.baseURL] { variables[GatewayConfiguration.baseURLVariable] = baseURL }
        return variables
    }

    /// Whether anything names a provider: `--config`, `--provider` or `EXPORT_GATEWAY_PROVIDER`.
    var namesProvider: Bool {
        arguments[GlobalOptions.config] != nil
            || ToolEnvironment.value(GatewayConfiguration.providerVariable, in: variables) != nil
    }

    /// The configuration from `--config FILE` (then the environment), or from the
    /// environment alone.
    /// - Throws: ``GatewayError/Kind/configuration`` saying what to set.
    func configuration() throws -> GatewayConfiguration {
        if let file = arguments[GlobalOptions.config] {
            return try GatewayConfiguration.load(from: URL(fileURLWithPath: file), environment: variables)
        }
        return try GatewayConfiguration.environment(variables)
    }

    /// A gateway for the configured provider. `observer` sees every event too, for
    /// progress; with `--verbose` requests are logged to stderr with any key removed.
    /// - Throws: ``GatewayError/Kind/configuration`` for an unknown provider or a missing key.
    func makeGateway(observer: (@Sendable (GatewayEvent) -> Void)? = nil) throws -> Gateway {
        let configuration = try configuration()
        let environment = console.environment
        let log: RequestLogger? =
            verbose ? RequestLogger(console: console, secrets: Self.secrets(of: configuration, in: environment)) : nil
        var handler: (@Sendable (GatewayEvent) -> Void)?
        if log != nil || observer != nil {
            handler = { event in
                log?.log(event)
                observer?(event)
            }
        }
        return try Gateway(
            configuration: configuration, providers: environment.providers, transport: environment.transport,
            options: GatewayOptions(clock: environment.clock, eventHandler: handler))
    }

    /// The key values the configuration may use: never printed, even inside a URL.
    private static func secrets(of configuration: GatewayConfiguration, in environment: ToolEnvironment) -> [String] {
        let variable =
            configuration.apiKeyEnvironmentVariable
            ?? environment.providers[configuration.provider]?.apiKeyEnvironmentVariable
        return [configuration.apiKey?.secret, variable.flatMap(environment.value)].compactMap { $0 }
    }

    // MARK: Output

    /// Writes `value` as one compact JSON line on stdout.
    func emit(_ value: JSONValue) {
        console.line(String(decoding: value.serialized(), as: UTF8.self))
    }

    /// Writes a progress step on stderr (stdout stays clean for `--json`), unless `--quiet`.
    func progress(_ text: String) {
        if !quiet { console.status(text) }
    }

    /// Runs `body`, then ends its run of ``progress(_:)`` steps however it ends, so an
    /// error message never lands on the end of a progress line.
    func withProgress<Result>(_ body: () async throws -> Result) async rethrows -> Result {
        defer { if !quiet { console.endStatus() } }
        return try await body()
    }
}
