import ExportGateway
import Foundation
import Synchronization

/// A small HTTP/1.1 server on 127.0.0.1 that answers every request through one async
/// handler: what puts a simulator behind a real socket, for URLSession, curl, or a vendor's
/// own SDK.
///
/// It speaks the HTTP/1.1 a client needs from a test server — keep-alive and pipelining,
/// `Content-Length` and chunked request bodies, `Expect: 100-continue`, `HEAD` — and holds
/// every client to ``LoopbackServerLimits`` (431, 413, 408, 400, 503, never a crash). It runs on
/// non-blocking Glibc sockets whose readiness one ``ReadinessPoller`` thread reports, so no
/// cooperative thread ever waits in a syscall and Swift's cooperative pool stays free for the handler.
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
    /// Answers one request and says how its body goes on the wire (whole, or cut, stalled
    /// or trickled for a simulated body fault); throws to close the connection unanswered.
    typealias DeliveringHandler =
        @Sendable (HTTPRequest) async throws -> (response: HTTPResponse, delivery: ResponseDelivery)

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
        var acceptLoop: Task<Void, Never>?
        var stopping = false
        var listenerClosed = false
        var connections: Set<Int32> = []
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
        startDelivering(handler: { request in (try await handler(request), .whole) })
    }

    /// Starts accepting connections and answering them with `handler`, each body delivered
    /// as it says. Call once (this or ``start(handler:)``).
    func startDelivering(handler: @escaping DeliveringHandler) {
        state.withLock { state in
            precondition(state.acceptLoop == nil, "LoopbackHTTPServer.start(handler:) called twice")
            guard !state.stopping else { return }
            state.acceptLoop = Task { await self.acceptConnections(handler) }
        }
    }

    /// Stops: closes the listener, ends every open connection (one in the middle of a
    /// handler call finishes that call, then closes), and returns once all are gone.
    public func stop() async {
        let acceptLoop = state.withLock { state -> Task<Void, Never>? in
            if !state.stopping {
                state.stopping = true
                // shutdown, not close: it wakes every readiness wait on these descriptors
                // while they stay ours, so nothing can reuse a number still being waited on.
                listener.shutdown()
                for descriptor in state.connections { Socket(descriptor: descriptor).shutdown() }
            }
            return state.acceptLoop
        }
        await acceptLoop?.value
        state.withLock { state in
            if !state.listenerClosed {
                state.listenerClosed = true
                listener.close()
            }
        }
    }

    /// How many client connections are open now.
    public var openConnectionCount: Int { state.withLock { $0.connections.count } }

    private func acceptConnections(_ handler: @escaping DeliveringHandler) async {
        // A discarding group: each connection is a child task, and leaving the group waits
        // for every one of them, which is what lets stop() return only when all are closed.
        await withDiscardingTaskGroup { group in
            while true {
                let client: Socket
                do {
                    guard let accepted = try listener.accept() else {
                        if state.withLock({ $0.stopping }) { return }
                        _ = await listener.waitUntilReady(timeout: .seconds(1))
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
                    socket: client, origin: origin, limits: limits, budget: bodyBudget,
                    handler: handler)
                group.addTask {
                    await connection.serve()
                    self.state.withLock { state in
                        // Removed and closed under the lock stop() shuts connections down
                        // under, so it never shuts down a number the system has reused.
                        state.connections.remove(client.descriptor)
                        client.close()
                    }
                }
            }
        }
    }
}
