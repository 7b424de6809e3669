import Foundation

/// A value a plain thread (a test's listener on a blocking socket) hands to an async test once
/// it is done, so the test awaits it without holding a thread of the cooperative pool.
public final class ThreadResult: @unchecked Sendable {  // guarded by the condition
    private let condition = NSCondition()
    private var text: String?

    /// Creates an empty result.
    public init() {}

    /// Hands `value` over; wakes the waiter.
    public func set(_ value: String) {
        condition.lock()
        text = value
        condition.broadcast()
        condition.unlock()
    }

    /// The value, once set. Waits on a thread of its own, so no concurrency thread is held.
    public func value() async -> String {
        await withCheckedContinuation { continuation in
            Thread {
                self.condition.lock()
                while self.text == nil { self.condition.wait() }
                let text = self.text ?? ""
                self.condition.unlock()
                continuation.resume(returning: text)
            }.start()
        }
    }
}
