import Foundation

/// Where the tool writes: results and progress to stdout, errors to stderr.
///
/// Each call writes whole lines straight to the file descriptor, unbuffered, so progress
/// shows at once and lines from concurrent callbacks never interleave mid-line. Tests
/// capture the lines instead.
struct Console: Sendable {
    private let write: @Sendable (_ line: String, _ isError: Bool) -> Void

    /// A console on the process's stdout and stderr.
    init() {
        write = { line, isError in
            (isError ? FileHandle.standardError : FileHandle.standardOutput).write(Data((line + "\n").utf8))
        }
    }

    /// A console that hands every line to `capture` instead (`isError` for stderr lines).
    init(capture: @escaping @Sendable (_ line: String, _ isError: Bool) -> Void) {
        write = capture
    }

    /// Writes `text` and a newline to stdout.
    func line(_ text: String = "") { write(text, false) }

    /// Writes `text` and a newline to stderr.
    func error(_ text: String) { write(text, true) }
}
