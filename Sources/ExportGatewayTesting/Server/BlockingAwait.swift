import Dispatch
import Synchronization

/// Runs `operation` as a task and blocks the calling thread until it ends, returning or
/// throwing what it did: how a loopback connection's own thread calls async code (a handler, a
/// simulated network's wait on an injected clock).
///
/// Only for threads outside Swift's cooperative pool: called from a task, it would hold one of
/// the pool's few threads, and the task it waits for might need that very thread to run.
func blockingAwait<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value) throws -> Value {
    let outcome = BlockingOutcome<Value>()
    Task {
        do {
            outcome.finish(.success(try await operation()))
        } catch {
            outcome.finish(.failure(error))
        }
    }
    return try outcome.wait()
}

/// Where a task leaves its result for the thread blocked on it.
private final class BlockingOutcome<Value: Sendable>: Sendable {
    private let result = Mutex<Result<Value, any Error>?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    func finish(_ outcome: Result<Value, any Error>) {
        result.withLock { $0 = outcome }
        finished.signal()
    }

    func wait() throws -> Value {
        finished.wait()
        return try result.withLock { $0! }.get()
    }
}
