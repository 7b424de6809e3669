import ExportGateway
import Synchronization

/// A clock for tests: `sleep` returns at once and moves virtual time forward, so waits,
/// retries and backoff run instantly and deterministically.
///
/// ```swift
/// let clock = VirtualClock()
/// let gateway = Gateway(provider: ..., options: GatewayOptions(clock: clock))
/// // after a wait: clock.sleeps lists every pause the gateway asked for
/// ```
public final class VirtualClock: GatewayClock, Sendable {
    private let state = Mutex(State())

    private struct State {
        var now: Duration = .zero
        var sleeps: [Duration] = []
    }

    /// Creates a clock at time zero.
    public init() {}

    /// Virtual time elapsed since creation.
    public var now: Duration { state.withLock { $0.now } }

    /// Every pause requested so far, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// Advances virtual time by `duration` at once; yields so other tasks can run, and
    /// throws `CancellationError` when the task is canceled.
    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.sleeps.append(duration)
            $0.now += max(duration, .zero)
        }
        await Task.yield()
        try Task.checkCancellation()
    }

    /// Moves virtual time forward without a sleep, as if work had taken `duration`.
    public func advance(by duration: Duration) {
        state.withLock { $0.now += duration }
    }
}
