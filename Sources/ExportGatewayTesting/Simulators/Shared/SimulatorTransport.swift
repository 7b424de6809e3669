import ExportGateway
import Foundation

/// An ``HTTPTransport`` that answers from a simulator inside the process: no sockets, and no
/// waiting unless given a network's latency (``withLatency(_:clock:)``). Hand it to
/// ``Gateway`` in place of `URLSessionTransport`.
///
/// It routes by origin (the vendor's API host or its storage host), fires injected faults,
/// and records every request in the simulator's ``RequestLog``. An answer whose body a fault
/// cuts or stalls on the wire throws what URLSession throws for it, and a fault that makes a
/// body take time moves the simulator's clock instead of waiting (see ``SimulatedFault``).
public struct SimulatorTransport: HTTPTransport {
    let host: SimulatorHost
    /// The vendor's routes: an answer and how it goes on the wire (``ResponseDelivery/whole``
    /// but for an answer the vendor itself holds back, see ``ResponseDelivery/held(for:)``).
    let api: @Sendable (SimulatedRequest) -> (HTTPResponse, ResponseDelivery)
    /// What each answer waits before it is given: a round trip of the simulated network.
    var delay: ResponseDelay? = nil

    /// This transport with every answer delayed by `latency`, waited on `clock`: a
    /// ``VirtualClock`` in tests (the wait returns at once and moves its time on), the system
    /// clock for a pipeline or a benchmark that should see a real network's shape.
    /// ``SimulatedLatency/none`` gives a transport that answers at once.
    public func withLatency(_ latency: SimulatedLatency, clock: any GatewayClock) -> SimulatorTransport {
        var delayed = self
        delayed.delay = latency.isNone ? nil : ResponseDelay(latency, clock: clock)
        return delayed
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await delay?.wait()
        let (response, delivery) = try answer(request)
        // Nothing waits in-process: the simulator's clock takes the time the wire would.
        host.time.advance(by: delivery.duration(bodyBytes: response.body.count).timeInterval)
        switch delivery {
        case .whole, .trickled, .held: return response
        case .truncated(let sent): throw Self.truncation(remaining: response.body.count - sent)
        case .stalled: throw URLError(.timedOut)
        }
    }

    /// What URLSession reports for a body that ends before its `Content-Length`: on Linux,
    /// FoundationNetworking passes libcurl's words on under `NSURLErrorUnknown`; on Darwin, a
    /// lost connection.
    static func truncation(remaining: Int) -> URLError {
        #if canImport(FoundationNetworking)
        URLError(
            .unknown, userInfo: [NSLocalizedDescriptionKey: "transfer closed with \(remaining) bytes remaining to read"]
        )
        #else
        URLError(.networkConnectionLost)
        #endif
    }

    /// What URLSession reports for a connection closed with no answer at all: on Linux,
    /// libcurl's "Empty reply from server" as a bad server response; on Darwin, a lost
    /// connection.
    static var noAnswer: URLError {
        #if canImport(FoundationNetworking)
        URLError(.badServerResponse, userInfo: [NSLocalizedDescriptionKey: "Empty reply from server"])
        #else
        URLError(.networkConnectionLost)
        #endif
    }

    /// The answer to `request` and how its body goes on the wire: what ``send(_:)`` makes of
    /// it in-process, and what ``SimulatorServer`` writes to the socket. Throws when no answer
    /// is given at all (an unknown host, a dropped connection, a lost answer).
    func answer(_ request: HTTPRequest) throws -> (response: HTTPResponse, delivery: ResponseDelivery) {
        try Task.checkCancellation()
        let origin: SimulatedOrigin
        if Self.sameOrigin(request.url, host.apiBaseURL) {
            origin = .api
        } else if Self.sameOrigin(request.url, host.storage.baseURL) {
            origin = .storage
        } else {
            host.log.record(request, status: nil)
            throw URLError(.cannotFindHost, userInfo: [NSURLErrorFailingURLErrorKey: request.url])
        }
        if let injected = host.answers.take(for: request, origin: origin) {
            host.log.record(request, status: injected.status)
            return (injected, .whole)
        }
        let simulated = SimulatedRequest(request)
        func action(_ fault: SimulatedFault) -> SimulatedFault.Action {
            fault.action(on: host, request: simulated, origin: origin)
        }
        let replacement = host.faults.take(for: request, origin: origin) { fault -> (() -> HTTPResponse?)? in
            if case .replace(let answer) = action(fault) { answer } else { nil }
        }
        if let replacement {
            guard let response = replacement() else {
                host.log.record(request, status: nil)
                throw Self.noAnswer
            }
            host.log.record(request, status: response.status)
            return (response, .whole)
        }
        let (handled, delivery) = origin == .api ? api(simulated) : (host.storage.handle(simulated), .whole)
        let alteration = host.faults.take(for: request, origin: origin) { fault -> SimulatedFault.Alteration? in
            if case .alter(let alter) = action(fault) { alter(handled) } else { nil }
        }
        host.log.record(request, status: handled.status)
        switch alteration {
        case nil:
            return (handled, delivery)
        case .lost:
            throw Self.noAnswer
        case .delivered(let response, let delivery):
            return (response, delivery)
        }
    }

    /// The answer to `request` as a server puts it on the wire, on the connection's own thread:
    /// like ``answer(_:)``, but the transport's latency, if any, is waited first (on its own
    /// clock), and an answer the vendor holds back (``ResponseDelivery/held(for:)``) is waited
    /// for here, in real time, after which the simulator's clock moves on by as much, as the
    /// in-process transport moves it; what the server then writes is whole. A server stopping
    /// meanwhile waits for the pause to end, so a loopback test keeps such pauses short.
    func served(_ request: HTTPRequest) throws -> (response: HTTPResponse, delivery: ResponseDelivery) {
        if let delay { try blockingAwait { try await delay.wait() } }
        let answer = try answer(request)
        guard case .held(let wait) = answer.delivery else { return answer }
        Thread.sleep(forTimeInterval: wait.timeInterval)
        host.time.advance(by: wait.timeInterval)
        return (answer.response, .whole)
    }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased()
            && (a.port ?? Self.defaultPort(a)) == (b.port ?? Self.defaultPort(b))
    }

    private static func defaultPort(_ url: URL) -> Int { url.scheme?.lowercased() == "http" ? 80 : 443 }
}
