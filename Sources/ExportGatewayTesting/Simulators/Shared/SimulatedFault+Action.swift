import ExportGateway
import Foundation

extension SimulatedFault {
    /// What a fault does to one request: the one place each fault's wire is decided, for the
    /// in-process transport and the loopback server alike.
    enum Action {
        /// Answers in the vendor's place, the request never reaching the vendor; `nil`
        /// closes the connection unanswered.
        case replace(() -> HTTPResponse?)
        /// Alters the vendor's answer; `nil` when the fault finds nothing to alter in it.
        case alter((HTTPResponse) -> Alteration?)
    }

    /// What a fault on the vendor's answer makes of it.
    enum Alteration {
        /// No answer reaches the client.
        case lost
        /// This answer, delivered so.
        case delivered(HTTPResponse, ResponseDelivery)
    }

    /// What the fault does to `request`, sent to `host`'s `origin`. Building the action has
    /// no effect; only running it renders an answer.
    func action(on host: SimulatorHost, request: SimulatedRequest, origin: SimulatedOrigin) -> Action {
        switch self {
        case .rateLimited(let seconds):
            .replace { host.rateLimit(seconds: seconds, header: String(seconds), on: origin) }
        case .rateLimitedUntilDate(let seconds):
            .replace {
                host.rateLimit(seconds: seconds, header: SimulatorHost.httpDate(Date() + Double(seconds)), on: origin)
            }
        case .rateLimitedUntilSimulatedDate(let seconds):
            .replace {
                let date = host.time.now + Double(seconds)
                return host.rateLimit(seconds: seconds, header: SimulatorHost.httpDate(date), on: origin)
            }
        case .serverError:
            .replace {
                origin == .api
                    ? host.faultShapes.refusal(.serverError)
                    : StorageOrigin.error(500, "InternalError", "We encountered an internal error. Please try again.")
            }
        case .badGateway:
            .replace { .text(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", contentType: "text/html") }
        case .serviceUnavailable:
            .replace { .text(503, "Service Temporarily Unavailable") }
        case .unauthorized:
            .replace { host.faultShapes.refusal(.unauthorized) }
        case .fieldErrors:
            .replace { host.faultShapes.refusal(.fieldErrors) }
        case .expiredSignedURL:
            .replace { StorageOrigin.error(403, "AccessDenied", "Request has expired") }
        case .redirectToOtherHost:
            .replace {
                let other = origin == .api ? host.storage.baseURL : host.apiBaseURL
                return Self.redirect(
                    to: Self.url(of: request.url, scheme: other.scheme, host: other.host, port: other.port))
            }
        case .redirectToNonHTTPScheme(let scheme):
            .replace {
                let url = request.url
                return Self.redirect(
                    to: scheme.lowercased() == "file"
                        ? "file:///etc/passwd" : Self.url(of: url, scheme: scheme, host: url.host, port: url.port))
            }
        case .dropConnection:
            .replace { nil }
        case .loseResponse:
            .alter { _ in .lost }
        case .truncatedBody:
            .alter { answer in Self.delivered(answer, .truncated(afterBytes: answer.body.count / 2)) }
        case .stalledBody(let stall):
            .alter { answer in Self.delivered(answer, .stalled(afterBytes: answer.body.count / 2, for: stall)) }
        case .slowBody(let size, let interval):
            .alter { answer in Self.delivered(answer, .trickled(bytesPerWrite: max(1, size), interval: interval)) }
        case .malformedJSON:
            .alter { answer in
                var cut = answer
                cut.body = answer.body.prefix(answer.body.count / 2)
                return answer.body.isEmpty ? nil : .delivered(cut, .whole)
            }
        case .missingListField:
            Self.vendorEdit(.removeListField, on: host, request)
        case .unknownStatusWord(let word):
            Self.vendorEdit(.statusWord(word), on: host, request)
        }
    }

    /// Alters the vendor's answer as its ``VendorFaultShapes`` edit it.
    private static func vendorEdit(
        _ edit: VendorFaultShapes.Edit, on host: SimulatorHost, _ request: SimulatedRequest
    ) -> Action {
        .alter { answer in host.faultShapes.edit(edit, request, answer).map { .delivered($0, .whole) } }
    }

    /// `answer` delivered so when it has a body to deliver; `nil` otherwise (a `HEAD`, a
    /// 204), so the fault waits for an answer that has one.
    private static func delivered(_ answer: HTTPResponse, _ delivery: ResponseDelivery) -> Alteration? {
        answer.body.isEmpty ? nil : .delivered(answer, delivery)
    }

    /// `url` with another scheme and authority, its path and query exactly as sent.
    private static func url(of url: URL, scheme: String?, host: String?, port: Int?) -> String {
        var components = URLComponents()
        components.scheme = scheme
        components.host = host
        components.port = port
        components.percentEncodedPath = SimulatedRequest.rawPath(of: url)
        components.percentEncodedQuery = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedQuery
        return components.string ?? url.absoluteString
    }

    /// 302 to `location` with no body (URLSession on Linux hands a refused redirect on
    /// without its body, so a body would tell loopback and in-process apart).
    private static func redirect(to location: String) -> HTTPResponse {
        HTTPResponse(status: 302, headers: ["Location": location])
    }
}

extension SimulatorHost {
    /// A rate limit on `origin`: the vendor's 429 on the API (its body naming `seconds`), S3's
    /// 503 `SlowDown` on storage; `Retry-After: header` on both.
    fileprivate func rateLimit(seconds: Int, header: String, on origin: SimulatedOrigin) -> HTTPResponse {
        var response =
            origin == .api
            ? faultShapes.refusal(.rateLimited(retryAfterSeconds: seconds))
            : StorageOrigin.error(503, "SlowDown", "Please reduce your request rate.")
        response.headers["Retry-After"] = header
        return response
    }
}
