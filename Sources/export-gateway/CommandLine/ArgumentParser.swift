/// Reads the words typed after `export-gateway` against the command tree.
///
/// - Command words come first (`exports list`), each looked up among the current command's
///   subcommands; a word that matches none is an unknown command, with a suggestion.
/// - Options may come anywhere after their command: `--name value`, `--name=value`, `-x value`.
///   The root's options are global and allowed everywhere; a group's options are allowed
///   after any of its subcommands too.
/// - Short flags may be bundled: `-qv` is `-q -v`. A letter that takes a value may only be
///   the last of a bundle, and takes the next word: `-qo FILE`.
/// - `--help` / `-h` anywhere asks for the help of the command named so far; a root
///   ``CommandFlag`` such as `--version` anywhere runs its command instead.
/// - `--` ends options: every later word is a positional argument.
///
/// Every option and argument value is read into its declared type before the command runs.
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
        var reading = Reading(path: [root], remaining: words[...])
        try reading.readAll()
        let path = reading.path

        if reading.wantsHelp { return .help(path) }
        if let standIn = root.commandFlags.first(where: { reading.occurrences[$0.flag.spec.name] != nil }) {
            let standInPath = [root, standIn.command]
            return .run(
                standInPath, try Self.values(for: standInPath, occurrences: reading.occurrences, positionals: []))
        }
        let command = path[path.count - 1]
        guard command.run != nil else {
            throw UsageError(missingCommandIn: path)
        }
        try Self.checkPositionals(reading.positionals, of: command, path: path)
        return .run(
            path, try Self.values(for: path, occurrences: reading.occurrences, positionals: reading.positionals))
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
            guard let next = current.subcommand(named: word) else { throw Self.unknownCommand(word, in: path) }
            path.append(next)
        }
        return path
    }

    // MARK: Reading the words

    /// The words read so far: the command named, what was typed for each option, the
    /// positional words.
    private struct Reading {
        var path: [CommandSpec]
        var remaining: ArraySlice<String>
        /// The texts typed for each option, by long name, in order; a flag's are empty.
        var occurrences: [String: [String]] = [:]
        var positionals: [String] = []
        var wantsHelp = false
        var optionsEnded = false

        mutating func readAll() throws {
            while let word = remaining.popFirst() {
                if !optionsEnded && word == "--" {
                    optionsEnded = true
                } else if !optionsEnded && word.hasPrefix("--") {
                    try readLong(word)
                } else if !optionsEnded && word.hasPrefix("-") && word.count > 1 {
                    try readShort(word)
                } else if let current = path.last, !current.subcommands.isEmpty, positionals.isEmpty {
                    guard let next = current.subcommand(named: word) else {
                        throw ArgumentParser.unknownCommand(word, in: path)
                    }
                    path.append(next)
                } else {
                    positionals.append(word)
                }
            }
        }

        /// `--name`, `--name value`, `--name=value`.
        private mutating func readLong(_ word: String) throws {
            let (spelled, inlineValue) = Self.split(word)
            if spelled == "--" + OptionSpec.help.name {
                wantsHelp = true
                return
            }
            if let reason = refusal(spelled) {
                throw UsageError("Option '\(spelled)' is not accepted: \(reason)", helpPath: path)
            }
            guard let option = options.first(where: { "--" + $0.name == spelled }) else {
                throw unknownOption(spelled)
            }
            try take(option, inlineValue: inlineValue)
        }

        /// `-q`, `-o value`, or a bundle of letters such as `-qv` or `-qo value`.
        private mutating func readShort(_ word: String) throws {
            let letters = Array(word.dropFirst())
            for (index, letter) in letters.enumerated() {
                if letter == OptionSpec.help.shortName {
                    wantsHelp = true
                    continue
                }
                guard let option = options.first(where: { $0.shortName == letter }) else {
                    throw unknownLetter(letter, in: word)
                }
                if case .value(let placeholder) = option.kind, index < letters.count - 1 {
                    // Anything after the letter would be ambiguous: more flags, or the value?
                    let flags = letters.filter { other in
                        other != letter && options.contains { $0.shortName == other && $0.kind == .flag }
                    }
                    let instead = flags.count == letters.count - 1 ? "-\(String(flags))\(letter)" : "-\(letter)"
                    throw UsageError(
                        "In '\(word)', option '-\(letter)' (--\(option.name)) takes a value, so it must come last: type '\(instead) \(placeholder)'.",
                        helpPath: path)
                }
                try take(option, inlineValue: nil)
            }
        }

        /// Records one occurrence of `option`, taking its value from `inlineValue` or the next word.
        private mutating func take(_ option: OptionSpec, inlineValue: String?) throws {
            switch option.kind {
            case .flag:
                guard inlineValue == nil else {
                    throw UsageError("Option '--\(option.name)' takes no value.", helpPath: path)
                }
                occurrences[option.name, default: []].append("")
            case .value(let placeholder):
                guard let value = inlineValue ?? remaining.popFirst() else {
                    throw UsageError(
                        "Option '--\(option.name)' needs a value: --\(option.name) \(placeholder).", helpPath: path)
                }
                occurrences[option.name, default: []].append(value)
            }
        }

        /// The options the commands named so far accept.
        private var options: [OptionSpec] { path.flatMap(\.options).map(\.spec) }

        /// `--name=value` as (`--name`, `value`); other words as (word, nil).
        private static func split(_ word: String) -> (String, String?) {
            guard let equals = word.firstIndex(of: "=") else { return (word, nil) }
            return (String(word[..<equals]), String(word[word.index(after: equals)...]))
        }

        /// Why `spelled` is refused, when a command of the path refuses it on purpose.
        private func refusal(_ spelled: String) -> String? {
            let name = String(spelled.dropFirst(2))
            return path.lazy.compactMap { $0.refusedOptions[name] }.first
        }

        private func unknownOption(_ spelled: String) -> UsageError {
            let names = options.map { "--\($0.name)" } + ["--\(OptionSpec.help.name)"]
            let suggestion = Suggestion.closest(to: spelled, among: names).map { " Did you mean '\($0)'?" } ?? ""
            return UsageError("Unknown option '\(spelled)'\(scope).\(suggestion)", helpPath: path)
        }

        /// An unknown letter, named, with the letters that would work; or the long option
        /// meant, when the word is one typed with a single dash (`-limit`).
        private func unknownLetter(_ letter: Character, in word: String) -> UsageError {
            let subject = word.count == 2 ? "option '\(word)'" : "option letter '\(letter)' in '\(word)'"
            if (options + [.help]).contains(where: { "-" + $0.name == word }) {
                return UsageError("Unknown \(subject)\(scope). Did you mean '-\(word)'?", helpPath: path)
            }
            let letters = (options + [.help]).compactMap { option in
                option.shortName.map { "-\($0) (--\(option.name))" }
            }
            return UsageError(
                "Unknown \(subject)\(scope). Short options here: \(letters.joined(separator: ", ")).", helpPath: path)
        }

        /// ` for 'exports list'`, or nothing at the root.
        private var scope: String {
            path.count > 1 ? " for '\(path.dropFirst().map(\.name).joined(separator: " "))'" : ""
        }
    }

    // MARK: Values

    /// The typed values of every option and argument `path` declares, from what was typed.
    private static func values(
        for path: [CommandSpec], occurrences: [String: [String]], positionals: [String]
    ) throws -> ParsedArguments {
        var parsed = ParsedArguments(commandPath: path.dropFirst().map(\.name))
        for option in path.flatMap(\.options) {
            do throws(ValueMismatch) {
                parsed.set(try option.parse(occurrences[option.spec.name] ?? []), of: option)
            } catch {
                throw UsageError(error.message(about: "Option '--\(option.spec.name)'"), helpPath: path)
            }
        }
        var words = positionals[...]
        for argument in path[path.count - 1].arguments {
            let taken = argument.spec.isRepeating ? Array(words) : words.first.map { [$0] } ?? []
            words = words.dropFirst(taken.count)
            do throws(ValueMismatch) {
                parsed.set(try argument.parse(taken), of: argument)
            } catch {
                throw UsageError(error.message(about: "Argument <\(argument.spec.name)>"), helpPath: path)
            }
        }
        return parsed
    }

    private static func checkPositionals(_ positionals: [String], of command: CommandSpec, path: [CommandSpec]) throws {
        let arguments = command.arguments.map(\.spec)
        let required = arguments.filter { !$0.isOptional }.count
        if positionals.count < required {
            let missing = arguments[positionals.count]
            throw UsageError("Missing argument \(missing.synopsis): \(missing.help)", helpPath: path)
        }
        let repeats = arguments.last?.isRepeating ?? false
        if !repeats && positionals.count > arguments.count {
            let extra = positionals[arguments.count]
            let name = path.dropFirst().map(\.name).joined(separator: " ")
            throw UsageError(
                "Unexpected argument '\(extra)': '\(name)' takes \(Self.describeArity(arguments)).", helpPath: path)
        }
    }

    private static func describeArity(_ arguments: [ArgumentSpec]) -> String {
        switch arguments.count {
        case 0: "no arguments"
        case 1: "one argument, \(arguments[0].synopsis)"
        default: "the arguments " + arguments.map(\.synopsis).joined(separator: " ")
        }
    }

    private static func unknownCommand(_ word: String, in path: [CommandSpec]) -> UsageError {
        let names = path[path.count - 1].subcommands.map(\.name)
        let suggestion = Suggestion.closest(to: word, among: names).map { " Did you mean '\($0)'?" } ?? ""
        let group = path.count > 1 ? " '\(path.dropFirst().map(\.name).joined(separator: " "))'" : ""
        return UsageError("Unknown\(group) command '\(word)'.\(suggestion)", helpPath: path)
    }
}
