import Foundation
import Synchronization

/// A simulator's wall clock: starts at a fixed instant so every run writes the same
/// timestamps, and moves only when told (or when the simulator records an event).
public final class SimulatedTime: Sendable {
    /// 2025-01-15T09:30:00Z, the instant every simulator starts at.
    public static let start = Date(timeIntervalSince1970: 1_736_933_400)

    private let current: Mutex<Date>

    /// Creates a clock at `start`.
    public init(start: Date = SimulatedTime.start) { current = Mutex(start) }

    /// The simulated present.
    public var now: Date { current.withLock { $0 } }

    /// Moves the present forward by `seconds` and returns the new present.
    @discardableResult
    public func advance(by seconds: TimeInterval) -> Date {
        current.withLock { now in
            now += max(seconds, 0)
            return now
        }
    }
}
