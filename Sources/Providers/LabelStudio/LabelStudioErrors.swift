import ExportGateway
import Foundation

/// Reads Label Studio's error bodies.
///
/// Its API answers errors with an envelope, `{"id": <uuid>, "status_code", "version",
/// "detail", "exc_info"}`, adding `validation_errors` (nested like the request) for a 400
/// whose `detail` is then just `"Validation error"`; a few views answer a bare `{"detail"}`.
/// Routes without a trailing slash answer every "not found" with a 170 KB HTML page, which is
/// never parsed and never quoted.
enum LabelStudioErrors {
    /// `nil` for a 2xx; otherwise the standard error for the status, with Label Studio's
    /// message, field errors (`title` reported as the request's `name`) and the envelope's
    /// `id` as the request id.
    static func gatewayError(for response: HTTPResponse) -> GatewayError? {
        guard !response.isSuccess else { return nil }
        guard isJSON(response), let body = try? JSONValue(parsing: response.body) else {
            return GatewayError.standard(for: response, message: pageMessage(status: response.status))
        }
        let fieldErrors = body["validation_errors"].map { flatten($0, under: nil) } ?? [:]
        var message = body["detail"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if !fieldErrors.isEmpty && (message == nil || message == "Validation error") {
            message = "Label Studio rejected the request: " + summary(fieldErrors)
        }
        return GatewayError.standard(
            for: response, message: message, fieldErrors: fieldErrors,
            requestID: body["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Whether `error` is the tasks list's `404 "Invalid page."`: past the last page (the
    /// total can shrink while a pipeline pages), which ends the list.
    static func isPastLastPage(_ error: GatewayError) -> Bool {
        error.kind == .notFound && error.message.hasPrefix("Invalid page.")
    }

    /// Whether the body is JSON: a JSON content type, or none and a body that starts like one.
    /// An HTML page (the slash-less routes' 404) is not.
    private static func isJSON(_ response: HTTPResponse) -> Bool {
        if let type = response.headers["Content-Type"]?.lowercased() {
            return type.contains("json")
        }
        let first = response.body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    /// What a failure without a JSON body says: for a 404, the cases Label Studio answers so.
    private static func pageMessage(status: Int) -> String? {
        guard status == 404 else { return nil }
        return "Label Studio answered 404 with a page, not JSON: no such project, export or task, or an export that "
            + "is not completed yet."
    }

    /// `{field: [messages]}` nested like the request, flattened to `a.b` keys; `title` (the
    /// export's name on the wire) is `name`, as the request calls it.
    private static func flatten(_ value: JSONValue, under prefix: String?) -> [String: [String]] {
        switch value {
        case .object(let members):
            var result: [String: [String]] = [:]
            for (key, member) in members {
                let name = prefix.map { "\($0).\(key)" } ?? (key == "title" ? "name" : key)
                result.merge(flatten(member, under: name)) { $0 + $1 }
            }
            return result
        case .array(let elements) where elements.allSatisfy({ $0.objectValue == nil && $0.arrayValue == nil }):
            return [prefix ?? "non_field_errors": elements.map { $0.stringValue ?? $0.description }]
        case .array(let elements):
            var result: [String: [String]] = [:]
            for (index, element) in elements.enumerated() {
                result.merge(flatten(element, under: (prefix.map { "\($0)." } ?? "") + String(index))) { $0 + $1 }
            }
            return result
        default:
            return [prefix ?? "non_field_errors": [value.stringValue ?? value.description]]
        }
    }

    /// `name: This field may not be blank.; task_filter_options.annotated: ...`
    private static func summary(_ fieldErrors: [String: [String]]) -> String {
        fieldErrors.keys.sorted().map { field in
            let text = fieldErrors[field, default: []].joined(separator: " ")
            return field == "non_field_errors" ? text : "\(field): \(text)"
        }.joined(separator: "; ")
    }
}
