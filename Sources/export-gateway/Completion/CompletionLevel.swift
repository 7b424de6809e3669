/// One command of the tree as a completion script sees it: the words that name it and what
/// may follow them.
struct CompletionLevel {
    /// The command words after the program name, such as `["exports", "list"]`; none for the root.
    let words: [String]
    /// The command they name.
    let command: CommandSpec
    /// Every option accepted after these words, as the parser takes them: the global ones,
    /// its groups', its own, and `--help`.
    let options: [OptionSpec]

    /// Every command under `root` (the root first, parents before their subcommands).
    static func all(under root: CommandSpec) -> [CompletionLevel] {
        root.paths.map { path in
            CompletionLevel(
                words: path.dropFirst().map(\.name), command: path[path.count - 1],
                options: path.flatMap(\.options).map(\.spec) + [.help])
        }
    }
}
