import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the tool writes (results to stdout; errors, progress and the request log to
/// stderr) and what it runs against (``environment``: variables, network, clock).
///
/// Each call writes straight to the file descriptor, unbuffered, so progress shows at once
/// and lines from concurrent callbacks never interleave mid-line. Tests capture the text
/// instead and inject the environment, so a whole command runs hermetically in-process.
struct Console: Sendable {
    private let write: @Sendable (_ text: String, _ isError: Bool) -> Void
    /// Whether stderr is a terminal: progress then redraws one line with `\r` instead of
    /// printing a line per step.
    let isTerminal: Bool
    /// The variables, transport and clock commands run against.
    let environment: ToolEnvironment
    /// Whether a redrawn progress line is showing on the terminal, waiting for its newline.
    private let statusShowing = StatusLine()

    /// A console on the process's stdout and stderr, in the process's environment.
    init() {
        write = { text, isError in
            (isError ? FileHandle.standardError : FileHandle.standardOutput).write(Data(text.utf8))
        }
        isTerminal = isatty(STDERR_FILENO) == 1
        environment = .process
    }

    /// A console that hands every write to `capture` instead (`isError` for stderr).
    ///
    /// `capture` receives whole lines without their newline; a progress redraw on a
    /// terminal arrives as one string starting with `\r` (see ``status(_:)``).
    init(
        capture: @escaping @Sendable (_ line: String, _ isError: Bool) -> Void, isTerminal: Bool = false,
        environment: ToolEnvironment = .process
    ) {
        write = { text, isError in capture(text.hasSuffix("\n") ? String(text.dropLast()) : text, isError) }
        self.isTerminal = isTerminal
        self.environment = environment
    }

    /// Writes `text` and a newline to stdout.
    func line(_ text: String = "") { write(text + "\n", false) }

    /// Writes `text` and a newline to stderr. On a terminal it first erases a progress line
    /// that is showing, so a log line never lands on its end; the next step redraws it.
    func error(_ text: String) {
        let erase = isTerminal && statusShowing.take() ? "\r\u{1B}[K" : ""
        write(erase + text + "\n", true)
    }

    /// Shows a progress step on stderr: on a terminal it replaces the current line (`\r`,
    /// then erase to its end), elsewhere it is a line of its own, so logs stay readable.
    /// Call ``endStatus()`` after the last step.
    func status(_ text: String) {
        guard isTerminal else { return write(text + "\n", true) }
        statusShowing.set()
        write("\r" + text + "\u{1B}[K", true)
    }

    /// Ends a run of ``status(_:)`` steps: on a terminal, moves past the redrawn line, if
    /// one is showing.
    func endStatus() {
        if isTerminal && statusShowing.take() { write("\n", true) }
    }
}

/// Whether a progress line is showing; shared by every copy of a ``Console``.
private final class StatusLine: Sendable {
    private let showing = Mutex(false)

    func set() { showing.withLock { $0 = true } }

    /// Whether one was showing; it no longer counts as showing afterwards.
    func take() -> Bool {
        showing.withLock { showing in
            defer { showing = false }
            return showing
        }
    }
}
