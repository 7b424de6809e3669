import Foundation
import Synchronization

/// The credential one gateway sends: its key as it is, or the access token the adapter
/// exchanged it for (``ExportProvider/exchangeKey(_:api:)``), kept until shortly before it
/// expires on the gateway's clock.
///
/// One exchange at a time: requests that need a credential while one is being fetched wait
/// for it instead of starting their own, so a burst of requests after expiry, or several
/// requests refused together, costs one exchange.
final class CredentialCache: Sendable {
    /// What goes on a request.
    enum Credential: Sendable {
        /// The adapter does not exchange this key: it is sent as it is.
        case key
        /// An exchanged token, with the number of the exchange that got it (a vendor may hand
        /// out the same token twice, so the number, not the secret, tells tokens apart).
        case token(AccessToken, exchange: Int)
    }

    /// The longest a token is renewed before it expires; shorter lifetimes renew at 90 %.
    static let renewalMargin: Duration = .seconds(30)
    /// How many of the latest tokens are still removed from error texts: a vendor that
    /// echoes a token echoes a recent one.
    static let redactedTokens = 4

    private struct State {
        /// The credential in use and, on the gateway's clock, when to exchange again (`nil`:
        /// only after a 401).
        var current: (credential: Credential, renewAt: Duration?)?
        /// The exchange under way, which every caller awaits.
        var pending: (id: Int, task: Task<Credential, any Error>)?
        var exchanges = 0
        var recentSecrets: [String] = []
    }

    private enum Next {
        case ready(Credential)
        case await(Task<Credential, any Error>)
    }

    private let state = Mutex(State())

    /// Set while an exchange runs: a request inside it that asks for a credential would wait
    /// for that very exchange forever.
    @TaskLocal private static var isExchanging = false

    /// How many exchanges have been started: for tests of the sharing.
    var exchangeCount: Int { state.withLock { $0.exchanges } }

    /// The secrets of the latest tokens, for redaction.
    var tokenSecrets: [String] { state.withLock { $0.recentSecrets } }

    /// The credential to send now: the one held while it is fresh, else the result of the
    /// exchange under way, else of a new one.
    ///
    /// The exchange runs in a task of its own, so a caller canceled while it runs does not
    /// cancel it for the others (the transport's timeouts bound it).
    func credential(
        clock: any GatewayClock, exchange: @escaping @Sendable () async throws -> AccessToken?
    ) async throws -> Credential {
        guard !Self.isExchanging else {
            throw GatewayError(
                .configuration,
                message: "The adapter's key exchange sent an authenticated request, which needs the token being "
                    + "exchanged for. Send the exchange with api.send(_:retry:authenticated: false).")
        }
        let next: Next = state.withLock { state in
            if let current = state.current, current.renewAt.map({ clock.now < $0 }) ?? true {
                return .ready(current.credential)
            }
            if let pending = state.pending { return .await(pending.task) }
            state.exchanges += 1
            let id = state.exchanges
            let task = Task<Credential, any Error> {
                do {
                    let token = try await Self.$isExchanging.withValue(true) { try await exchange() }
                    let credential: Credential = token.map { .token($0, exchange: id) } ?? .key
                    self.finish(id, credential: credential, renewAt: token.flatMap { Self.renewal(of: $0, clock) })
                    return credential
                } catch {
                    self.finish(id, credential: nil, renewAt: nil)
                    throw error
                }
            }
            // Stored before the lock is released, so the task's own `finish` (which needs the
            // lock) always finds it.
            state.pending = (id, task)
            return .await(task)
        }
        switch next {
        case .ready(let credential): return credential
        case .await(let task): return try await task.value
        }
    }

    /// Forgets the token of exchange `exchange` after a request with it was refused, so the
    /// next request exchanges again; a newer token (another refused request already replaced
    /// it) is kept, so requests refused together share one more exchange.
    func invalidate(exchange: Int) {
        state.withLock { state in
            if case .token(_, let held)? = state.current?.credential, held == exchange {
                state.current = nil
            }
        }
    }

    private func finish(_ id: Int, credential: Credential?, renewAt: Duration?) {
        state.withLock { state in
            guard state.pending?.id == id else { return }
            state.pending = nil
            guard let credential else { return }
            state.current = (credential, renewAt)
            if case .token(let token, _) = credential {
                state.recentSecrets = Array((state.recentSecrets + [token.secret]).suffix(Self.redactedTokens))
            }
        }
    }

    /// When to exchange again, on `clock`: the token's lifetime from now, less
    /// ``renewalMargin`` or a tenth of the lifetime, whichever is shorter; `nil` when the
    /// lifetime is unknown.
    private static func renewal(of token: AccessToken, _ clock: any GatewayClock) -> Duration? {
        guard let lifetime = token.lifetime(now: Date()) else { return nil }
        return clock.now + lifetime - min(renewalMargin, lifetime / 10)
    }
}
