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
        var request = request
        request.isRepeatable = repeatable
        var attempt = 1
        while true {
            try Task.checkCancellation()
            let outcome: Result<HTTPResponse, any Error>
            do {
                outcome = .success(try await followingRedirects(request, attempt: attempt))
            } catch let error where Self.isCancellation(error) {
                throw CancellationError()
            } catch let error as GatewayError where error.kind != .transport {
                // A refused redirect, or a request the transport cannot send: asking again cannot help.
                throw error
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
                // an early retry again: hand the caller its rateLimited error and delay instead.
                if let retryAfter, retryAfter > retryPolicy.maxDelay { return response }
            case .failure(let error):
                if attempt >= retryPolicy.maxAttempts || !repeatable {
                    var failure = Self.transportError(error, to: request.url)
                    failure.requestLine = failure.requestLine ?? request.line
                    if !repeatable && failure.kind == .transport && !Self.neverReachedTheServer(error) {
                        failure.mayHaveTakenEffect = true
                        failure.message +=
                            " The request was sent once and not repeated, because sending it again is not"
                            + " safe: the vendor may have carried it out."
                    }
                    throw failure
                }
                reason = Self.transportError(error, to: request.url).message
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
            guard let scheme = next.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
                var error = GatewayError(
                    .server, httpStatus: response.status,
                    message:
                        "The answer redirected to a \(next.scheme.map { "\($0):" } ?? "scheme-less") location, which the "
                        + "gateway never follows (only http and https). Report it to the vendor.")
                error.requestLine = request.line
                throw error
            }
            let leavesOrigin = !Self.sameOrigin(request.url, next)
            if leavesOrigin {
                request.headers.remove(names: request.credentialHeaderNames)
                request.credentialHeaderNames = []
            }
            eventHandler?(.redirected(from: request.url, to: next, droppedCredentials: leavesOrigin))
            request.url = next
        }
        var error = GatewayError(
            .server,
            message: "Gave up after \(Self.maxRedirects) redirects from \(original.url.host ?? "the server"): the "
                + "redirects loop or go on too long. Report it to the vendor.")
        error.requestLine = original.line
        throw error
    }

    /// Whether `error` shows the request never left: no connection was made, so the vendor
    /// cannot have acted on it.
    static func neverReachedTheServer(_ error: any Error) -> Bool {
        guard let code = (error as? URLError)?.code else { return false }
        return [.cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .badURL, .unsupportedURL].contains(code)
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
    static func transportError(_ error: any Error, to url: URL) -> GatewayError {
        if let error = error as? GatewayError { return error }
        let host = url.host ?? "the server"
        guard let urlError = error as? URLError else {
            return GatewayError(
                .transport,
                message: "No response from \(host): \(error). Check the network and the base URL, then try again.",
                underlying: error)
        }
        let message =
            switch urlError.code {
            case .timedOut:
                "No byte arrived from \(host) within the transport's idle timeout: the server or the network stalled. "
                    + "Try again later, or give URLSessionTransport a longer idleTimeout for a slow link."
            case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed:
                "Could not connect to \(host) (URLError \(urlError.code.rawValue)). Check the base URL and the network."
            case .networkConnectionLost:
                "The connection to \(host) dropped before the answer was complete. Try again."
            case .badServerResponse:
                "The connection to \(host) closed without an answer (an empty reply). Try again."
            case .unsupportedURL, .badURL:
                "The URL for \(host) cannot be requested (URLError \(urlError.code.rawValue)). Check the base URL's form."
            default:
                "No response from \(host): \(urlError.localizedDescription) (URLError \(urlError.code.rawValue)). "
                    + "Check the network and the base URL, then try again."
            }
        return GatewayError(.transport, message: message, underlying: error)
    }
}
