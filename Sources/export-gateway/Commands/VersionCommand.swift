import ExportGateway

extension Commands {
    /// `export-gateway version`.
    static let version: CommandSpec = CommandSpec(
        name: "version", summary: "Print the version of export-gateway.", examples: ["export-gateway version"]
    ) { _, console in
        console.line("\(Usage.programName) \(UserAgent.libraryVersion)")
    }
}
