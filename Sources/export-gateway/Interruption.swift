import Synchronization

/// Stops the running command before it ends on its own, as when its standard output can
/// no longer be written: the command's task is canceled, so whatever it was doing unwinds
/// the way any cancellation does.
final class Interruption: Sendable {
    private struct State {
        /// Whether the command is to stop, even one not started yet.
        var isStopped = false
        var cancelCommand: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    /// Nothing to stop yet.
    init() {}

    /// Cancels the running command's task; a command that has not started yet is canceled as
    /// soon as it does.
    func stopCommand() {
        let cancel = state.withLock { state in
            state.isStopped = true
            return state.cancelCommand
        }
        cancel?()
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
}
