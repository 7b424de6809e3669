import ExportGateway
import Foundation

/// Reads Pictograph's error bodies.
///
/// The backend wraps every error as `{"error": {"code", "message", "details"}, "detail": ...}`,
/// keeping FastAPI's legacy `detail` alongside. Validation errors list fields in
/// `error.details.errors` and again in `detail`, as `[{"loc": ["body", "name"], "msg", "type"}]`.
/// Proxies in front of it send HTML or plain text, which carries no usable message.
enum PictographErrors {
    /// `nil` for a 2xx; otherwise the standard error for the status, with Pictograph's
    /// message, field errors and `X-Request-Id`.
    static func gatewayError(for response: HTTPResponse) -> GatewayError? {
        guard !response.isSuccess else { return nil }
        let body = try? JSONValue(parsing: response.body)
        let requestID = response.headers["X-Request-Id"].flatMap { $0.isEmpty ? nil : $0 }
        return GatewayError.standard(
            for: response, message: body.flatMap(message(in:)), fieldErrors: body.map(fieldErrors(in:)) ?? [:],
            requestID: requestID)
    }

    /// The message, first hit wins, in the SDK's order: `error.message`, `detail` (a
    /// string), `error` (a string), `message`, then `detail.message` or `detail.detail`.
    static func message(in body: JSONValue) -> String? {
        let candidates: [JSONValue?] = [
            body["error"]?["message"], body["detail"], body["error"], body["message"],
            body["detail"]?["message"], body["detail"]?["detail"],
        ]
        return candidates.lazy.compactMap { $0?.stringValue }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Field errors from `error.details.errors`, else from a `detail` list; items that are
    /// not objects are dropped. Keys are the `loc` path without its leading `body`, `query`
    /// or `path` (`["body", "name"]` is `name`, `["body", "class_filter", 0]` is
    /// `class_filter.0`), so they read like the request's own fields.
    static func fieldErrors(in body: JSONValue) -> [String: [String]] {
        let items = body["error"]?["details"]?["errors"]?.arrayValue ?? body["detail"]?.arrayValue ?? []
        var fieldErrors: [String: [String]] = [:]
        for item in items where item.objectValue != nil {
            let message =
                item["msg"]?.stringValue ?? item["message"]?.stringValue ?? item["type"]?.stringValue
                ?? item.description
            fieldErrors[field(of: item["loc"]), default: []].append(message)
        }
        return fieldErrors
    }

    private static func field(of loc: JSONValue?) -> String {
        let parts: [String] =
            loc?.arrayValue?.compactMap { part in
                part.stringValue ?? part.intValue.map(String.init)
            } ?? loc?.stringValue.map { [$0] } ?? []
        let trimmed = parts.first.map(["body", "query", "path"].contains) == true ? Array(parts.dropFirst()) : parts
        // A loc of just ["body"] means the body as a whole.
        if trimmed.isEmpty { return parts.first ?? "non_field_errors" }
        return trimmed.joined(separator: ".")
    }
}
