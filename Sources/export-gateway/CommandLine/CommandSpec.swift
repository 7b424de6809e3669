/// One command of the tool: its name, what help says about it, what it accepts, and what it
/// does.
///
/// Commands form a tree. A command with ``subcommands`` is a group (`exports`, with `list`,
/// `get`...); a command with ``run`` is a leaf. The root's ``options`` are global: the parser
/// accepts them before or after any command name. Help, parsing and shell completions are
/// all read from this tree, so they cannot disagree.
///
/// ```swift
/// CommandSpec(name: "version", summary: "Print the version.") { _, console in
///     console.line("export-gateway \(UserAgent.libraryVersion)")
/// }
/// ```
struct CommandSpec: Sendable {
    /// What a leaf command does with its parsed arguments; a thrown error ends the tool.
    typealias Run = @Sendable (ParsedArguments, Console) async throws -> Void

    /// The word typed to select it, such as `demo`.
    var name: String
    /// One sentence for command lists.
    var summary: String
    /// Paragraphs shown under the usage line of its own help.
    var discussion: String
    /// Command lines shown under "Examples:" in its help, each a complete thing to type.
    var examples: [String]
    /// The options it accepts (besides `--help` and the global options), each a constant the
    /// command reads its value back with.
    var options: [any OptionDeclaration]
    /// Its positional arguments, in order.
    var arguments: [any ArgumentDeclaration]
    /// Its subcommands, when it is a group.
    var subcommands: [CommandSpec]
    /// What it does, when it is a leaf.
    var run: Run?
    /// Options the parser refuses with a reason instead of "unknown option", by long name
    /// without dashes (such as `api-key`): what people try that the tool will not take.
    var refusedOptions: [String: String]
    /// The root's flags that run a command in place of the one named, such as `--version`.
    var commandFlags: [CommandFlag]

    /// Creates a leaf command.
    init(
        name: String, summary: String, discussion: String = "", examples: [String] = [],
        options: [any OptionDeclaration] = [], arguments: [any ArgumentDeclaration] = [], run: @escaping Run
    ) {
        self.name = name
        self.summary = summary
        self.discussion = discussion
        self.examples = examples
        self.options = options
        self.arguments = arguments
        self.subcommands = []
        self.run = run
        self.refusedOptions = [:]
        self.commandFlags = []
    }

    /// Creates a group of subcommands (the root is one too). The flags of `commandFlags`
    /// join `options`, so help and completions list them with the rest.
    init(
        name: String, summary: String, discussion: String = "", examples: [String] = [],
        options: [any OptionDeclaration] = [], refusedOptions: [String: String] = [:], commandFlags: [CommandFlag] = [],
        subcommands: [CommandSpec]
    ) {
        self.name = name
        self.summary = summary
        self.discussion = discussion
        self.examples = examples
        self.options = options + commandFlags.map(\.flag)
        self.arguments = []
        self.subcommands = subcommands
        self.run = nil
        self.refusedOptions = refusedOptions
        self.commandFlags = commandFlags
    }

    /// The subcommand called `name`, if any.
    func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }

    /// This command and every command below it, each as its path from this one (this one
    /// first), parents before their subcommands.
    var paths: [[CommandSpec]] {
        [[self]] + subcommands.flatMap { subcommand in subcommand.paths.map { [self] + $0 } }
    }
}

/// A flag that stands for a whole command that takes no arguments, such as `--version` for
/// `version`: accepted wherever the root's options are, it runs that command instead of the
/// one named, which then needs neither a subcommand nor its arguments.
struct CommandFlag: Sendable {
    /// The flag, one of the root's options.
    let flag: Option<Bool>
    /// The command it runs.
    let command: CommandSpec
}

/// What the parser, help and completions know of an option, whatever its value's type:
/// `--output DIR` or `--json`.
struct OptionSpec: Sendable, Equatable {
    /// Whether the option is a switch or carries a value.
    enum Kind: Sendable, Equatable {
        /// Present or absent: `--json`.
        case flag
        /// Followed by a value, written in help as `placeholder`: `--output DIR`, `--output=DIR`.
        case value(placeholder: String)
    }

    /// The long name without dashes, such as `output`.
    var name: String
    /// A one-letter alias (`-o`), if any.
    var shortName: Character?
    /// Switch or value.
    var kind: Kind
    /// Whether every value given counts (`--status a --status b`), not only the last.
    var isRepeatable: Bool
    /// What a shell completion offers for its value.
    var completion: ValueCompletion
    /// One sentence for help, naming the default where there is one.
    var help: String

    /// Creates an option.
    init(
        _ name: String, short shortName: Character? = nil, _ kind: Kind = .flag, isRepeatable: Bool = false,
        completion: ValueCompletion = .text, help: String
    ) {
        self.name = name
        self.shortName = shortName
        self.kind = kind
        self.isRepeatable = isRepeatable
        self.completion = completion
        self.help = help
    }

    /// `--output DIR`, `-o, --output DIR`: how help and error messages write it.
    var synopsis: String {
        var text = shortName.map { "-\($0), " } ?? ""
        text += "--\(name)"
        if case .value(let placeholder) = kind { text += " \(placeholder)" }
        return text
    }

    /// `--help`/`-h`, which every command accepts; the parser answers it itself.
    static let help = OptionSpec("help", short: "h", help: "Show this help.")
}

/// What the parser, help and completions know of a positional argument, whatever its value's
/// type: the `<export-id>` of `exports get <export-id>`.
struct ArgumentSpec: Sendable, Equatable {
    /// The name shown in help, such as `export-id`.
    var name: String
    /// One sentence for help.
    var help: String
    /// Whether it may be left out.
    var isOptional: Bool
    /// Whether it takes every remaining word (only the last argument may).
    var isRepeating: Bool
    /// What a shell completion offers for it.
    var completion: ValueCompletion

    /// `<export-id>`, `[<command>...]`.
    var synopsis: String {
        let word = "<\(name)>" + (isRepeating ? "..." : "")
        return isOptional ? "[\(word)]" : word
    }
}
