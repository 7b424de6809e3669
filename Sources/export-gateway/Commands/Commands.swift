/// The command tree of `export-gateway`.
enum Commands {
    /// The root: every command, and (as its options) the global options.
    static let root: CommandSpec = CommandSpec(
        name: Usage.programName,
        summary:
            "export-gateway: one command line over annotation vendors' export APIs (Avala, Pictograph, Labelbox and Label Studio today).",
        discussion: GlobalOptions.discussion,
        examples: GlobalOptions.examples,
        options: GlobalOptions.options,
        refusedOptions: GlobalOptions.refused,
        commandFlags: [CommandFlag(flag: GlobalOptions.version, command: version)],
        subcommands: [providers, exports, items, convert, demo, simulate, completions, version, help])
}
