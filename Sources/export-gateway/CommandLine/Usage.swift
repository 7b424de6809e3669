/// Help text, written from the command tree so it never drifts from what the parser accepts.
enum Usage {
    /// The name help and messages use (not `argv[0]`, which `swift run` makes a long path).
    static let programName = "export-gateway"
    /// Help lines are wrapped to this many columns.
    static let width = 80

    /// The help of the last command of `path` (root first).
    static func help(for path: [CommandSpec]) -> String {
        let command = path[path.count - 1]
        let words = [programName] + path.dropFirst().map(\.name)
        var sections: [String] = [command.summary]

        var synopsis = words.joined(separator: " ")
        if !command.subcommands.isEmpty {
            synopsis += path.count == 1 ? " <command>" : " <subcommand>"
        }
        let arguments = command.arguments.map(\.spec)
        synopsis += arguments.map { " \($0.synopsis)" }.joined()
        synopsis += " [options]"
        sections.append("Usage: \(synopsis)")

        if !command.discussion.isEmpty {
            sections.append(wrap(command.discussion, indent: 0))
        }
        if !command.subcommands.isEmpty {
            let title = path.count == 1 ? "Commands:" : "Subcommands:"
            sections.append(title + "\n" + table(command.subcommands.map { ($0.name, $0.summary) }))
        }
        if !arguments.isEmpty {
            sections.append("Arguments:\n" + table(arguments.map { ($0.synopsis, $0.help) }))
        }
        let own = path.count == 1 ? [] : path.dropFirst().flatMap(\.options).map(\.spec)
        sections.append("Options:\n" + table((own + [.help]).map { ($0.synopsis, $0.help) }))
        let global = path[0].options.map(\.spec)
        if !global.isEmpty {
            sections.append("Global options:\n" + table(global.map { ($0.synopsis, $0.help) }))
        }
        if !command.examples.isEmpty {
            sections.append("Examples:\n" + command.examples.map { "  " + $0 }.joined(separator: "\n"))
        }
        if !command.subcommands.isEmpty {
            sections.append(
                "Run '\(words.joined(separator: " ")) <\(path.count == 1 ? "command" : "subcommand")> --help' for its options."
            )
        }
        return sections.joined(separator: "\n\n")
    }

    /// Two aligned columns, the right one wrapped.
    private static func table(_ rows: [(String, String)]) -> String {
        let leftWidth = rows.map(\.0.count).max() ?? 0
        return rows.map { left, right in
            let padded = "  " + left + String(repeating: " ", count: leftWidth - left.count + 3)
            return padded + wrap(right, indent: padded.count).dropFirst(padded.count)
        }.joined(separator: "\n")
    }

    /// `text` broken into lines of at most ``width`` columns, each indented by `indent`.
    private static func wrap(_ text: String, indent: Int) -> String {
        let margin = String(repeating: " ", count: indent)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { paragraph in
            var lines: [String] = []
            var line = margin
            for word in paragraph.split(separator: " ") {
                if line.count > indent && line.count + 1 + word.count > width {
                    lines.append(line)
                    line = margin
                }
                line += (line.count > indent ? " " : "") + word
            }
            lines.append(line)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
