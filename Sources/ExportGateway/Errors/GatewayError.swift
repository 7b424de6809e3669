import Foundation

/// The one error type every gateway call throws.
///
/// Compare ``kind`` to react; print the error to tell a person what failed, at which vendor,
/// on which resource, with which request, and what to do. The description is safe to log: the
/// core removes the API key from every message and never records a query string or header.
///
/// ```swift
/// do { try await gateway.wait(for: export, timeout: .seconds(600)) }
/// catch let error as GatewayError {
///     switch error.kind {
///     case .timeout: print("still", error.lastStatus.map { "\($0)" } ?? "unknown")
///     case .rateLimited: print("retry after", error.retryAfter as Any)
///     default: print(error)   // avala: could not read export e1: not found (HTTP 404, GET /api/v1/exports/e1/): …
///     }
/// }
/// ```
public struct GatewayError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; new kinds may be added without breaking a `switch` that has a `default`.
    public var kind: Kind
    /// The provider that answered, when one did.
    public var provider: ProviderID?
    /// The gateway call that failed, such as ``GatewayOperation/createExport``.
    public var operation: GatewayOperation?
    /// What the call was about: an export, a dataset, an item, a local file.
    public var resource: GatewayResource?
    /// The HTTP request that failed, as `METHOD /path` (no query, no header, no credential).
    public var requestLine: String?
    /// The HTTP status of the response the error came from, if any.
    public var httpStatus: Int?
    /// The vendor's request id (for support tickets), if it sent one.
    public var requestID: String?
    /// A human explanation: what happened and what to do.
    public var message: String
    /// For ``Kind/invalidRequest``: the rejected fields and why, keyed by field name
    /// (`"non_field_errors"` and the like stay as the vendor says).
    public var fieldErrors: [String: [String]]
    /// For ``Kind/rateLimited``: how long the vendor asked to wait, when it said.
    public var retryAfter: Duration?
    /// For ``Kind/timeout`` and ``Kind/notReady``: the export's last status seen.
    public var lastStatus: ExportStatus?
    /// For ``Kind/exportFailed``: the vendor's reason, when it gave one.
    public var failureReason: String?
    /// For ``Kind/unsupported``: what the provider cannot do, such as `filters.classes`.
    public var feature: String?
    /// The lower-level error this one wraps, such as a `URLError` or `DecodingError`.
    public var underlying: (any Error)?
    /// Whether the vendor may have carried out the request although no answer came back: a
    /// request that is not safe to repeat (a create without an idempotency key) was sent and
    /// its answer lost. Check before trying again (list the exports, read one by name).
    public var mayHaveTakenEffect = false

    /// Creates an error. The core stamps ``provider``, ``operation``, ``resource`` and
    /// ``requestLine`` where the call is made; adapters give the kind, message and details.
    public init(
        _ kind: Kind, provider: ProviderID? = nil, httpStatus: Int? = nil, requestID: String? = nil,
        message: String, fieldErrors: [String: [String]] = [:], retryAfter: Duration? = nil,
        lastStatus: ExportStatus? = nil, failureReason: String? = nil, feature: String? = nil,
        underlying: (any Error)? = nil
    ) {
        self.kind = kind
        self.provider = provider
        self.httpStatus = httpStatus
        self.requestID = requestID
        self.message = message
        self.fieldErrors = fieldErrors
        self.retryAfter = retryAfter
        self.lastStatus = lastStatus
        self.failureReason = failureReason
        self.feature = feature
        self.underlying = underlying
    }

    /// One sentence: who could not do what, why, and what to do, such as
    /// `avala: could not read export e1: not found (HTTP 404, GET /api/v1/exports/e1/): Not found. Check the id or name.`
    public var description: String {
        var text = provider.map { "\($0.rawValue): " } ?? ""
        if let operation {
            text += "could not " + operation.action + (resource.map { " \($0)" } ?? "") + ": "
        } else if let resource {
            text += "\(resource): "
        }
        text += summary
        let context = [httpStatus.map { "HTTP \($0)" }, requestLine].compactMap { $0 }
        if !context.isEmpty { text += " (" + context.joined(separator: ", ") + ")" }
        text += ": " + message
        if !fieldErrors.isEmpty {
            let fields = fieldErrors.keys.sorted().map { "\($0): \(fieldErrors[$0]!.joined(separator: " "))" }
            text += " [" + fields.joined(separator: "; ") + "]"
        }
        if let requestID { text += " (request id \(requestID))" }
        return text
    }

    /// The kind's name with its most useful detail, such as `timed out (last status running)`.
    var summary: String {
        switch kind {
        case .rateLimited: retryAfter.map { "rate limited (retry after \($0.formattedSeconds))" } ?? "rate limited"
        case .timeout: lastStatus.map { "timed out (last status \($0))" } ?? "timed out"
        case .notReady: lastStatus.map { "not ready (status \($0))" } ?? "not ready"
        case .unsupported: feature.map { "unsupported (\($0))" } ?? "unsupported"
        default: kind.description
        }
    }

    /// A copy whose texts no longer contain any of `secrets`.
    public func redacting(_ secrets: [String]) -> GatewayError {
        var copy = self
        copy.message = Redaction.redact(message, secrets: secrets)
        copy.fieldErrors = fieldErrors.mapValues { messages in messages.map { Redaction.redact($0, secrets: secrets) } }
        copy.failureReason = failureReason.map { Redaction.redact($0, secrets: secrets) }
        copy.requestLine = requestLine.map { Redaction.redact($0, secrets: secrets) }
        if let underlying, secrets.contains(where: { !$0.isEmpty && String(describing: underlying).contains($0) }) {
            copy.underlying = nil
        }
        return copy
    }

    /// A copy that names `provider`, `operation` and `resource` where it did not yet: the
    /// innermost stamp wins, so an error about a chunk inside a download keeps its own.
    func stamped(provider: ProviderID?, operation: GatewayOperation?, resource: GatewayResource?) -> GatewayError {
        var copy = self
        copy.provider = copy.provider ?? provider
        copy.operation = copy.operation ?? operation
        copy.resource = copy.resource ?? resource
        return copy
    }
}

extension GatewayError {
    /// Whether the same call may succeed if made again later: the vendor failed or was busy
    /// (`server`, `rateLimited`) or the network did (`transport`). The core already retried
    /// such failures where that was safe before throwing.
    public var isTransient: Bool {
        kind == .server || kind == .rateLimited || kind == .transport
    }

    /// An `invalidRequest` error for the fields named in `fieldErrors`.
    public static func invalidRequest(
        _ message: String, fieldErrors: [String: [String]] = [:], httpStatus: Int? = nil
    ) -> GatewayError {
        GatewayError(.invalidRequest, httpStatus: httpStatus, message: message, fieldErrors: fieldErrors)
    }

    /// An `unsupported` error naming `feature`.
    public static func unsupported(_ feature: String, message: String) -> GatewayError {
        GatewayError(.unsupported, message: message, feature: feature)
    }
}

extension Duration {
    /// `"7s"`, `"1.5s"`: seconds, for messages.
    var formattedSeconds: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int64(seconds))s" : String(format: "%.3gs", seconds)
    }
}

extension GatewayError {
    /// A `notReady` error for an export whose result was asked for before it completed.
    static func notReady(_ export: Export) -> GatewayError {
        let status = "Export \(export.id) is \(export.status)" + (export.rawStatus.map { " (\"\($0)\")" } ?? "")
        let message =
            switch export.status {
            case .completed: status + " but the vendor gave no result location yet. Read it again in a moment."
            case .failed, .canceled: status + ", so it has no result and never will. Create a new export."
            default: status + ", so it has no result yet. Wait for it to complete first (wait(for:timeout:))."
            }
        return GatewayError(.notReady, provider: export.provider, message: message, lastStatus: export.status)
    }
}
