import ExportGateway
import Foundation
import Synchronization

/// Every request a simulator received, in order, with secrets already removed, so tests
/// can assert on traffic: which hosts were called, and whether a key went where it must not.
public final class RequestLog: Sendable {
    /// One received request.
    public struct Entry: Sendable {
        /// The method.
        public var method: HTTPMethod
        /// The URL (a simulator never puts keys in URLs; the gateway must not either).
        public var url: URL
        /// The headers, with every known key's value replaced by `[redacted]`.
        public var headers: HTTPHeaders
        /// The body as sent (empty when none), with every known key replaced by `[redacted]`:
        /// what a GraphQL vendor's operation is named in.
        public var body: Data
        /// Whether any header, the URL or the body carried one of the simulator's API keys.
        public var carriedCredential: Bool
        /// The status the simulator answered, or `nil` when it dropped the connection.
        public var status: Int?
    }

    private let entries = Mutex<[Entry]>([])
    private let secrets: [String]

    /// Creates a log that recognizes `secrets` (the simulator's API keys) wherever they appear.
    public init(secrets: [String]) {
        self.secrets = secrets.filter { !$0.isEmpty }
    }

    /// Every request so far, oldest first.
    public var requests: [Entry] { entries.withLock { $0 } }

    /// The requests whose origin (scheme, host, port) is that of `url`.
    public func requests(to url: URL) -> [Entry] {
        requests.filter { $0.url.scheme == url.scheme && $0.url.host == url.host && $0.url.port == url.port }
    }

    /// Forgets every entry.
    public func removeAll() { entries.withLock { $0.removeAll() } }

    func record(_ request: HTTPRequest, status: Int?) {
        let bodyText = request.body.flatMap { String(data: $0, encoding: .utf8) }
        let carried = secrets.contains { secret in
            request.url.absoluteString.contains(secret) || request.headers.contains { $0.value.contains(secret) }
                || bodyText?.contains(secret) == true
        }
        let body: Data
        if let bodyText, secrets.contains(where: bodyText.contains) {
            body = Data(Redaction.redact(bodyText, secrets: secrets).utf8)
        } else {
            body = request.body ?? Data()
        }
        var headers = HTTPHeaders()
        for field in request.headers {
            headers.add(name: field.name, value: Redaction.redact(field.value, secrets: secrets))
        }
        let entry = Entry(
            method: request.method, url: request.url, headers: headers, body: body, carriedCredential: carried,
            status: status)
        entries.withLock { $0.append(entry) }
    }
}
