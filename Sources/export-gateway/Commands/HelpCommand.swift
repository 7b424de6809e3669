extension Commands {
    /// `export-gateway help [<command>...]`: the same text as `<command> --help`.
    static let help: CommandSpec = CommandSpec(
        name: "help", summary: "Show the help of a command.",
        examples: ["export-gateway help exports create"],
        arguments: [helpTopic]
    ) { arguments, console in
        let path = try ArgumentParser(root: Commands.root).commandPath(named: arguments[helpTopic])
        console.line(Usage.help(for: path))
    }

    /// `help <command>...`: the command words, checked when the help is looked up.
    static let helpTopic: Argument<[String]> = .repeating(
        "command", help: "The command to explain, such as 'demo'.", isOptional: true, .text)
}
