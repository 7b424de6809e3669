import ExportGateway
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        /// what a GraphQL vendor's operation is named in. Of a body over
        /// ``RequestLog/maxKeptBodyBytes`` only the start is kept: the log lives as long as
        /// the simulator, and a simulator serving large uploads must not keep them all.
        public var body: Data
        /// Whether any header, the URL or the body carried one of the simulator's API keys.
        public var carriedCredential: Bool
        /// The status the simulator answered, or `nil` when it dropped the connection.
        public var status: Int?
    }

    /// The most bytes of one request's body an entry keeps.
    public static let maxKeptBodyBytes = 64 * 1024

    private let entries = Mutex<[Entry]>([])
    private let known: Mutex<[String]>

    /// Creates a log that recognizes `secrets` (the simulator's API keys) wherever they appear.
    public init(secrets: [String]) {
        known = Mutex(secrets.filter { !$0.isEmpty })
    }

    /// Recognizes `secret` from now on too: a credential the simulator hands out while it
    /// runs (a short-lived access token), redacted like its keys.
    func recognize(_ secret: String) {
        guard !secret.isEmpty else { return }
        known.withLock { if !$0.contains(secret) { $0.append(secret) } }
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
        let secrets = known.withLock { $0 }
        let sent = request.body ?? Data()
        // A plain byte search: Foundation's String search (CFString underneath) and the
        // standard library's generic `firstRange` each cost more than the rest of a small
        // answer, and almost every text holds no secret.
        func holds(_ text: String, _ secret: String) -> Bool {
            var text = text, secret = secret
            return text.withUTF8 { text in
                secret.withUTF8 { secret in
                    guard let first = secret.first, secret.count <= text.count else { return false }
                    for start in 0...(text.count - secret.count)
                    where text[start] == first
                        && memcmp(text.baseAddress! + start, secret.baseAddress!, secret.count) == 0
                    {
                        return true
                    }
                    return false
                }
            }
        }
        let carried = secrets.contains { secret in
            holds(request.url.absoluteString, secret) || request.headers.contains { holds($0.value, secret) }
                || sent.range(of: Data(secret.utf8)) != nil
        }
        let body: Data
        if sent.count > Self.maxKeptBodyBytes {
            // Redacted before the last characters go, so no part of a key cut at the end stays.
            let start = Redaction.redact(
                String(decoding: sent.prefix(Self.maxKeptBodyBytes), as: UTF8.self), secrets: secrets)
            body = Data(start.dropLast(secrets.map(\.count).max() ?? 0).utf8)
        } else if let text = String(data: sent, encoding: .utf8), secrets.contains(where: { holds(text, $0) }) {
            body = Data(Redaction.redact(text, secrets: secrets).utf8)
        } else {
            body = sent
        }
        var headers = HTTPHeaders()
        for field in request.headers {
            // Redaction also takes a key's first characters before a cut marker, which is not
            // ASCII: an ASCII value without a whole key has nothing to redact.
            let untouched = field.value.utf8.allSatisfy { $0 < 0x80 } && !secrets.contains { holds(field.value, $0) }
            headers.add(
                name: field.name, value: untouched ? field.value : Redaction.redact(field.value, secrets: secrets))
        }
        let entry = Entry(
            method: request.method, url: request.url, headers: headers, body: body, carriedCredential: carried,
            status: status)
        entries.withLock { $0.append(entry) }
    }
}
