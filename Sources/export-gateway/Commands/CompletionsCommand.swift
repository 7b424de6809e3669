extension Commands {
    /// `export-gateway completions <shell>`: a completion script written from the command tree.
    static let completions: CommandSpec = CommandSpec(
        name: "completions",
        summary: "Print a shell completion script for bash or zsh.",
        discussion: """
            The script completes every command, subcommand and option (and the values of options \
            such as --kind), and is generated from this tool's own command tree, so it matches the \
            version that printed it: print it again after an upgrade. bash: load it from ~/.bashrc \
            with eval "$(export-gateway completions bash)", or save it in \
            ~/.local/share/bash-completion/completions/export-gateway. zsh: save it as \
            _export-gateway in a folder of $fpath, added to fpath before compinit runs in ~/.zshrc.
            """,
        examples: [
            "export-gateway completions bash > ~/.local/share/bash-completion/completions/export-gateway",
            "echo 'eval \"$(export-gateway completions bash)\"' >> ~/.bashrc",
            "export-gateway completions zsh > ~/.zfunc/_export-gateway   # with fpath=(~/.zfunc $fpath) in ~/.zshrc",
        ],
        arguments: [completionShell]
    ) { arguments, console in
        console.line(arguments[completionShell].completionScript(for: Commands.root))
    }

    /// `completions <shell>`.
    static let completionShell = Argument(
        "shell", help: "The shell to complete in: bash or zsh.",
        .choice(among: Shell.allCases.map { ($0.rawValue, $0) }))
}
