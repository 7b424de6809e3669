/// The time source the core waits and retries by, injectable so tests never sleep.
///
/// The gateway uses ``SystemClock`` unless given another. `ExportGatewayTesting` provides a
/// virtual clock whose `sleep` returns at once and moves its time forward.
public protocol GatewayClock: Sendable {
    /// Monotonic time since an arbitrary origin.
    var now: Duration { get }
    /// Suspends for `duration`; throws `CancellationError` when the task is canceled.
    func sleep(for duration: Duration) async throws
}

/// The real monotonic clock.
public struct SystemClock: GatewayClock {
    private let origin = ContinuousClock.now

    /// Creates a clock.
    public init() {}

    public var now: Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
