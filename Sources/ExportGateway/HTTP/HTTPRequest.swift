import Foundation

/// One HTTP request, built by an adapter and sent by the core.
///
/// `credentialHeaderNames` names the fields that carry a vendor credential. The core fills
/// it in after the adapter authenticates the request; transports use it to strip those
/// fields before following a redirect to another host, and request logs to redact them.
public struct HTTPRequest: Sendable, Hashable {
    /// The method.
    public var method: HTTPMethod
    /// The absolute URL.
    public var url: URL
    /// The header fields.
    public var headers: HTTPHeaders
    /// The body, if any.
    public var body: Data?
    /// Names of the header fields that carry credentials (never forwarded off-host).
    public var credentialHeaderNames: Set<String>
    /// Whether sending this request twice is harmless. The core sets it before handing the
    /// request to a transport; a transport must never let a request that is not repeatable go
    /// out a second time on its own (see ``HTTPTransport``).
    public var isRepeatable: Bool = true

    /// Creates a request.
    public init(
        method: HTTPMethod = .get, url: URL, headers: HTTPHeaders = [:], body: Data? = nil,
        credentialHeaderNames: Set<String> = []
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.credentialHeaderNames = credentialHeaderNames
    }

    /// The headers with every credential value replaced by `[redacted]`.
    public var redactedHeaders: HTTPHeaders { headers.redacting(credentialHeaderNames) }

    /// `METHOD /path`, as errors show it: no query (signed URLs carry their signature there),
    /// no header, no host.
    public var line: String {
        let path = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? ""
        return "\(method.rawValue) \(path.isEmpty ? "/" : path)"
    }
}
