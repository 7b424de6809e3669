import Foundation
import Synchronization

/// Bodies a simulator has already encoded, by a key naming what they hold (a dataset's page
/// of items from row 2000 to 3000), so the same page is encoded once however often it is
/// read: a benchmark or a pipeline reading a dataset again costs the simulator almost nothing.
///
/// Only for bodies fixed once their dataset is seeded; what a fault does to an answer is
/// applied after, to a copy. The bytes kept are bounded: once ``limit`` is reached, new bodies
/// are encoded on every read and not kept. Keeping the first ones rather than the newest is
/// what serves a dataset read again from its start: with the newest kept, each page of a scan
/// longer than the cache would be gone by the time the next scan reached it.
final class EncodedBodyCache<Key: Hashable & Sendable>: Sendable {
    /// The most bytes kept together.
    let limit: Int

    private struct State {
        var bodies: [Key: Data] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())

    /// A cache keeping at most `limit` bytes.
    init(limit: Int) { self.limit = limit }

    /// The body kept for `key`, or the one `encode` makes now (kept while the cache has room).
    func body(for key: Key, encode: () -> Data) -> Data {
        if let kept = state.withLock({ $0.bodies[key] }) { return kept }
        // Encoded outside the lock: two readers of a new page may both encode it, and nobody waits.
        let body = encode()
        state.withLock { state in
            guard state.bodies[key] == nil, state.bytes + body.count <= limit else { return }
            state.bodies[key] = body
            state.bytes += body.count
        }
        return body
    }
}
