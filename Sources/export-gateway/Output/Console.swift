import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the tool writes (results to stdout; errors, progress and the request log to
/// stderr) and what it runs against (``environment``: variables, network, clock, signals).
///
/// Each call writes straight to the file descriptor, unbuffered, so progress shows at once
/// and lines from concurrent callbacks never interleave mid-line. Tests capture the text
/// instead and inject the environment, so a whole command runs hermetically in-process.
///
/// Writing never stops the process. When stdout cannot be written, the first failure is
/// kept (``outputFailure``) and later stdout text is dropped: a reader that went away
/// (`| head`) lets the command finish, anything else (a full disk) stops it, and the tool
/// reports it. A failed stderr write is dropped: there is nowhere left to report it.
struct Console: Sendable {
    /// Writes `text` to stdout, or to stderr when `isError`.
    typealias Writer = @Sendable (_ text: String, _ isError: Bool) throws(WriteFailure) -> Void

    private let writer: Writer
    /// Whether stderr is a terminal: progress then redraws one line with `\r` instead of
    /// printing a line per step.
    let isTerminal: Bool
    /// The variables, transport, clock and signals commands run against.
    let environment: ToolEnvironment
    /// What every copy of this console shares: the progress line, the output failure.
    private let state = ConsoleState()
    /// Whether ``lines(_:)`` hands its lines to the writer one by one (a capturing console,
    /// whose captures are single lines) rather than as one write.
    private var splitsLines = false

    /// A console on the process's stdout and stderr, in `environment`.
    init(environment: ToolEnvironment = .process) {
        let output = DescriptorWriter(descriptor: STDOUT_FILENO)
        let errors = DescriptorWriter(descriptor: STDERR_FILENO)
        self.init(
            writer: { text, isError throws(WriteFailure) in try (isError ? errors : output).write(text) },
            isTerminal: isatty(STDERR_FILENO) == 1, environment: environment)
    }

    /// A console that hands every write, newline included, to `writer`: tests pass one that
    /// fails as a full disk or a closed pipe does.
    init(writer: @escaping Writer, isTerminal: Bool = false, environment: ToolEnvironment = .process) {
        self.writer = writer
        self.isTerminal = isTerminal
        self.environment = environment
    }

    /// A console that hands every write to `capture` instead (`isError` for stderr).
    ///
    /// `capture` receives whole lines without their newline; a progress redraw on a
    /// terminal arrives as one string starting with `\r` (see ``status(_:)``).
    init(
        capture: @escaping @Sendable (_ line: String, _ isError: Bool) -> Void, isTerminal: Bool = false,
        environment: ToolEnvironment = .process
    ) {
        self.init(
            writer: { text, isError in capture(text.hasSuffix("\n") ? String(text.dropLast()) : text, isError) },
            isTerminal: isTerminal, environment: environment)
        splitsLines = true
    }

    /// Why stdout could not be written, once a write to it has failed.
    var outputFailure: WriteFailure? { state.outputFailure }

    /// Whether stdout can no longer be written, so there is no point making more of it: a
    /// listing stops fetching pages then.
    var isOutputClosed: Bool { outputFailure != nil }

    /// Writes `text` and a newline to stdout.
    func line(_ text: String = "") { write(text + "\n", isError: false) }

    /// Writes `text`, whole lines each ending with a newline, to stdout in one write: how
    /// long listings print, a write per batch instead of a write per line.
    func lines(_ text: String) {
        guard splitsLines else { return write(text, isError: false) }
        var rest = text[...]
        while let end = rest.firstIndex(of: "\n") {
            write(String(rest[...end]), isError: false)
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { write(String(rest), isError: false) }
    }

    /// Writes `text` and a newline to stderr. On a terminal it first erases a progress line
    /// that is showing, so a log line never lands on its end; the next step redraws it.
    func error(_ text: String) {
        let erase = isTerminal && state.takeStatus() ? "\r\u{1B}[K" : ""
        write(erase + text + "\n", isError: true)
    }

    /// Shows a progress step on stderr: on a terminal it replaces the current line (`\r`,
    /// then erase to its end), elsewhere it is a line of its own, so logs stay readable.
    /// Call ``endStatus()`` after the last step.
    func status(_ text: String) {
        guard isTerminal else { return write(text + "\n", isError: true) }
        state.showStatus()
        write("\r" + text + "\u{1B}[K", isError: true)
    }

    /// Ends a run of ``status(_:)`` steps: on a terminal, moves past the redrawn line, if
    /// one is showing.
    func endStatus() {
        if isTerminal && state.takeStatus() { write("\n", isError: true) }
    }

    private func write(_ text: String, isError: Bool) {
        if isError {
            try? writer(text, true)
            return
        }
        guard !isOutputClosed else { return }
        do throws(WriteFailure) {
            try writer(text, false)
        } catch {
            state.recordOutputFailure(error)
            // Nothing the command makes can reach its reader now; only a reader that left on
            // purpose (EPIPE) lets it run on, so its own status still counts.
            if !error.isClosedPipe { environment.interruption.stopCommand() }
        }
    }
}

/// What every copy of a ``Console`` shares: whether a progress line is showing, and the
/// first failure to write stdout.
private final class ConsoleState: Sendable {
    private let state = Mutex<(statusShowing: Bool, outputFailure: WriteFailure?)>((false, nil))

    func showStatus() { state.withLock { $0.statusShowing = true } }

    /// Whether a progress line was showing; it no longer counts as showing afterwards.
    func takeStatus() -> Bool {
        state.withLock { state in
            defer { state.statusShowing = false }
            return state.statusShowing
        }
    }

    var outputFailure: WriteFailure? { state.withLock { $0.outputFailure } }

    /// Keeps `failure` unless an earlier one is kept already.
    func recordOutputFailure(_ failure: WriteFailure) {
        state.withLock { state in
            if state.outputFailure == nil { state.outputFailure = failure }
        }
    }
}
