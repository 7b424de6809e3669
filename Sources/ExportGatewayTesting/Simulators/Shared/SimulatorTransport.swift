import ExportGateway
import Foundation

/// An ``HTTPTransport`` that answers from a simulator inside the process: no sockets, no
/// waiting. Hand it to ``Gateway`` in place of `URLSessionTransport`.
///
/// It routes by origin (the vendor's API host or its storage host), fires injected faults,
/// and records every request in the simulator's ``RequestLog``.
public struct SimulatorTransport: HTTPTransport {
    let host: SimulatorHost
    let api: @Sendable (SimulatedRequest) -> HTTPResponse

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
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
            return injected
        }
        let response: HTTPResponse
        let fault = host.faults.take(for: request, origin: origin)
        if fault == .loseResponse {
            let handled = route(request, origin: origin)
            host.log.record(request, status: handled.status)
            throw URLError(.networkConnectionLost)
        }
        if let fault {
            guard let faulted = host.response(for: fault, origin: origin) else {
                host.log.record(request, status: nil)
                throw URLError(.networkConnectionLost)
            }
            response = faulted
        } else {
            response = route(request, origin: origin)
        }
        host.log.record(request, status: response.status)
        return response
    }

    private func route(_ request: HTTPRequest, origin: SimulatedOrigin) -> HTTPResponse {
        let simulated = SimulatedRequest(request)
        return origin == .api ? api(simulated) : host.storage.handle(simulated)
    }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased()
            && (a.port ?? Self.defaultPort(a)) == (b.port ?? Self.defaultPort(b))
    }

    private static func defaultPort(_ url: URL) -> Int { url.scheme?.lowercased() == "http" ? 80 : 443 }
}
