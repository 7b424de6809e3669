import Foundation

/// A shell `export-gateway completions` writes a completion script for.
enum Shell: String, CaseIterable, Sendable {
    case bash
    case zsh

    /// The completion script for the tool whose command tree is `root`: generated from the
    /// tree, so every command and option the parser accepts is offered where it accepts it.
    func completionScript(for root: CommandSpec) -> String {
        let levels = CompletionLevel.all(under: root)
        return switch self {
        case .bash: BashCompletionScript(program: root.name, levels: levels).text
        case .zsh: ZshCompletionScript(program: root.name, levels: levels).text
        }
    }
}

extension String {
    /// This text in single quotes for a POSIX shell: `it's` becomes `'it'\''s'`.
    var shellQuoted: String { "'" + replacingOccurrences(of: "'", with: #"'\''"#) + "'" }
}
