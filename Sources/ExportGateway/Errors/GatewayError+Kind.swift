extension GatewayError {
    /// What went wrong, as a value to compare: `error.kind == .notFound`, or a `switch` with
    /// a `default`.
    ///
    /// A struct over a private enum, so that a later version can add kinds without breaking
    /// any caller. The details a kind needs travel on the error itself
    /// (``GatewayError/fieldErrors``, ``GatewayError/retryAfter``, ``GatewayError/lastStatus``,
    /// ``GatewayError/failureReason``, ``GatewayError/feature``).
    public struct Kind: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        private enum Base: Sendable, Hashable, CaseIterable {
            case authentication, permissionDenied, notFound, invalidRequest, rateLimited, server, transport
            case timeout, exportFailed, notReady, unsupported, decoding, configuration, integrity, localFile
            case limitExceeded
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The API key is missing, malformed or refused (HTTP 401).
        public static let authentication = Kind(.authentication)
        /// The key is valid but may not touch this resource (HTTP 403).
        public static let permissionDenied = Kind(.permissionDenied)
        /// The export, dataset or item does not exist (HTTP 404).
        public static let notFound = Kind(.notFound)
        /// The vendor (or the adapter, before sending) rejected the request's fields; see
        /// ``GatewayError/fieldErrors``.
        public static let invalidRequest = Kind(.invalidRequest)
        /// Too many requests; wait ``GatewayError/retryAfter`` (when the vendor says) before trying again.
        public static let rateLimited = Kind(.rateLimited)
        /// The vendor failed (HTTP 5xx) or answered with something it should not have.
        public static let server = Kind(.server)
        /// No usable response: connection refused or dropped, DNS, TLS, idle timeout.
        public static let transport = Kind(.transport)
        /// A wait ran out of time; the export may still be running (``GatewayError/lastStatus``).
        public static let timeout = Kind(.timeout)
        /// The vendor reports the export failed or was canceled (``GatewayError/failureReason``).
        public static let exportFailed = Kind(.exportFailed)
        /// The export has not completed, so its result cannot be read yet: wait for it first
        /// (``GatewayError/lastStatus`` is the status it was in).
        public static let notReady = Kind(.notReady)
        /// The provider cannot do this (``GatewayError/feature``): a missing feature, or a
        /// request field it cannot honor.
        public static let unsupported = Kind(.unsupported)
        /// A response did not have the shape the adapter expects.
        public static let decoding = Kind(.decoding)
        /// The gateway's configuration is incomplete or wrong; the message says what to set.
        public static let configuration = Kind(.configuration)
        /// A downloaded file did not match what the vendor promised (size, checksum).
        public static let integrity = Kind(.integrity)
        /// A local file could not be written, moved or created: disk full, a read-only or
        /// missing folder, a destination that is a folder or a device.
        public static let localFile = Kind(.localFile)
        /// A bounded collection (`collect(upTo:)`) saw more elements than its bound.
        public static let limitExceeded = Kind(.limitExceeded)

        /// Every kind this version of the library knows, for tables that must cover them all
        /// (a later version may add more).
        public static let allCases: [Kind] = Base.allCases.map(Kind.init)

        /// A short lowercase name, such as `not found`.
        public var description: String {
            switch base {
            case .authentication: "authentication failed"
            case .permissionDenied: "permission denied"
            case .notFound: "not found"
            case .invalidRequest: "invalid request"
            case .rateLimited: "rate limited"
            case .server: "server error"
            case .transport: "transport error"
            case .timeout: "timed out"
            case .exportFailed: "export failed"
            case .notReady: "not ready"
            case .unsupported: "unsupported"
            case .decoding: "unexpected response"
            case .configuration: "configuration error"
            case .integrity: "integrity check failed"
            case .localFile: "local file error"
            case .limitExceeded: "limit exceeded"
            }
        }
    }
}
