import ExportGateway
import Foundation

/// Reads Labelbox's errors, which mostly arrive inside an HTTP 200.
///
/// A GraphQL answer reports failures in `errors[]`, each with `extensions.code`; errors win
/// over `data`, and the first code the SDK knows wins over the others. A rate limit is a
/// top-level `message` starting "You have exceeded", whatever the status. Proxies send 5xx
/// and plain-text 401/429 bodies, which HTTP semantics alone describe.
enum LabelboxErrors {
    /// The error a response stands for, or `nil` for a clean answer.
    static func gatewayError(for response: HTTPResponse) -> GatewayError? {
        let body = mayCarryError(response) ? try? JSONValue(parsing: response.body) : nil
        let requestID = response.headers["X-Request-Id"].flatMap { $0.isEmpty ? nil : $0 }
        if let errors = body?["errors"]?.arrayValue, !errors.isEmpty, !(500...599).contains(response.status) {
            return graphQLError(errors, response: response, requestID: requestID)
        }
        if let message = body?["message"]?.stringValue, message.hasPrefix("You have exceeded") {
            return GatewayError(
                .rateLimited, httpStatus: response.status, requestID: requestID,
                message: "\(message.trimmingCharacters(in: .whitespaces)) Slow down and try again later.",
                retryAfter: RetryAfter.parse(response.headers["Retry-After"]))
        }
        guard !response.isSuccess else { return nil }
        let message = body?["errors"]?[0]?["message"]?.stringValue ?? body?["message"]?.stringValue
        return GatewayError.standard(for: response, message: message, requestID: requestID)
    }

    /// A clean answer needs no second parse unless it mentions `errors` or a `message` at all
    /// (spacing and layout vary, so only the member name is looked for).
    private static func mayCarryError(_ response: HTTPResponse) -> Bool {
        guard response.isSuccess else { return true }
        return response.body.range(of: Data("\"errors\"".utf8)) != nil
            || response.body.range(of: Data("\"message\"".utf8)) != nil
    }

    private static func graphQLError(_ errors: [JSONValue], response: HTTPResponse, requestID: String?) -> GatewayError
    {
        func error(_ kind: GatewayError.Kind, _ message: String, fieldErrors: [String: [String]] = [:]) -> GatewayError
        {
            GatewayError(
                kind, httpStatus: response.status, requestID: requestID, message: message, fieldErrors: fieldErrors,
                retryAfter: kind == .rateLimited ? RetryAfter.parse(response.headers["Retry-After"]) : nil)
        }
        let codes = errors.map { $0["extensions"]?["code"]?.stringValue }
        func first(_ code: String) -> JSONValue? {
            codes.firstIndex(of: code).map { errors[$0] }
        }
        func text(_ item: JSONValue) -> String {
            (item["message"]?.stringValue ?? "no message").trimmingCharacters(in: .whitespaces)
        }
        if first("AUTHENTICATION_ERROR") != nil {
            return error(
                .authentication, "Labelbox refused the API key. Check that LABELBOX_API_KEY holds a valid key.")
        }
        if let item = first("AUTHORIZATION_ERROR") {
            return error(
                .permissionDenied, "\(text(item)) The API key's user may not do this; ask an admin of the organization."
            )
        }
        for code in ["GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"] {
            if let item = first(code) {
                return error(.invalidRequest, "Labelbox rejected the query (\(code)): \(text(item))")
            }
        }
        if let item = first("RESOURCE_NOT_FOUND") {
            return error(.notFound, "\(text(item)) Check the id, and that this API key's user created the export.")
        }
        if let item = first("MALFORMED_REQUEST") {
            let details =
                item["errors"]?.arrayValue?.compactMap { $0["errorMessage"]?.stringValue ?? $0["message"]?.stringValue }
                ?? []
            let messages = details.isEmpty ? [text(item)] : details
            return error(
                .invalidRequest, "Labelbox rejected the request: \(messages.joined(separator: " "))",
                fieldErrors: ["input": messages])
        }
        for code in ["RESOURCE_CONFLICT", "OPERATION_NOT_ALLOWED"] {
            if let item = first(code) { return error(.invalidRequest, "Labelbox refused (\(code)): \(text(item))") }
        }
        if let item = first("INTERNAL_SERVER_ERROR") {
            let status = item["extensions"]?["exception"]?["status"]?.intValue
            switch status {
            case 400, 422: return error(.invalidRequest, "Labelbox rejected the request: \(text(item))")
            case 426: return error(.invalidRequest, "Labelbox does not allow this operation: \(text(item))")
            default:
                return error(
                    .server, "Labelbox had an internal error\(status.map { " (status \($0))" } ?? ""): \(text(item))")
            }
        }
        if let index = codes.firstIndex(where: { ["RATE_LIMITED", "TOO_MANY_REQUESTS"].contains($0) }) {
            return error(.rateLimited, text(errors[index]))
        }
        let described = zip(errors, codes).map { item, code in "\(code ?? "no code"): \(text(item))" }.joined(
            separator: "; ")
        guard response.isSuccess else {
            // An error without a known code says no more than its HTTP status does.
            return GatewayError.standard(
                for: response, message: "Labelbox: \(described)", requestID: requestID)
        }
        return error(.server, "Labelbox reported an error it did not classify: \(described)")
    }
}
