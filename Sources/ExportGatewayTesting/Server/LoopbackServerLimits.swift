/// The bounds a ``LoopbackHTTPServer`` puts on every connection, so that no client (a fuzzer,
/// a stalled test, a slowloris) can exhaust memory or hold a connection forever.
///
/// What happens past each bound:
/// - request line and headers larger than ``maxHeaderBytes``: `431 Request Header Fields Too Large`, then close;
/// - a body larger than ``maxBodyBytes`` (declared or chunked): `413 Content Too Large`, then close;
/// - a body that would take the bodies held by all connections together past
///   ``maxTotalBodyBytes``: `503 Service Unavailable` with `Retry-After: 1`, then close, its
///   bytes read and dropped, never kept (a declared length is checked before a byte of the body
///   is read, and before `100 Continue`; a chunked body as it grows);
/// - no byte for ``idleTimeout`` in the middle of a request (a slowloris, a body that never
///   comes), or a request not complete within ``requestTimeout``: `408 Request Timeout`, then
///   close;
/// - a keep-alive connection with no request for ``keepAliveTimeout``: closed silently (a new
///   connection waits for its first request for the longer of ``keepAliveTimeout`` and
///   ``requestTimeout``: a client that has just connected means to send).
///
/// The two idle bounds are apart on purpose: a stalled half request is an attack or a bug
/// and should end fast, while a quiet connection between requests is normal and closing it
/// early races the client reusing it.
///
/// ```swift
/// // Tests shorten the timeouts; the server's own socket timer does the waiting.
/// let limits = LoopbackServerLimits(idleTimeout: .milliseconds(150))
/// let server = try LoopbackHTTPServer(port: 0, limits: limits)
/// ```
public struct LoopbackServerLimits: Sendable, Hashable {
    /// The largest request head (request line, headers, final blank line) accepted, in bytes.
    public var maxHeaderBytes: Int
    /// The largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    /// The most request-body bytes the server holds at once across all its connections: what
    /// bounds its memory when many clients send large bodies together, which ``maxBodyBytes``
    /// alone (a per-request bound) does not.
    public var maxTotalBodyBytes: Int
    /// How long a request that has begun may go without a byte before it is refused (408).
    public var idleTimeout: Duration
    /// How long a kept-alive connection may wait for its next request before it is closed.
    public var keepAliveTimeout: Duration
    /// How long one request may take to arrive in full, however steadily it trickles in.
    public var requestTimeout: Duration

    /// Creates limits; the defaults suit a simulator serving a real client (32 KiB of
    /// headers, 16 MiB bodies, 64 MiB of bodies held at once, 30 s idle within a request and
    /// between requests, 60 s per request).
    public init(
        maxHeaderBytes: Int = 32 * 1024, maxBodyBytes: Int = 16 * 1024 * 1024,
        maxTotalBodyBytes: Int = 64 * 1024 * 1024, idleTimeout: Duration = .seconds(30),
        keepAliveTimeout: Duration = .seconds(30), requestTimeout: Duration = .seconds(60)
    ) {
        self.maxHeaderBytes = max(1, maxHeaderBytes)
        self.maxBodyBytes = max(0, maxBodyBytes)
        self.maxTotalBodyBytes = max(0, maxTotalBodyBytes)
        self.idleTimeout = idleTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.requestTimeout = requestTimeout
    }
}
