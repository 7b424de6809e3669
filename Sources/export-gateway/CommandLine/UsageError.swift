/// The words typed do not form a valid command: unknown command or option, missing value,
/// stray argument. The tool prints it on stderr and exits with ``ExitStatus/usage``.
///
/// The message says what is wrong and, where it can, what to type instead; the hint names
/// the help to read.
struct UsageError: Error, CustomStringConvertible {
    /// What is wrong, such as `Unknown command 'demi'. Did you mean 'demo'?`.
    let message: String
    /// The command words whose help the hint points at (empty: the tool's own help).
    let command: [String]
    /// A full help text to print before the message, when the mistake is that nothing
    /// runnable was named.
    let help: String?

    /// An error about the command `command` (its words, without the program name).
    init(_ message: String, command: [String]) {
        self.message = message
        self.command = command
        self.help = nil
    }

    /// An error about the last command of `helpPath` (root first).
    init(_ message: String, helpPath: [CommandSpec]) {
        self.init(message, command: helpPath.dropFirst().map(\.name))
    }

    /// The path names a group (or nothing at all) rather than a command that runs.
    init(missingCommandIn path: [CommandSpec]) {
        let group = path[path.count - 1]
        let names = group.subcommands.map(\.name).joined(separator: ", ")
        let words = path.dropFirst().map(\.name)
        let subject = words.isEmpty ? "a command" : "a subcommand of '\(words.joined(separator: " "))'"
        message = "Missing \(subject). Choose one of: \(names)."
        command = words
        help = Usage.help(for: path)
    }

    /// `Run 'export-gateway demo --help' to see its options.`
    var hint: String {
        command.isEmpty
            ? "Run '\(Usage.programName) help' to see every command."
            : "Run '\(([Usage.programName] + command).joined(separator: " ")) --help' to see its options."
    }

    var description: String { "error: \(message)\n\(hint)" }
}
