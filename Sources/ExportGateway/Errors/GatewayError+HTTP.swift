import Foundation

extension GatewayError {
    /// The error HTTP semantics alone imply for a failed response: 401 authentication,
    /// 402/403 permission denied, 404 not found, 400/422 invalid request, 429 rate limited (with
    /// `Retry-After`), 5xx server. Adapters call it after reading their vendor's message and
    /// field errors from the body. A vendor message longer than ``maxVendorTextLength`` is cut
    /// there, so a runaway answer cannot flood a log line.
    public static func standard(
        for response: HTTPResponse, message: String?, fieldErrors: [String: [String]] = [:],
        requestID: String? = nil
    ) -> GatewayError {
        let status = response.status
        let kind: Kind
        let advice: String
        var retryAfter: Duration?
        switch status {
        case 401:
            kind = .authentication
            advice = "Check that the API key is set and valid for this provider."
        case 403:
            kind = .permissionDenied
            advice = "The key is valid but has no access to this resource; use a key with access."
        case 402:
            kind = .permissionDenied
            advice = "The account's plan or credits do not cover this; check billing with the vendor."
        case 404, 410:
            kind = .notFound
            advice = "Check the id or name."
        case 400, 409, 413, 422:
            kind = .invalidRequest
            advice = "Fix the request fields named here."
        case 429:
            kind = .rateLimited
            retryAfter = RetryAfter.parse(response.headers["Retry-After"])
            advice = "Wait and try again, or lower the request rate."
        case 500...599:
            kind = .server
            advice = "The vendor failed; try again later."
        case 300...399:
            kind = .server
            advice = "The vendor answered with a redirect the gateway does not follow for this request."
        default:
            kind = .server
            advice = "The vendor gave an unexpected answer."
        }
        var text =
            message.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
            ?? "HTTP \(status)"
        text = cut(text)
        if let last = text.last, !".!?".contains(last) { text += "." }
        let fields = kind == .invalidRequest ? fieldErrors.mapValues { $0.map(Self.cut) } : [:]
        return GatewayError(
            kind, httpStatus: status, requestID: requestID, message: "\(text) \(advice)", fieldErrors: fields,
            retryAfter: retryAfter)
    }

    /// The most characters of a vendor's own message kept in an error.
    public static let maxVendorTextLength = 500

    private static func cut(_ text: String) -> String {
        text.count > maxVendorTextLength ? text.prefix(maxVendorTextLength) + Redaction.cutMarker : text
    }
}

extension GatewayError {
    /// The error a storage host's refusal of a signed URL stands for. No key is ever sent to
    /// storage, so a 401 or 403 says the link itself was refused (expired, revoked, or its
    /// file removed), not that a key lacks access.
    /// - Parameter refreshed: whether the link was already a fresh one from the vendor.
    static func storage(for response: HTTPResponse, refreshed: Bool, host: String?) -> GatewayError {
        let host = host ?? "the storage host"
        switch response.status {
        case 401, 403:
            let when = refreshed ? "a fresh link from the vendor was refused too" : "the link was refused"
            return GatewayError(
                .permissionDenied, httpStatus: response.status,
                message:
                    "\(host) refused the signed download link (HTTP \(response.status)): it expired or was revoked, "
                    + "and \(when). Start the download again later; if it keeps failing, create a new export.")
        case 404, 410:
            return GatewayError(
                .notFound, httpStatus: response.status,
                message: "\(host) has no file behind the signed download link (HTTP \(response.status)): the export's "
                    + "result was removed or the link was revoked. Create a new export.")
        default:
            return .standard(for: response, message: "\(host) refused the download.")
        }
    }
}
