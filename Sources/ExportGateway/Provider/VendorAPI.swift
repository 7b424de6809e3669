import Foundation

/// The core's executor for one vendor, handed to an adapter on every call.
///
/// An adapter builds requests with ``request(_:_:query:json:)``, sends them with
/// ``send(_:retry:)`` and reads bodies with ``decode(_:from:)``. The executor adds the
/// vendor's credentials (through the adapter's `authenticate`), retries what is safe to
/// retry, follows redirects without leaking credentials, maps failures through the
/// adapter's `error(from:)`, and removes the key from every error message.
/// Adapters never see the transport or the key.
public struct VendorAPI: Sendable {
    /// The provider this executor talks to.
    public let provider: ProviderID
    /// The vendor API's base URL, path prefix included (such as `https://api.avala.ai/api/v1`).
    public let baseURL: URL

    private let key: APIKey
    private let adapter: any ExportProvider
    private let memo = SessionMemo()
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

    /// An absolute URL for `path` under the base URL, with `query` items (in order).
    ///
    /// `path` starts with `/` and has its segments already escaped (see ``pathSegment(_:)``).
    public func url(_ path: String, query: [URLQueryItem] = []) -> URL {
        let base = baseURL.absoluteString.hasSuffix("/") ? String(baseURL.absoluteString.dropLast()) : baseURL.absoluteString
        var components = URLComponents(string: base + path)!
        if !query.isEmpty {
            components.percentEncodedQuery = query.map { item in
                Self.queryEscaped(item.name) + (item.value.map { "=" + Self.queryEscaped($0) } ?? "")
            }.joined(separator: "&")
        }
        return components.url!
    }

    /// A request for `path`, with `Accept: application/json` and, when `json` is given, the
    /// encoded body and `Content-Type: application/json`.
    public func request(
        _ method: HTTPMethod, _ path: String, query: [URLQueryItem] = [], json: JSONValue? = nil
    ) -> HTTPRequest {
        var request = HTTPRequest(method: method, url: url(path, query: query))
        request.headers["Accept"] = "application/json"
        request.headers["User-Agent"] = UserAgent.value
        if let json {
            request.body = json.serialized()
            request.headers["Content-Type"] = "application/json"
        }
        return request
    }

    /// Authenticates and sends `request`; returns the successful response or throws the
    /// ``GatewayError`` the adapter maps the failure to (key removed from its text).
    public func send(_ request: HTTPRequest, retry: Retry = .automatic) async throws -> HTTPResponse {
        var request = request
        let before = request.headers
        adapter.authenticate(&request, key: key)
        request.credentialHeaderNames.formUnion(Self.changedHeaderNames(from: before, to: request.headers))
        let repeatable = switch retry {
        case .automatic: request.method.isIdempotent
        case .idempotent: true
        case .never: false
        }
        do {
            let adapter = self.adapter
            let response = try await client.send(request, repeatable: repeatable) { response in
                // Only a success can hide a passing failure; other statuses speak for themselves.
                guard response.isSuccess, let error = adapter.error(from: response) else { return false }
                return error.isTransient
            }
            if let error = adapter.error(from: response) { throw error }
            guard response.isSuccess else { throw GatewayError.standard(for: response, message: nil) }
            return response
        } catch var error as GatewayError {
            error.provider = error.provider ?? provider
            throw error.redacting([key.secret])
        }
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
            throw GatewayError(
                .decoding, provider: provider, httpStatus: response.status,
                message: "The vendor's answer (HTTP \(response.status)) is not JSON: \(error).", underlying: error)
        }
    }

    /// A JSON decoder that reads ISO-8601 dates with or without fractional seconds.
    public static var jsonDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = ISO8601.date(from: text) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath, debugDescription: "Not an ISO-8601 date: \(text)"))
            }
            return date
        }
        return decoder
    }

    /// `segment` percent-escaped for use as one path segment: a `/` inside becomes `%2F`, a
    /// space `%20`, and a segment made only of dots is escaped too (`..` becomes `%2E%2E`),
    /// because `.` and `..` would otherwise be read as relative steps and leave the route.
    public static func pathSegment(_ segment: String) -> String {
        if !segment.isEmpty, segment.allSatisfy({ $0 == "." }) {
            return String(repeating: "%2E", count: segment.count)
        }
        return segment.addingPercentEncoding(withAllowedCharacters: pathSegmentAllowed) ?? segment
    }

    private static let pathSegmentAllowed: CharacterSet = {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return allowed
    }()

    private static let queryAllowed: CharacterSet = {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return allowed
    }()

    /// Escapes everything but unreserved characters, so `+`, `/` and `=` in cursors survive.
    static func queryEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? text
    }

    private static func changedHeaderNames(from before: HTTPHeaders, to after: HTTPHeaders) -> Set<String> {
        Set(after.compactMap { field in
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
