import ExportGateway
import Foundation
import Synchronization

/// A small HTTP/1.1 server on 127.0.0.1 that answers every request through one async
/// handler: what puts a simulator behind a real socket, for URLSession, curl, or a vendor's
/// own SDK.
///
/// It speaks the HTTP/1.1 a client needs from a test server — keep-alive and pipelining,
/// `Content-Length` and chunked request bodies, `Expect: 100-continue`, `HEAD` — and holds
/// every client to ``LoopbackServerLimits`` (431, 413, 408, 400, 503, never a crash). Each
/// connection is served on a thread of its own, waiting in `poll(2)` on its one socket, and
/// accepting runs on one more: no connection waits on another's slow answer or simulated
/// latency, and the server never competes with the client's tasks for Swift's cooperative
/// pool (two threads here), whose starving once stalled it under load. An async handler runs
/// as a task its connection's thread waits for.
///
/// The server binds when created (so the port is known before anything is mounted) and
/// answers once ``start(handler:)`` runs. A handler that throws means "no answer": the
/// connection closes without a response, as a dropped connection looks from the client.
///
/// ```swift
/// let server = try LoopbackHTTPServer(port: 0)          // any free port
/// server.start { request in .text(200, "hello from \(request.url.path)") }
/// // curl \(server.origin)/greeting
/// await server.stop()
/// ```
public final class LoopbackHTTPServer: Sendable {
    /// Answers one request; throws to close the connection unanswered.
    public typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse
    /// Answers one request on its connection's own thread, which it may block (a held answer,
    /// a simulated network's wait), and says how its body goes on the wire (whole, or cut,
    /// stalled or trickled for a simulated body fault); throws to close the connection unanswered.
    typealias DeliveringHandler =
        @Sendable (HTTPRequest) throws -> (response: HTTPResponse, delivery: ResponseDelivery)

    /// The port it listens on (the one the system chose, when created with port 0).
    public let port: Int
    /// `http://127.0.0.1:<port>`: the origin every request's URL starts with.
    public let origin: URL
    /// The bounds every connection is held to.
    public let limits: LoopbackServerLimits

    /// The request-body bytes all connections hold together, within ``limits``.
    let bodyBudget: BodyBudget
    private let listener: Socket
    private let state = Mutex(State())

    private struct State {
        var started = false
        var accepting = false
        var stopping = false
        var listenerClosed = false
        var connections: Set<Int32> = []
        /// The ``stop()`` calls waiting for the accepting thread and every connection to end.
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Binds 127.0.0.1:`port` (0 = any free port) and starts listening; connections wait in
    /// the kernel's backlog until ``start(handler:)``.
    /// - Throws: ``LoopbackServerError`` when the port is taken or invalid.
    public init(port: Int = 0, limits: LoopbackServerLimits = LoopbackServerLimits()) throws {
        listener = try Socket.listen(port: port)
        self.port = listener.localPort
        origin = URL(string: "http://127.0.0.1:\(self.port)")!
        self.limits = limits
        bodyBudget = BodyBudget(limit: limits.maxTotalBodyBytes)
    }

    deinit {
        state.withLock { state in
            if !state.listenerClosed { listener.close() }
        }
    }

    /// Starts accepting connections and answering them with `handler`. Call once.
    public func start(handler: @escaping Handler) {
        startDelivering(handler: { request in (try blockingAwait { try await handler(request) }, .whole) })
    }

    /// Starts accepting connections and answering them with `handler`, each body delivered
    /// as it says. Call once (this or ``start(handler:)``).
    func startDelivering(handler: @escaping DeliveringHandler) {
        let starting = state.withLock { state in
            precondition(!state.started, "LoopbackHTTPServer.start(handler:) called twice")
            state.started = true
            state.accepting = !state.stopping
            return state.accepting
        }
        guard starting else { return }
        let thread = Thread { self.acceptConnections(handler) }
        thread.name = "LoopbackHTTPServer.accept :\(port)"
        thread.start()
    }

    /// Stops: closes the listener, ends every open connection (one in the middle of a
    /// handler call finishes that call, then closes), and returns once all are gone.
    public func stop() async {
        await withCheckedContinuation { continuation in
            let ended = state.withLock { state in
                if !state.stopping {
                    state.stopping = true
                    // shutdown, not close: it wakes every readiness wait on these descriptors
                    // while they stay ours, so nothing can reuse a number still being waited on.
                    listener.shutdown()
                    for descriptor in state.connections { Socket(descriptor: descriptor).shutdown() }
                }
                guard state.accepting || !state.connections.isEmpty else { return true }
                state.stopWaiters.append(continuation)
                return false
            }
            if ended { continuation.resume() }
        }
        state.withLock { state in
            if !state.listenerClosed {
                state.listenerClosed = true
                listener.close()
            }
        }
    }

    /// How many client connections are open now.
    public var openConnectionCount: Int { state.withLock { $0.connections.count } }

    private func acceptConnections(_ handler: @escaping DeliveringHandler) {
        defer { ended { $0.accepting = false } }
        while true {
            let client: Socket
            do {
                guard let accepted = try listener.accept() else {
                    if state.withLock({ $0.stopping }) { return }
                    _ = listener.blockUntilReady(timeout: .seconds(1))
                    continue
                }
                client = accepted
            } catch {
                return  // the listener was shut down by stop()
            }
            let admitted = state.withLock { state in
                guard !state.stopping else { return false }
                state.connections.insert(client.descriptor)
                return true
            }
            guard admitted else {
                client.close()
                return
            }
            let connection = HTTPConnection(
                socket: client, origin: origin, limits: limits, budget: bodyBudget, handler: handler)
            let thread = Thread {
                connection.serve()
                // Removed and closed under the lock stop() shuts connections down under, so it
                // never shuts down a number the system has reused.
                self.ended { state in
                    state.connections.remove(client.descriptor)
                    client.close()
                }
            }
            thread.name = "LoopbackHTTPServer.connection :\(port)"
            thread.start()
        }
    }

    /// Applies `change` (a thread of the server ending), then resumes the ``stop()`` calls
    /// waiting when nothing is left running.
    private func ended(_ change: (inout State) -> Void) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            change(&state)
            guard !state.accepting, state.connections.isEmpty else { return [] }
            defer { state.stopWaiters = [] }
            return state.stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
