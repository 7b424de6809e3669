import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops the running command before it ends on its own, and remembers whether a signal
/// did: SIGINT (Ctrl-C) and SIGTERM cancel the command's task, so whatever it was doing
/// unwinds the way any cancellation does (a download removes its `.part` file) and the tool
/// then exits 130 or 143; standard output that can no longer be written stops it too.
///
/// The process watches its real signals (``watchProcessSignals()``); tests call
/// ``receive(_:)`` instead, so an interrupted command runs in-process like any other.
final class Interruption: Sendable {
    /// The signals that stop a command.
    enum Signal: Sendable, CaseIterable {
        case interrupt
        case terminate

        /// `SIGINT`, `SIGTERM`.
        var number: Int32 {
            switch self {
            case .interrupt: SIGINT
            case .terminate: SIGTERM
            }
        }

        /// How messages name it.
        var name: String {
            switch self {
            case .interrupt: "SIGINT"
            case .terminate: "SIGTERM"
            }
        }

        /// What the tool exits with after it: 128 plus the signal's number, as shells report.
        var exitStatus: ExitStatus {
            switch self {
            case .interrupt: .interrupted
            case .terminate: .terminated
            }
        }
    }

    private struct State {
        var signal: Signal?
        /// Whether the command is to stop, even one not started yet.
        var isStopped = false
        var signalIsNormalEnd = false
        var cancelCommand: (@Sendable () -> Void)?
        /// Kept for the life of the process: a released source stops delivering.
        var sources: [any DispatchSourceSignal] = []
    }

    private let state = Mutex(State())

    /// A watch on nothing yet: signals arrive through ``receive(_:)``.
    init() {}

    /// The first signal received, if any.
    var signal: Signal? { state.withLock { $0.signal } }

    /// The signal that stopped the command before it was done, after which the tool exits
    /// with the signal's status; `nil` too for a command that serves until a signal (see
    /// ``endsNormallyOnSignal()``).
    var interruptingSignal: Signal? {
        state.withLock { $0.signalIsNormalEnd ? nil : $0.signal }
    }

    /// A signal arrived: it stops the running command (the first one counts).
    func receive(_ signal: Signal) {
        state.withLock { state in
            if state.signal == nil { state.signal = signal }
        }
        stopCommand()
    }

    /// Cancels the running command's task; a command that has not started yet is canceled as
    /// soon as it does.
    func stopCommand() {
        let cancel = state.withLock { state in
            state.isStopped = true
            return state.cancelCommand
        }
        cancel?()
    }

    /// Declares that the running command serves until a signal (`simulate`): the signal still
    /// stops it, but the tool then exits with the command's own status.
    func endsNormallyOnSignal() {
        state.withLock { $0.signalIsNormalEnd = true }
    }

    /// Runs `command` in a task of its own, which ``stopCommand()`` cancels; a cancellation
    /// of the caller reaches it too.
    func run(_ command: @escaping @Sendable () async throws -> Void) async throws {
        let task = Task { try await command() }
        let isStopped = state.withLock { state in
            state.cancelCommand = { task.cancel() }
            return state.isStopped
        }
        if isStopped { task.cancel() }
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Suspends until the current task is canceled: how a command that serves until a signal
    /// waits for it.
    static func untilCanceled() async {
        let (never, end) = AsyncStream<Never>.makeStream()
        await withTaskCancellationHandler {
            for await _ in never {}
        } onCancel: {
            end.finish()
        }
    }

    /// Hands the process's SIGINT and SIGTERM to ``receive(_:)`` from now on, for the life of
    /// the process.
    func watchProcessSignals() {
        let queue = DispatchQueue(label: "export-gateway.signals")
        state.withLock { state in
            state.sources = Signal.allCases.map { signal in
                // Ignored first, so the default action (ending the process mid-write, leaving
                // files half-written) never runs; the dispatch source still sees the signal.
                ignore(signal.number)
                let source = DispatchSource.makeSignalSource(signal: signal.number, queue: queue)
                source.setEventHandler { self.receive(signal) }
                source.resume()
                return source
            }
        }
    }
}

/// Sets `number`'s disposition to ignore (outside ``Interruption``, whose `signal` property
/// would hide the C function).
private func ignore(_ number: Int32) {
    signal(number, SIG_IGN)
}
