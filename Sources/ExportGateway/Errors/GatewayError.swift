import Foundation

/// The one error type every gateway call throws.
///
/// Switch on ``kind`` to react; print the error to tell a person what happened, to which
/// resource, at which vendor, and what to do. The description is safe to log: the core
/// removes the API key from every message before the error leaves the gateway.
///
/// ```swift
/// do { try await gateway.wait(for: export, timeout: .seconds(600)) }
/// catch let error as GatewayError {
///     if case .timeout(let lastStatus) = error.kind { print("still", lastStatus as Any) }
/// }
/// ```
public struct GatewayError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, with the data needed to react.
    public enum Kind: Sendable, Equatable {
        /// The API key is missing, malformed or refused (HTTP 401).
        case authentication
        /// The key is valid but may not touch this resource (HTTP 403).
        case permissionDenied
        /// The export, dataset or item does not exist (HTTP 404).
        case notFound
        /// The vendor (or the adapter, before sending) rejected the request's fields.
        /// Keys are field names; `"non_field_errors"` and the like stay as the vendor says.
        case invalidRequest(fieldErrors: [String: [String]])
        /// Too many requests; wait `retryAfter` (when the vendor says) before trying again.
        case rateLimited(retryAfter: Duration?)
        /// The vendor failed (HTTP 5xx) or answered with something it should not have.
        case server
        /// No usable response: connection refused or dropped, DNS, TLS, idle timeout.
        case transport
        /// A wait ran out of time; the export may still be running. Carries the last status seen.
        case timeout(lastStatus: ExportStatus?)
        /// The vendor reports the export failed or was canceled; carries the vendor's reason.
        case exportFailed(reason: String?)
        /// The provider cannot do this (a missing feature, or a request field it cannot honor).
        case unsupported(feature: String)
        /// A response did not have the shape the adapter expects.
        case decoding
        /// The gateway's configuration is incomplete or wrong; the message says what to set.
        case configuration
        /// A downloaded file did not match what the vendor promised (size, checksum).
        case integrity
    }

    /// What went wrong.
    public var kind: Kind
    /// The provider that answered, when one did.
    public var provider: ProviderID?
    /// The HTTP status of the response the error came from, if any.
    public var httpStatus: Int?
    /// The vendor's request id (for support tickets), if it sent one.
    public var requestID: String?
    /// A human explanation: what happened and what to do.
    public var message: String
    /// The lower-level error this one wraps, such as a `URLError` or `DecodingError`.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(
        _ kind: Kind, provider: ProviderID? = nil, httpStatus: Int? = nil, requestID: String? = nil,
        message: String, underlying: (any Error)? = nil
    ) {
        self.kind = kind
        self.provider = provider
        self.httpStatus = httpStatus
        self.requestID = requestID
        self.message = message
        self.underlying = underlying
    }

    /// A one-line summary such as `avala: not found (HTTP 404): Not found.`.
    public var description: String {
        var text = provider.map { "\($0.rawValue): " } ?? ""
        text += kind.summary
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        text += ": " + message
        if case .invalidRequest(let fieldErrors) = kind, !fieldErrors.isEmpty {
            let fields = fieldErrors.keys.sorted().map { "\($0): \(fieldErrors[$0]!.joined(separator: " "))" }
            text += " [" + fields.joined(separator: "; ") + "]"
        }
        if let requestID { text += " (request id \(requestID))" }
        return text
    }

    /// A copy whose message and field errors no longer contain any of `secrets`.
    public func redacting(_ secrets: [String]) -> GatewayError {
        var copy = self
        copy.message = Redaction.redact(message, secrets: secrets)
        if case .invalidRequest(let fieldErrors) = kind {
            copy.kind = .invalidRequest(fieldErrors: fieldErrors.mapValues { messages in
                messages.map { Redaction.redact($0, secrets: secrets) }
            })
        }
        if let underlying, secrets.contains(where: { !$0.isEmpty && String(describing: underlying).contains($0) }) {
            copy.underlying = nil
        }
        return copy
    }
}

extension GatewayError {
    /// Whether the same call may succeed if made again later: the vendor failed or was busy
    /// (`server`, `rateLimited`) or the network did (`transport`). The core already retried
    /// such failures where that was safe before throwing.
    public var isTransient: Bool {
        switch kind {
        case .server, .rateLimited, .transport: true
        default: false
        }
    }
}

extension GatewayError.Kind {
    /// A short lowercase name for the kind, used in descriptions.
    public var summary: String {
        switch self {
        case .authentication: "authentication failed"
        case .permissionDenied: "permission denied"
        case .notFound: "not found"
        case .invalidRequest: "invalid request"
        case .rateLimited(let retryAfter):
            retryAfter.map { "rate limited (retry after \($0.formattedSeconds))" } ?? "rate limited"
        case .server: "server error"
        case .transport: "transport error"
        case .timeout(let lastStatus):
            lastStatus.map { "timed out (last status \($0))" } ?? "timed out"
        case .exportFailed: "export failed"
        case .unsupported(let feature): "unsupported (\(feature))"
        case .decoding: "unexpected response"
        case .configuration: "configuration error"
        case .integrity: "integrity check failed"
        }
    }
}

extension Duration {
    /// `"7s"`, `"1.5s"`: seconds, for messages.
    var formattedSeconds: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int64(seconds))s" : String(format: "%.3gs", seconds)
    }
}
