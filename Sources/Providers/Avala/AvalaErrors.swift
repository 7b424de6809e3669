import ExportGateway
import Foundation

/// Reads Avala's error bodies, which follow Django REST Framework:
/// `{"detail": "..."}` for most errors, `{field: [messages]}` for validation failures
/// (`non_field_errors` for cross-field ones), occasionally a bare array of messages, and
/// whatever a proxy sends (often HTML) for a 502 or 503.
enum AvalaErrors {
    /// `nil` for a 2xx; otherwise the standard error for the status, with Avala's message
    /// and field errors. A body that is not JSON gives the message `HTTP <status>`.
    static func gatewayError(for response: HTTPResponse) -> GatewayError? {
        guard !response.isSuccess else { return nil }
        let body = try? JSONValue(parsing: response.body)
        var message: String?
        var fieldErrors: [String: [String]] = [:]
        switch body {
        case .object(let object):
            if let detail = object["detail"]?.stringValue {
                message = detail
            } else if !object.isEmpty {
                fieldErrors = object.mapValues(messages(in:))
                message = rejection(fieldErrors)
            }
        case .array(let array) where !array.isEmpty:
            fieldErrors = ["non_field_errors": array.flatMap(messages(in:))]
            message = rejection(fieldErrors)
        case .string(let text):
            message = text
        default:
            message = nil
        }
        return GatewayError.standard(
            for: response, message: message, fieldErrors: fieldErrors, requestID: nil)
    }

    /// A field's messages: strings as they are, anything else as compact JSON text.
    private static func messages(in value: JSONValue) -> [String] {
        switch value {
        case .string(let text): [text]
        case .array(let elements): elements.flatMap(messages(in:))
        default: [value.description]
        }
    }

    /// `Avala rejected the request: name: This field is required.; format: ...`
    private static func rejection(_ fieldErrors: [String: [String]]) -> String {
        let parts = fieldErrors.keys.sorted().map { field in
            let text = fieldErrors[field, default: []].joined(separator: " ")
            return field == "non_field_errors" ? text : "\(field): \(text)"
        }
        return "Avala rejected the request: " + parts.joined(separator: "; ")
    }
}
