import Foundation

/// The bash completion script: one function walks the words typed so far through the
/// command tree, skipping option values, and offers what may come next there; the tables it
/// reads (subcommands, options, values) are written from the command tree.
///
/// It keeps to bash 3.2 (macOS's own bash): no `mapfile`, no associative arrays.
struct BashCompletionScript {
    /// The command completed, such as `export-gateway`.
    let program: String
    /// Every command of the tree.
    let levels: [CompletionLevel]

    var text: String {
        let function = "_" + program.replacingOccurrences(of: "-", with: "_")
        return """
            # bash completion for \(program), generated from its command tree by
            # '\(program) completions bash'. Load it with: eval "$(\(program) completions bash)"

            # Offers the words of $1 that start with the word being completed.
            \(function)_words() {
                COMPREPLY=($(compgen -W "$1" -- "$cur"))
            }

            # Offers the files and folders whose names start with the word being completed.
            \(function)_files() {
                local file
                COMPREPLY=()
                # Not available before bash 4, where names simply get no trailing slash.
                compopt -o filenames 2>/dev/null
                while IFS= read -r file; do COMPREPLY+=("$file"); done < <(compgen -f -- "$cur")
            }

            # Whether the word $1 is one of the words of $2.
            \(function)_is_in() {
                [[ " $2 " == *" $1 "* ]]
            }

            # The subcommands of the command named by the words $1.
            \(function)_subcommands() {
                case $1 in
            \(table(subcommands))
                esac
            }

            # Every option accepted after the command words $1.
            \(function)_options() {
                case $1 in
            \(table(options))
                esac
            }

            # The options that take a value after the command words $1.
            \(function)_value_options() {
                case $1 in
            \(table(valueOptions))
                esac
            }

            # Offers the values of option $2 after the command words $1.
            \(function)_option_values() {
                case "$1|$2" in
            \(optionValueCases(function: function))
                esac
            }

            # Offers the values of positional argument $2 (counting from 0) after the command words $1.
            \(function)_argument_values() {
                case $1 in
            \(table { argumentValues(of: $0, function: function) })
                esac
            }

            \(function)() {
                local cur=${COMP_WORDS[COMP_CWORD]} path='' option='' word i
                local -i positionals=0
                # Command words lengthen the path until the first positional argument; an option
                # that takes a value takes the next word (bash splits --name=value into three
                # words: --name, = and value).
                for ((i = 1; i < COMP_CWORD; i++)); do
                    word=${COMP_WORDS[i]}
                    if [[ -n $option ]]; then
                        [[ $word == = ]] || option=''
                    elif [[ $word != -?* ]]; then
                        if ((positionals == 0)) && \(function)_is_in "$word" "$(\(function)_subcommands "$path")"; then
                            path=${path:+$path }$word
                        else
                            positionals+=1
                        fi
                    elif [[ $word != --*=* ]]; then
                        # In a bundle such as -qo only the last letter may take a value.
                        [[ $word == --* ]] || word=-${word: -1}
                        \(function)_is_in "$word" "$(\(function)_value_options "$path")" && option=$word
                    fi
                done
                if [[ -n $option ]]; then
                    [[ $cur == = ]] && cur=''
                    \(function)_option_values "$path" "$option"
                elif [[ $cur == -* ]]; then
                    \(function)_words "$(\(function)_options "$path")"
                elif ((positionals == 0)) && [[ -n $(\(function)_subcommands "$path") ]]; then
                    \(function)_words "$(\(function)_subcommands "$path")"
                else
                    \(function)_argument_values "$path" "$positionals"
                fi
            }

            complete -F \(function) \(program)
            """
    }

    /// One `case` branch per command that has a `body`, keyed by its command words.
    private func table(_ body: (CompletionLevel) -> String?) -> String {
        levels.compactMap { level in
            body(level).map { "        \(level.words.joined(separator: " ").shellQuoted)) \($0) ;;" }
        }.joined(separator: "\n")
    }

    /// `echo 'list create ...'`, for a group.
    private func subcommands(of level: CompletionLevel) -> String? {
        level.command.subcommands.isEmpty ? nil : echo(level.command.subcommands.map(\.name))
    }

    /// `echo '--provider ... -h --help'`.
    private func options(of level: CompletionLevel) -> String? {
        echo(level.options.flatMap(Self.spellings))
    }

    /// `echo '--provider ... -o --output'`, where any option takes a value.
    private func valueOptions(of level: CompletionLevel) -> String? {
        let spellings = level.options.filter { $0.kind != .flag }.flatMap(Self.spellings)
        return spellings.isEmpty ? nil : echo(spellings)
    }

    /// `echo 'a b c'`.
    private func echo(_ words: [String]) -> String {
        "echo \(words.joined(separator: " ").shellQuoted)"
    }

    /// `-o --output`: how `option` may be typed.
    private static func spellings(of option: OptionSpec) -> [String] {
        (option.shortName.map { ["-\($0)"] } ?? []) + ["--\(option.name)"]
    }

    /// One branch per option value that has something to offer, keyed by command words and
    /// spelling: `'exports download|-o' | 'exports download|--output') _export_gateway_files ;;`.
    private func optionValueCases(function: String) -> String {
        levels.flatMap { level in
            level.options.compactMap { option -> String? in
                guard let offer = offer(option.completion, function: function) else { return nil }
                let keys = Self.spellings(of: option).map { "\(level.words.joined(separator: " "))|\($0)".shellQuoted }
                return "        \(keys.joined(separator: " | "))) \(offer) ;;"
            }
        }.joined(separator: "\n")
    }

    /// `(($2 == 0)) && _export_gateway_words 'bash zsh'`, for each argument of the level
    /// that has something to offer.
    private func argumentValues(of level: CompletionLevel, function: String) -> String? {
        let offers = level.command.arguments.map(\.spec).enumerated().compactMap { index, argument -> String? in
            offer(argument.completion, function: function).map {
                "(($2 \(argument.isRepeating ? ">=" : "==") \(index))) && \($0)"
            }
        }
        return offers.isEmpty ? nil : offers.joined(separator: "; ")
    }

    /// The call that offers `completion`, or `nil` for free text.
    private func offer(_ completion: ValueCompletion, function: String) -> String? {
        switch completion {
        case .text: nil
        case .paths: "\(function)_files"
        case .choices(let words): "\(function)_words \(words.joined(separator: " ").shellQuoted)"
        }
    }
}
