/// Reads the words typed after `export-gateway` against the command tree.
///
/// - Command words come first (`exports list`), each looked up among the current command's
///   subcommands; a word that matches none is an unknown command, with a suggestion.
/// - Options may come anywhere after their command: `--name value`, `--name=value`, `-x value`.
///   The root's options are global and allowed everywhere; a group's options are allowed
///   after any of its subcommands too.
/// - `--help` / `-h` anywhere asks for the help of the command named so far.
/// - `--` ends options: every later word is a positional argument.
struct ArgumentParser {
    /// The command tree; its options are the global ones.
    let root: CommandSpec

    /// What the words ask for.
    enum Invocation {
        /// Show the help of the last command of this path (root first).
        case help([CommandSpec])
        /// Run the last command of this path (root first) with these arguments.
        case run([CommandSpec], ParsedArguments)
    }

    /// Parses `words` (the process arguments without the program name).
    /// - Throws: ``UsageError`` saying what is wrong and what to type instead.
    func parse(_ words: [String]) throws -> Invocation {
        var path = [root]
        var parsed = ParsedArguments()
        var wantsHelp = false
        var optionsEnded = false
        var remaining = words[...]

        while let word = remaining.popFirst() {
            if !optionsEnded && word == "--" {
                optionsEnded = true
            } else if !optionsEnded && word.hasPrefix("-") && word.count > 1 {
                let (spelled, inlineValue) = Self.split(word)
                if spelled == "--help" || spelled == "-h" {
                    wantsHelp = true
                    continue
                }
                if let reason = Self.refusal(spelled, in: path) {
                    throw UsageError("Option '\(spelled)' is not accepted: \(reason)", helpPath: path)
                }
                guard let option = Self.option(spelled, in: path) else {
                    throw unknownOption(spelled, path: path)
                }
                switch option.kind {
                case .flag:
                    guard inlineValue == nil else {
                        throw UsageError("Option '--\(option.name)' takes no value.", helpPath: path)
                    }
                    parsed.flags.insert(option.name)
                case .value(let placeholder):
                    guard let value = inlineValue ?? remaining.popFirst() else {
                        throw UsageError("Option '--\(option.name)' needs a value: --\(option.name) \(placeholder).", helpPath: path)
                    }
                    parsed.values[option.name, default: []].append(value)
                }
            } else if let current = path.last, !current.subcommands.isEmpty, parsed.positionals.isEmpty {
                guard let next = current.subcommand(named: word) else { throw unknownCommand(word, in: path) }
                path.append(next)
                parsed.commandPath.append(next.name)
            } else {
                parsed.positionals.append(word)
            }
        }

        if wantsHelp { return .help(path) }
        let command = path[path.count - 1]
        guard command.run != nil else {
            throw UsageError(missingCommandIn: path)
        }
        try Self.checkPositionals(parsed.positionals, of: command, path: path)
        return .run(path, parsed)
    }

    /// The command path that `words` name (root first), as `help <command>...` needs it.
    /// - Throws: ``UsageError`` for a word that names no command, with a suggestion.
    func commandPath(named words: [String]) throws -> [CommandSpec] {
        var path = [root]
        for word in words {
            let current = path[path.count - 1]
            if current.subcommands.isEmpty {
                let name = path.dropFirst().map(\.name).joined(separator: " ")
                throw UsageError("Unexpected word '\(word)': '\(name)' has no subcommands.", helpPath: path)
            }
            guard let next = current.subcommand(named: word) else { throw unknownCommand(word, in: path) }
            path.append(next)
        }
        return path
    }

    // MARK: Helpers

    /// `--name=value` as (`--name`, `value`); other words as (word, nil).
    private static func split(_ word: String) -> (String, String?) {
        guard word.hasPrefix("--"), let equals = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }

    /// The option `spelled` (`--output` or `-o`) among those the commands of `path` accept.
    private static func option(_ spelled: String, in path: [CommandSpec]) -> OptionSpec? {
        let options = path.flatMap(\.options)
        if spelled.hasPrefix("--") {
            let name = spelled.dropFirst(2)
            return options.first { $0.name == name }
        }
        guard spelled.count == 2, let letter = spelled.last else { return nil }
        return options.first { $0.shortName == letter }
    }

    /// Why `spelled` is refused, when a command of `path` refuses it on purpose.
    private static func refusal(_ spelled: String, in path: [CommandSpec]) -> String? {
        guard spelled.hasPrefix("--") else { return nil }
        let name = String(spelled.dropFirst(2))
        return path.lazy.compactMap { $0.refusedOptions[name] }.first
    }

    private static func checkPositionals(_ positionals: [String], of command: CommandSpec, path: [CommandSpec]) throws {
        let required = command.arguments.filter { !$0.isOptional }.count
        if positionals.count < required {
            let missing = command.arguments[positionals.count]
            throw UsageError("Missing argument \(missing.synopsis): \(missing.help)", helpPath: path)
        }
        let repeats = command.arguments.last?.isRepeating ?? false
        if !repeats && positionals.count > command.arguments.count {
            let extra = positionals[command.arguments.count]
            let name = path.dropFirst().map(\.name).joined(separator: " ")
            throw UsageError("Unexpected argument '\(extra)': '\(name)' takes \(Self.describeArity(command.arguments)).", helpPath: path)
        }
    }

    private static func describeArity(_ arguments: [ArgumentSpec]) -> String {
        switch arguments.count {
        case 0: "no arguments"
        case 1: "one argument, \(arguments[0].synopsis)"
        default: "the arguments " + arguments.map(\.synopsis).joined(separator: " ")
        }
    }

    private func unknownCommand(_ word: String, in path: [CommandSpec]) -> UsageError {
        let names = path[path.count - 1].subcommands.map(\.name)
        let suggestion = Suggestion.closest(to: word, among: names).map { " Did you mean '\($0)'?" } ?? ""
        let group = path.count > 1 ? " '\(path.dropFirst().map(\.name).joined(separator: " "))'" : ""
        return UsageError("Unknown\(group) command '\(word)'.\(suggestion)", helpPath: path)
    }

    private func unknownOption(_ spelled: String, path: [CommandSpec]) -> UsageError {
        let names = path.flatMap(\.options).map { "--\($0.name)" } + ["--help"]
        let suggestion = Suggestion.closest(to: spelled, among: names).map { " Did you mean '\($0)'?" } ?? ""
        let scope = path.count > 1 ? " for '\(path.dropFirst().map(\.name).joined(separator: " "))'" : ""
        return UsageError("Unknown option '\(spelled)'\(scope).\(suggestion)", helpPath: path)
    }
}

/// The options and positional arguments given to one command, by option name.
struct ParsedArguments: Sendable {
    /// The command words, such as `["exports", "list"]`.
    var commandPath: [String] = []
    /// The words that were neither command names nor options, in order.
    var positionals: [String] = []
    fileprivate var flags: Set<String> = []
    fileprivate var values: [String: [String]] = [:]

    /// Whether the switch `--name` was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The value of `--name` (the last one, when given more than once).
    func value(_ name: String) -> String? { values[name]?.last }

    /// Every value of `--name`, in order.
    func values(_ name: String) -> [String] { values[name] ?? [] }

    /// The whole-number value of `--name`, or `defaultValue` when it is absent.
    /// - Throws: ``UsageError`` when the value is not a whole number within `range`.
    func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = value(name) else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            let bounds = range.upperBound == .max ? "\(range.lowerBound) or more" : "\(range.lowerBound) to \(range.upperBound)"
            throw UsageError("Option '--\(name)' expects a whole number (\(bounds)), not '\(text)'.", command: commandPath)
        }
        return number
    }
}
