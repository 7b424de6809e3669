/// One command of the tool: its name, what help says about it, what it accepts, and what it
/// does.
///
/// Commands form a tree. A command with ``subcommands`` is a group (`exports`, with `list`,
/// `get`...); a command with ``run`` is a leaf. The root's ``options`` are global: the parser
/// accepts them before or after any command name.
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
    /// The options it accepts (besides `--help` and the global options).
    var options: [OptionSpec]
    /// Its positional arguments, in order.
    var arguments: [ArgumentSpec]
    /// Its subcommands, when it is a group.
    var subcommands: [CommandSpec]
    /// What it does, when it is a leaf.
    var run: Run?
    /// Options the parser refuses with a reason instead of "unknown option", by long name
    /// without dashes (such as `api-key`): what people try that the tool will not take.
    var refusedOptions: [String: String]

    /// Creates a leaf command.
    init(
        name: String, summary: String, discussion: String = "", examples: [String] = [], options: [OptionSpec] = [],
        arguments: [ArgumentSpec] = [], run: @escaping Run
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
    }

    /// Creates a group of subcommands (the root is one too).
    init(
        name: String, summary: String, discussion: String = "", examples: [String] = [], options: [OptionSpec] = [],
        refusedOptions: [String: String] = [:], subcommands: [CommandSpec]
    ) {
        self.name = name
        self.summary = summary
        self.discussion = discussion
        self.examples = examples
        self.options = options
        self.arguments = []
        self.subcommands = subcommands
        self.run = nil
        self.refusedOptions = refusedOptions
    }

    /// The subcommand called `name`, if any.
    func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }
}

/// An option such as `--output DIR` or `--json`.
struct OptionSpec: Sendable {
    /// Whether the option is a switch or carries a value.
    enum Kind: Sendable {
        /// Present or absent: `--json`.
        case flag
        /// Followed by a value, written in help as `placeholder`: `--output DIR`, `--output=DIR`.
        case value(placeholder: String)
    }

    /// The long name without dashes, such as `output`; the key in ``ParsedArguments``.
    var name: String
    /// A one-letter alias (`-o`), if any.
    var shortName: Character?
    /// Switch or value.
    var kind: Kind
    /// One sentence for help, naming the default where there is one.
    var help: String

    /// Creates an option.
    init(_ name: String, short shortName: Character? = nil, _ kind: Kind = .flag, help: String) {
        self.name = name
        self.shortName = shortName
        self.kind = kind
        self.help = help
    }

    /// `--output DIR`, `-o, --output DIR`: how help and error messages write it.
    var synopsis: String {
        var text = shortName.map { "-\($0), " } ?? ""
        text += "--\(name)"
        if case .value(let placeholder) = kind { text += " \(placeholder)" }
        return text
    }

    /// `--help`/`-h`, which every command accepts.
    static let help = OptionSpec("help", short: "h", help: "Show this help.")
}

/// A positional argument such as the `<export-id>` of `exports get <export-id>`.
struct ArgumentSpec: Sendable {
    /// The name shown in help, such as `export-id`.
    var name: String
    /// One sentence for help.
    var help: String
    /// Whether it may be left out.
    var isOptional: Bool
    /// Whether it takes every remaining word (only the last argument may).
    var isRepeating: Bool

    /// Creates an argument.
    init(_ name: String, help: String, isOptional: Bool = false, isRepeating: Bool = false) {
        self.name = name
        self.help = help
        self.isOptional = isOptional
        self.isRepeating = isRepeating
    }

    /// `<export-id>`, `[<command>...]`.
    var synopsis: String {
        let word = "<\(name)>" + (isRepeating ? "..." : "")
        return isOptional ? "[\(word)]" : word
    }
}
