import Synchronization

/// The request-body bytes one server's connections hold together, kept within
/// ``LoopbackServerLimits/maxTotalBodyBytes``: each connection reserves a body's bytes before
/// keeping them and releases them once the request is answered.
///
/// Shared by every connection of a ``LoopbackHTTPServer``, because the per-request bound
/// alone lets thirty clients with fifteen-megabyte bodies grow the process by half a gigabyte.
final class BodyBudget: Sendable {
    /// The most bytes held at once.
    let limit: Int
    private let held = Mutex(0)

    /// A budget of `limit` bytes, none held.
    init(limit: Int) { self.limit = limit }

    /// Takes `bytes` from the budget; `false`, taking nothing, when they do not fit.
    func reserve(_ bytes: Int) -> Bool {
        held.withLock { held in
            guard bytes <= limit - held else { return false }
            held += bytes
            return true
        }
    }

    /// Gives back `bytes` taken by ``reserve(_:)``.
    func release(_ bytes: Int) {
        held.withLock { $0 -= bytes }
    }

    /// The bytes held now.
    var heldBytes: Int { held.withLock { $0 } }
}
