import ExportGateway
import Foundation

extension Commands {
    /// `export-gateway providers`: what is configured, and what each linked provider can do.
    static let providers: CommandSpec = CommandSpec(
        name: "providers",
        summary: "Show the configured provider, its base URL, whether its key is set, and what each provider can do.",
        discussion: """
            Reads the configuration the way every other command does (--config, the environment, \
            --provider, --base-url) and shows, for each provider this tool links: its base URL, the \
            variable its key is read from and whether it is set (the key itself is never shown), and \
            its capabilities. Exits 1 when the configuration cannot be used (an unreadable file, an \
            unknown provider, a missing key, a bad base URL), after the report where one can be \
            made; with nothing configured it only says so.
            """,
        examples: ["export-gateway providers", "export-gateway providers --provider pictograph --json"]
    ) { arguments, console in
        try ProviderReport(session: GatewaySession(arguments, console: console)).run()
    }
}

/// The `providers` command's report.
struct ProviderReport {
    let session: GatewaySession

    /// One linked provider as the configuration sees it.
    private struct Row {
        var descriptor: ProviderDescriptor
        var isConfigured: Bool
        var baseURL: URL
        var keyVariable: String
        /// `"environment"`, `"file"`, or `nil` when no key is set.
        var keySource: String?
        var capabilities: ProviderCapabilities
    }

    func run() throws {
        let environment = session.console.environment
        let configuration = session.namesProvider ? try session.configuration() : nil

        let rows = environment.providers.descriptors.map { descriptor in
            row(for: descriptor, configuration: configuration?.provider == descriptor.id ? configuration : nil)
        }
        // Building the gateway is the one check that sees everything the library checks.
        let problem: GatewayError? = configuration.flatMap { configuration in
            do {
                _ = try Gateway(
                    configuration: configuration, providers: environment.providers, transport: environment.transport)
                return nil
            } catch let error as GatewayError {
                return error
            } catch {
                return GatewayError(.configuration, message: "\(error)")
            }
        }

        if session.json {
            var document: [String: JSONValue] = [
                "configured": configuration.map { .string($0.provider.rawValue) } ?? .null,
                "providers": .array(rows.map(json)),
            ]
            document["problem"] = problem.map { .string($0.description) }
            session.emit(.object(document))
        } else if session.quiet {
            if let configuration { session.console.line(configuration.provider.rawValue) }
        } else {
            printReport(rows, configuration: configuration)
        }
        if let problem { throw problem }
    }

    private func row(for descriptor: ProviderDescriptor, configuration: GatewayConfiguration?) -> Row {
        let environment = session.console.environment
        let keyVariable = configuration?.apiKeyEnvironmentVariable ?? descriptor.apiKeyEnvironmentVariable
        let keySource: String? =
            configuration?.apiKey != nil ? "file" : environment.value(keyVariable) != nil ? "environment" : nil
        let ownBaseURL = environment.value(descriptor.baseURLEnvironmentVariable).flatMap(URL.init(string:))
        return Row(
            descriptor: descriptor, isConfigured: configuration != nil,
            baseURL: configuration?.baseURL ?? ownBaseURL ?? descriptor.defaultBaseURL, keyVariable: keyVariable,
            keySource: keySource, capabilities: descriptor.makeProvider().capabilities)
    }

    private func json(_ row: Row) -> JSONValue {
        .object([
            "id": .string(row.descriptor.id.rawValue),
            "displayName": .string(row.descriptor.displayName),
            "configured": .bool(row.isConfigured),
            "baseURL": .string(row.baseURL.absoluteString),
            "apiKeyVariable": .string(row.keyVariable),
            "apiKeySet": .bool(row.keySource != nil),
            "apiKeySource": row.keySource.map(JSONValue.string) ?? .null,
            "capabilities": JSONRepresentation.capabilities(row.capabilities),
        ])
    }

    private func printReport(_ rows: [Row], configuration: GatewayConfiguration?) {
        let console = session.console
        if let configuration {
            console.line("Configured provider: \(configuration.provider)")
        } else {
            console.line(
                "No provider configured: set \(GatewayConfiguration.providerVariable), pass --provider NAME, or give --config FILE."
            )
        }
        for row in rows {
            let capabilities = row.capabilities
            let key =
                switch row.keySource {
                case "file": "set (\"apiKey\" in the config file)"
                case "environment": "set (\(row.keyVariable))"
                default: "not set (set \(row.keyVariable))"
                }
            let sources = [
                capabilities.exportsDatasets ? "datasets" : nil, capabilities.exportsProjects ? "projects" : nil,
            ]
            let exports = [
                "from " + (sources.compactMap { $0 }.joined(separator: " and ")),
                capabilities.listsExports ? "listed" : "not listed",
                capabilities.deletesExports ? "deletable" : "not deletable",
                capabilities.readsExportsByName ? "read by name" : nil,
                capabilities.idempotentCreate ? "create retried safely (idempotency key)" : "create never retried",
            ]
            let items = capabilities.itemKinds.map(\.rawValue).sorted()
            console.line()
            console.line(
                "\(row.descriptor.id) (\(row.descriptor.displayName))\(row.isConfigured ? ", configured" : "")")
            let lines: [[String]] = [
                ["base URL", row.baseURL.absoluteString],
                ["API key", key],
                ["exports", exports.compactMap { $0 }.joined(separator: ", ")],
                ["formats", capabilities.formats.map(\.rawValue).sorted().joined(separator: ", ")],
                [
                    "filters",
                    capabilities.filters.isEmpty
                        ? "none" : capabilities.filters.sorted().map(\.description).joined(separator: ", "),
                ],
                ["items", items.isEmpty ? "not listed" : items.joined(separator: ", ")],
                [
                    "records",
                    capabilities.streamsRecords ? "streamed ('exports records')" : "not streamed (one result file)",
                ],
                [
                    "downloads",
                    capabilities.rangedDownloads
                        ? "ranged (bounded memory; a failed piece is asked for again)" : "whole file",
                ],
            ]
            Format.table(lines, indent: 2).forEach { console.line($0) }
        }
    }
}
