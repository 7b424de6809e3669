extension Commands {
    /// `export-gateway help [<command>...]`: the same text as `<command> --help`.
    static let help: CommandSpec = CommandSpec(
        name: "help", summary: "Show the help of a command.",
        examples: ["export-gateway help exports create"],
        arguments: [ArgumentSpec("command", help: "The command to explain, such as 'demo'.", isOptional: true, isRepeating: true)]
    ) { arguments, console in
        let path = try ArgumentParser(root: Commands.root).commandPath(named: arguments.positionals)
        console.line(Usage.help(for: path))
    }
}
