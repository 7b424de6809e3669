import Foundation

extension GatewayError {
    /// The error HTTP semantics alone imply for a failed response: 401 authentication,
    /// 402/403 permission denied, 404 not found, 400/422 invalid request, 429 rate limited (with
    /// `Retry-After`), 5xx server. Adapters call it after reading their vendor's message and
    /// field errors from the body.
    public static func standard(
        for response: HTTPResponse, message: String?, fieldErrors: [String: [String]] = [:],
        requestID: String? = nil, provider: ProviderID? = nil
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
        if let last = text.last, !".!?".contains(last) { text += "." }
        return GatewayError(
            kind, provider: provider, httpStatus: status, requestID: requestID, message: "\(text) \(advice)",
            fieldErrors: kind == .invalidRequest ? fieldErrors : [:], retryAfter: retryAfter)
    }
}
