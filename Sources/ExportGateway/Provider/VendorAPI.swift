import Foundation

/// The core's executor for one vendor, handed to an adapter on every call.
///
/// An adapter builds requests with ``path(_:endsWithSlash:)`` and ``request(_:_:query:json:)``, sends them with
/// ``send(_:retry:authenticated:)`` and reads bodies with ``decode(_:from:)``. The executor adds the
/// vendor's credentials (through the adapter's `authenticate`, with the key or the access
/// token it exchanged the key for), retries what is safe to retry, follows redirects without
/// leaking credentials, maps failures through the adapter's `error(from:)`, and removes the
/// key and every recent token from every error message.
/// Adapters never see the transport, nor the key outside `exchangeKey` and `authenticate`.
public struct VendorAPI: Sendable {
    /// The provider this executor talks to.
    public let provider: ProviderID
    /// The vendor API's base URL, path prefix included (such as `https://api.avala.ai/api/v1`).
    public let baseURL: URL

    private let key: APIKey
    private let adapter: any ExportProvider
    private let memo = SessionMemo()
    /// The key's access token, shared by the gateway's copies: one gateway, one key, one token.
    let credentials = CredentialCache()
    let client: HTTPClient

    init(provider: ProviderID, baseURL: URL, key: APIKey, adapter: any ExportProvider, client: HTTPClient) {
        self.provider = provider
        self.baseURL = baseURL
        self.key = key
        self.adapter = adapter
        self.client = client
    }

    /// A value that stays the same for this key's session (the caller's user id, say),
    /// computed by `fetch` on first use and kept for the life of the gateway.
    ///
    /// The memo belongs to one gateway and therefore one key, so a value read with one key
    /// never answers for another. A failed `fetch` is not kept; the next call tries again.
    public func remembered(_ name: String, fetch: () async throws -> JSONValue) async throws -> JSONValue {
        if let known = memo.value(for: name) { return known }
        let value = try await fetch()
        memo.store(value, for: name)
        return value
    }

    /// How the core may retry a request.
    public enum Retry: Sendable {
        /// Retry when the method is idempotent (GET, HEAD, PUT, DELETE); never a POST.
        case automatic
        /// Retry even a POST: the adapter declares it safe, because the request carries an
        /// idempotency key the vendor honors.
        case idempotent
        /// Never retry.
        case never
    }

    /// A path under the base URL, each segment escaped on its own (see ``APIPath``).
    public func path(_ segments: String..., endsWithSlash: Bool = false) -> APIPath {
        APIPath(segments: segments, endsWithSlash: endsWithSlash)
    }

    /// An absolute URL for `path` under the base URL, with `query` items (in order, each
    /// name and value escaped so `+`, `/`, `&` and `=` in cursors survive).
    /// - Throws: ``GatewayError/Kind/invalidRequest`` when a segment is empty (an empty id
    ///   would silently name another route).
    public func url(_ path: APIPath, query: [URLQueryItem] = []) throws -> URL {
        if let empty = path.firstEmptySegment {
            throw GatewayError.invalidRequest(
                "Segment \(empty + 1) of the request path \(path) is empty: an id, name or reference was blank. Pass a non-empty value.",
                fieldErrors: ["path": ["segment \(empty + 1) is empty"]])
        }
        var text = baseURL.absoluteString
        if text.hasSuffix("/") { text.removeLast() }
        text += path.escaped
        if !query.isEmpty {
            text +=
                "?"
                + query.map { item in
                    PercentEscaping.escapingAllButUnreserved(item.name)
                        + (item.value.map { "=" + PercentEscaping.escapingAllButUnreserved($0) } ?? "")
                }.joined(separator: "&")
        }
        guard let url = URL(string: text) else {
            throw GatewayError(
                .configuration, provider: provider,
                message:
                    "The base URL \(baseURL.absoluteString) cannot carry the path \(path). Check the configured base URL."
            )
        }
        return url
    }

    /// A request for `path`, with `Accept: application/json` and, when `json` is given, the
    /// encoded body and `Content-Type: application/json`.
    public func request(
        _ method: HTTPMethod, _ path: APIPath, query: [URLQueryItem] = [], json: JSONValue? = nil
    ) throws -> HTTPRequest {
        var request = HTTPRequest(method: method, url: try url(path, query: query))
        request.headers["Accept"] = "application/json"
        request.headers["User-Agent"] = UserAgent.value
        if let json {
            request.body = json.serialized()
            request.headers["Content-Type"] = "application/json"
        }
        return request
    }

    /// Runs one adapter call: any ``GatewayError`` it throws leaves named with this provider
    /// and the request's operation and resource, and without the key. The one place the core
    /// stamps errors, for single calls, pages and record chunks alike.
    ///
    /// An error the adapter decides from a successful answer (a `null` in a GraphQL body)
    /// still names the request it read, the last one sent during the call.
    func perform<Request: ProviderRequest, Result>(
        _ request: Request, _ call: (Request) async throws -> Result
    ) async throws -> Result {
        let trace = RequestTrace()
        do {
            return try await RequestTrace.$current.withValue(trace) { try await call(request) }
        } catch var error as GatewayError {
            error.requestLine = error.requestLine ?? trace.lastLine
            throw stamped(error, operation: request.operation, resource: request.resource)
        }
    }

    /// `error` named with this provider, `operation` and `resource` where it was not yet,
    /// and without the key or a recent token.
    func stamped(_ error: GatewayError, operation: GatewayOperation?, resource: GatewayResource?) -> GatewayError {
        error.stamped(provider: provider, operation: operation, resource: resource).redacting(secrets)
    }

    /// What no error text may contain: the key and the latest access tokens.
    var secrets: [String] { [key.secret] + credentials.tokenSecrets }

    /// Authenticates and sends `request`; returns the successful response or throws the
    /// ``GatewayError`` the adapter maps the failure to (key and tokens removed from its text).
    ///
    /// - Parameter authenticated: `false` sends the request with no credential at all: for the
    ///   key exchange itself (``ExportProvider/exchangeKey(_:api:)``), whose body carries the
    ///   key. A refused exchange is then an error like any other, never exchanged again.
    public func send(
        _ request: HTTPRequest, retry: Retry = .automatic, authenticated: Bool = true
    ) async throws -> HTTPResponse {
        let repeatable =
            switch retry {
            case .automatic: request.method.isIdempotent
            case .idempotent: true
            case .never: false
            }
        do {
            let adapter = self.adapter
            let response = try await sendWithCredential(request, authenticated: authenticated, repeatable: repeatable) {
                response in
                // Only a success can hide a passing failure; other statuses speak for themselves.
                guard response.isSuccess, let error = adapter.error(from: response) else { return false }
                return error.isTransient
            }
            if let error = adapter.error(from: response) { throw error }
            guard response.isSuccess else { throw GatewayError.standard(for: response, message: nil) }
            return response
        } catch let failure as CredentialFailure {
            throw failure.unwrapped(redacting: secrets)
        } catch var error as GatewayError {
            error.requestLine = error.requestLine ?? request.line
            throw error.redacting(secrets)
        }
    }

    /// An error getting the credential: it names the exchange's request, or none (a key
    /// refused before any request), never the request the credential was for.
    private struct CredentialFailure: Error {
        var error: any Error

        func unwrapped(redacting secrets: [String]) -> any Error {
            (error as? GatewayError)?.redacting(secrets) ?? error
        }
    }

    /// Sends `request` with this gateway's credential and returns the final response,
    /// whatever its status.
    ///
    /// With an exchanged token, a 401 forgets that token, exchanges once more and sends the
    /// request once more: the vendor refused it before acting on it, so even a request that
    /// is not repeatable may go again. A second 401 is returned as it is.
    private func sendWithCredential(
        _ original: HTTPRequest, authenticated: Bool, repeatable: Bool,
        isTransient: (@Sendable (HTTPResponse) -> Bool)? = nil
    ) async throws -> HTTPResponse {
        var renewedAfterRefusal = false
        while true {
            var request = original
            var exchange: Int?
            if authenticated {
                let before = request.headers
                let credential: CredentialCache.Credential
                do { credential = try await self.credential() } catch { throw CredentialFailure(error: error) }
                switch credential {
                case .key:
                    adapter.authenticate(&request, key: key)
                case .token(let token, let number):
                    adapter.authenticate(&request, token: token)
                    exchange = number
                }
                request.credentialHeaderNames.formUnion(Self.changedHeaderNames(from: before, to: request.headers))
            }
            // Recorded after any exchange, so an error decided from this answer names this request.
            RequestTrace.current?.record(request.line)
            let response = try await client.send(request, repeatable: repeatable, isTransient: isTransient)
            guard response.status == 401, let exchange, !renewedAfterRefusal else { return response }
            credentials.invalidate(exchange: exchange)
            renewedAfterRefusal = true
        }
    }

    /// The credential to send now: the key, or a fresh exchanged token (see ``CredentialCache``).
    /// An exchange's error names the exchange's last request (an error the adapter decides from
    /// the exchange's answer has none of its own).
    private func credential() async throws -> CredentialCache.Credential {
        let adapter = self.adapter, key = self.key
        return try await credentials.credential(clock: client.clock) { [self] in
            let trace = RequestTrace()
            do {
                return try await RequestTrace.$current.withValue(trace) {
                    try await adapter.exchangeKey(KeyExchangeRequest(key: key), api: self)
                }
            } catch var error as GatewayError {
                error.requestLine = error.requestLine ?? trace.lastLine
                throw error
            }
        }
    }

    // MARK: Result bytes

    /// Whether `url` is on the API's own origin (scheme, host and port of ``baseURL``): the
    /// one rule for whether result bytes (a download location, a record chunk) are fetched
    /// with the credential. Anywhere else, such as a storage host's signed URL, gets none.
    func isOnAPIOrigin(_ url: URL) -> Bool {
        HTTPClient.sameOrigin(baseURL, url)
    }

    /// Fetches result bytes: on the API's origin with the credential (and a token renewed on
    /// 401), anywhere else with none; always repeatable. A redirect that leaves the API's
    /// origin drops the credential (``HTTPClient``). Returns the response whatever its status.
    func fetchResult(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard isOnAPIOrigin(request.url) else { return try await client.send(request, repeatable: true) }
        do {
            return try await sendWithCredential(request, authenticated: true, repeatable: true)
        } catch let failure as CredentialFailure {
            throw failure.unwrapped(redacting: secrets)
        } catch let error as GatewayError {
            throw error.redacting(secrets)
        }
    }

    /// The error a refused fetch of result bytes stands for: on the API's origin what the
    /// adapter makes of the answer (the credential was sent, so a 401 is about the key);
    /// anywhere else a storage host's refusal of its signed link.
    func resultError(for response: HTTPResponse, url: URL, refreshed: Bool) -> GatewayError {
        guard isOnAPIOrigin(url) else { return .storage(for: response, refreshed: refreshed, host: url.host) }
        return (adapter.error(from: response) ?? .standard(for: response, message: nil)).redacting(secrets)
    }

    /// Decodes `T` from a response body; a mismatch throws ``GatewayError/Kind/decoding``
    /// naming the type and the field path.
    public func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse) throws -> T {
        do {
            return try Self.jsonDecoder.decode(T.self, from: response.body)
        } catch let error as DecodingError {
            throw GatewayError(
                .decoding, provider: provider, httpStatus: response.status,
                message: "Could not read the vendor's answer (HTTP \(response.status)): \(Self.describe(error)).",
                underlying: error)
        }
    }

    /// The response body as a ``JSONValue``; text that is not JSON throws
    /// ``GatewayError/Kind/decoding`` with the byte offset.
    ///
    /// The fast way to read a vendor's answer: map fields from the value (and keep it
    /// whole as `providerFields`) instead of decoding `Codable` structs.
    public func json(from response: HTTPResponse) throws -> JSONValue {
        do {
            return try JSONValue(parsing: response.body)
        } catch let error as JSONParseError {
            throw notJSON(response, error)
        }
    }

    /// The answer's body checked to be JSON but not decoded, for an adapter that reads a few
    /// members in place (see ``JSONText``); fails as ``json(from:)`` does.
    package func checkedJSON(from response: HTTPResponse) throws -> JSONText {
        do {
            return try JSONText(checking: response.body)
        } catch let error as JSONParseError {
            throw notJSON(response, error)
        }
    }

    private func notJSON(_ response: HTTPResponse, _ error: JSONParseError) -> GatewayError {
        GatewayError(
            .decoding, provider: provider, httpStatus: response.status,
            message: "The vendor's answer (HTTP \(response.status)) is not JSON: \(error).", underlying: error)
    }

    /// A JSON decoder that reads ISO-8601 dates with or without fractional seconds.
    public static var jsonDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = ISO8601.date(from: text) else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath, debugDescription: "Not an ISO-8601 date: \(text)"))
            }
            return date
        }
        return decoder
    }

    private static func changedHeaderNames(from before: HTTPHeaders, to after: HTTPHeaders) -> Set<String> {
        Set(
            after.compactMap { field in
                before.values(for: field.name).contains(field.value) ? nil : field.name.lowercased()
            })
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "the top level" : "`\(path)`"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field `\(key.stringValue)` at \(path(context))"
        case .typeMismatch(let type, let context): return "expected \(type) at \(path(context))"
        case .valueNotFound(let type, let context): return "null where \(type) was expected at \(path(context))"
        case .dataCorrupted(let context): return "\(context.debugDescription) at \(path(context))"
        @unknown default: return String(describing: error)
        }
    }
}
