import Foundation

/// Sends requests through a transport with the core's retry and redirect rules.
///
/// Used for vendor API calls (through ``VendorAPI``) and for storage downloads alike, so
/// both get the same behavior:
/// - a retryable failure (408, 429, 5xx, no response) is sent again, per ``RetryPolicy``,
///   only when the request is safe to repeat;
/// - a redirect is followed for `GET`/`HEAD` (at most ``maxRedirects``); a hop to another
///   origin drops every credential header first.
struct HTTPClient: Sendable {
    var transport: any HTTPTransport
    var retryPolicy: RetryPolicy
    var clock: any GatewayClock
    var eventHandler: (@Sendable (GatewayEvent) -> Void)?
    static let maxRedirects = 5

    /// Sends `request`; returns the first non-retryable response (success or not).
    /// - Parameters:
    ///   - repeatable: whether sending it twice is harmless.
    ///   - isTransient: whether a response that is not retryable by its status alone still
    ///     reports a passing failure (a GraphQL vendor says "internal error" inside a 200).
    func send(
        _ request: HTTPRequest, repeatable: Bool, isTransient: (@Sendable (HTTPResponse) -> Bool)? = nil
    ) async throws -> HTTPResponse {
        var attempt = 1
        while true {
            try Task.checkCancellation()
            let outcome: Result<HTTPResponse, any Error>
            do {
                outcome = .success(try await followingRedirects(request, attempt: attempt))
            } catch let error where Self.isCancellation(error) {
                throw CancellationError()
            } catch {
                outcome = .failure(error)
            }
            let reason: String
            var retryAfter: Duration?
            switch outcome {
            case .success(let response):
                guard RetryPolicy.isRetryable(status: response.status) || isTransient?(response) == true else {
                    return response
                }
                reason =
                    RetryPolicy.isRetryable(status: response.status)
                    ? "HTTP \(response.status)" : "HTTP \(response.status) reporting a passing failure"
                retryAfter = RetryAfter.parse(response.headers["Retry-After"])
                if attempt >= retryPolicy.maxAttempts || !repeatable { return response }
                // A vendor asking for a longer pause than the policy allows would only refuse
                // an early retry again: hand the caller its rateLimited(retryAfter:) instead.
                if let retryAfter, retryAfter > retryPolicy.maxDelay { return response }
            case .failure(let error):
                if attempt >= retryPolicy.maxAttempts || !repeatable {
                    var failure = Self.transportError(error)
                    failure.requestLine = failure.requestLine ?? request.line
                    throw failure
                }
                reason = Self.transportError(error).message
            }
            let delay = retryPolicy.delay(afterAttempt: attempt, retryAfter: retryAfter)
            eventHandler?(
                .retrying(method: request.method, url: request.url, attempt: attempt, delay: delay, reason: reason))
            try await clock.sleep(for: delay)
            attempt += 1
        }
    }

    private func followingRedirects(_ original: HTTPRequest, attempt: Int) async throws -> HTTPResponse {
        var request = original
        for _ in 0...Self.maxRedirects {
            let response = try await transport.send(request)
            eventHandler?(
                .response(method: request.method, url: request.url, status: response.status, attempt: attempt))
            guard [301, 302, 303, 307, 308].contains(response.status),
                request.method == .get || request.method == .head,
                let location = response.headers["Location"],
                let next = URL(string: location, relativeTo: request.url)?.absoluteURL
            else { return response }
            let leavesOrigin = !Self.sameOrigin(request.url, next)
            if leavesOrigin {
                request.headers.remove(names: request.credentialHeaderNames)
                request.credentialHeaderNames = []
            }
            eventHandler?(.redirected(from: request.url, to: next, droppedCredentials: leavesOrigin))
            request.url = next
        }
        throw GatewayError(
            .transport, message: "Gave up after \(Self.maxRedirects) redirects from \(original.url.absoluteString).")
    }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased()
            && effectivePort(a) == effectivePort(b)
    }

    private static func effectivePort(_ url: URL) -> Int? {
        url.port ?? (url.scheme?.lowercased() == "https" ? 443 : url.scheme?.lowercased() == "http" ? 80 : nil)
    }

    static func isCancellation(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        if let urlError = error as? URLError, urlError.code == .cancelled { return true }
        return false
    }

    /// Wraps a failure with no response as a ``GatewayError`` of kind `transport`.
    static func transportError(_ error: any Error) -> GatewayError {
        if let error = error as? GatewayError { return error }
        let detail: String
        if let urlError = error as? URLError {
            detail = "\(urlError.localizedDescription) (URLError \(urlError.code.rawValue))"
        } else {
            detail = String(describing: error)
        }
        return GatewayError(
            .transport, message: "No response: \(detail). Check the network and the base URL, then try again.",
            underlying: error)
    }
}
