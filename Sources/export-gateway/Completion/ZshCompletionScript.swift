import Foundation

/// The zsh completion script: one function per command of the tree, each describing its
/// options and arguments to `_arguments` and, for a group, offering its subcommands with
/// `_describe` and handing the words after one to that subcommand's function.
///
/// Saved as `_export-gateway` in a folder of `$fpath` it is autoloaded by `compinit`;
/// sourced, it registers itself with `compdef`.
struct ZshCompletionScript {
    /// The command completed, such as `export-gateway`.
    let program: String
    /// Every command of the tree.
    let levels: [CompletionLevel]

    var text: String {
        """
        #compdef \(program)
        # zsh completion for \(program), generated from its command tree by
        # '\(program) completions zsh'. Save it as _\(program) in a folder of $fpath.

        \(levels.map(function).joined(separator: "\n\n"))

        if [[ $funcstack[1] == _\(program) ]]; then
            \(functionName(for: [])) "$@"
        else
            compdef \(functionName(for: [])) \(program)
        fi
        """
    }

    /// `_export_gateway_exports_list`: the function that completes after `words`.
    func functionName(for words: [String]) -> String {
        ([program] + words).map { word in
            "_" + String(word.map { $0.isLetter || $0.isNumber ? $0 : "_" })
        }.joined()
    }

    /// The function for one command.
    private func function(for level: CompletionLevel) -> String {
        let subcommands = level.command.subcommands
        var specs = level.options.flatMap(Self.specs)
        specs += Self.argumentSpecs(level.command.arguments.map(\.spec))
        let name = functionName(for: level.words)
        guard !subcommands.isEmpty else {
            return """
                \(name)() {
                    local -a specs
                    specs=(
                \(Self.lines(specs))
                    )
                    _arguments -s -S -w : "${specs[@]}"
                }
                """
        }
        // The first word after the options is a subcommand; `*::` then narrows $words to it
        // and what follows, so its function sees its name as $words[1].
        specs += ["'(-): :->subcommand'", "'(-)*:: :->arguments'"]
        let described = subcommands.map { ($0.name.describeEscaped + ":" + $0.summary).shellQuoted }
        let dispatch = subcommands.map { "(\($0.name)) \(functionName(for: level.words + [$0.name])) && ret=0 ;;" }
        let noun = ([program] + level.words).joined(separator: " ") + (level.words.isEmpty ? " command" : " subcommand")
        return """
            \(name)() {
                local context state state_descr line
                local -A opt_args
                local -i ret=1
                local -a specs
                specs=(
            \(Self.lines(specs))
                )
                _arguments -s -S -w : "${specs[@]}" && ret=0
                case $state in
                    (subcommand)
                        local -a subcommands
                        subcommands=(
            \(Self.lines(described, indent: 16))
                        )
                        _describe -t subcommands \(noun.shellQuoted) subcommands && ret=0
                        ;;
                    (arguments)
                        case $words[1] in
            \(Self.lines(dispatch, indent: 16))
                        esac
                        ;;
                esac
                return ret
            }
            """
    }

    /// `_arguments` specs for one option: `'(-q --quiet)-q[No progress...]'` and its long
    /// twin, `'*--status[...]:STATUS:(notStarted ...)'`.
    private static func specs(for option: OptionSpec) -> [String] {
        let spellings = (option.shortName.map { ["-\($0)"] } ?? []) + ["--\(option.name)"]
        let exclusion = spellings.count > 1 ? "(\(spellings.joined(separator: " ")))" : ""
        let prefix = option.isRepeatable ? "*" : exclusion
        var value = ""
        if case .value(let placeholder) = option.kind {
            value = ":\(placeholder.specEscaped):\(action(for: option.completion))"
        }
        return spellings.map { "\(prefix)\($0)[\(option.help.specEscaped)]\(value)".shellQuoted }
    }

    /// `_arguments` specs for positional arguments: `':export-id: '`, `'::dataset: '`,
    /// `'*:export-id: '`, `':shell:(bash zsh)'`.
    private static func argumentSpecs(_ arguments: [ArgumentSpec]) -> [String] {
        arguments.map { argument in
            let position = argument.isRepeating ? "*:" : argument.isOptional ? "::" : ":"
            return "\(position)\(argument.name.specEscaped):\(action(for: argument.completion))".shellQuoted
        }
    }

    /// What `_arguments` does for a value: a single space shows the placeholder and offers
    /// nothing, which is right for ids, numbers and durations.
    private static func action(for completion: ValueCompletion) -> String {
        switch completion {
        case .text: " "
        case .paths: "_files"
        case .choices(let words): "(\(words.map(\.choiceEscaped).joined(separator: " ")))"
        }
    }

    private static func lines(_ items: [String], indent: Int = 8) -> String {
        items.map { String(repeating: " ", count: indent) + $0 }.joined(separator: "\n")
    }
}

extension String {
    /// Escaped for a description or message of an `_arguments` spec, where `:`, `[`, `]`
    /// and `\` are syntax.
    fileprivate var specEscaped: String { escaping(":[]\\") }

    /// Escaped for a word of an `_arguments` choice list `(a b c)`, where spaces and
    /// parentheses are syntax too.
    fileprivate var choiceEscaped: String { escaping(":[]\\ ()") }

    private func escaping(_ characters: String) -> String {
        var escaped = ""
        for character in self {
            if characters.contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// Escaped for the name part of a `_describe` entry, where `:` ends the name.
    fileprivate var describeEscaped: String {
        replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ":", with: "\\:")
    }
}
