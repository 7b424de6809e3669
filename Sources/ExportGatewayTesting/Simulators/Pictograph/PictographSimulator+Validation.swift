import ExportGateway
import Foundation

extension PictographSimulator {
    /// The last value of query parameter `name`, form-decoded (`+` is a space).
    func formValue(_ request: SimulatedRequest, _ name: String) -> String? {
        guard let query = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.percentEncodedQuery else {
            return nil
        }
        func decode(_ text: Substring) -> String {
            let spaced = text.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
        var value: String?
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if decode(parts[0]) == name { value = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return value
    }

    /// The create body's dataset name and settings, or `nil` with `errors` filled in.
    func parseCreate(_ body: Data, errors: inout [JSONValue]) -> (String, CreateRequest)? {
        guard let object = bodyObject(body, errors: &errors) else { return nil }
        var reader = BodyReader(object: object)
        let datasetName = reader.string("dataset_name", required: true)
        let name = reader.string("name", required: true)
        if let name {
            let length = name.unicodeScalars.count  // as Python's len() counts
            if length < 1 {
                reader.fail("name", "String should have at least 1 character", "string_too_short")
            } else if length > 100 {
                reader.fail("name", "String should have at most 100 characters", "string_too_long")
            }
        }
        var format = "pictograph"
        if let value = object["format"] {
            if let word = value.stringValue, Self.formats.contains(word) {
                format = word
            } else {
                reader.fail("format", "Input should be \(Self.choices(Self.formats))", "enum")
            }
        }
        let includeImages = reader.bool("include_images")
        let classFilter = reader.stringList("class_filter", required: false)
        let statusFilter = reader.string("status_filter", required: false)
        let organizeBySplit = reader.bool("organize_by_split", nullable: true)
        errors = reader.errors
        guard errors.isEmpty, let datasetName, let name else { return nil }
        return (
            datasetName,
            CreateRequest(
                name: name, format: format, includeImages: includeImages, classFilter: classFilter,
                statusFilter: statusFilter, organizeBySplit: organizeBySplit)
        )
    }

    /// The bulk delete body's export ids (empty, with `errors` filled in, when invalid).
    func parseBulkDelete(_ body: Data, errors: inout [JSONValue]) -> [String] {
        guard let object = bodyObject(body, errors: &errors) else { return [] }
        var reader = BodyReader(object: object)
        let ids = reader.stringList("export_ids", required: true) ?? []
        errors = reader.errors
        if errors.isEmpty && ids.isEmpty {
            errors.append(
                Self.fieldError(
                    ["body", "export_ids"], "List should have at least 1 item after validation, not 0", "too_short"))
        }
        return ids
    }

    /// The body as a JSON object, or `nil` with the FastAPI error for a missing, malformed
    /// or non-object body.
    private func bodyObject(_ body: Data, errors: inout [JSONValue]) -> [String: JSONValue]? {
        guard !body.isEmpty else {
            errors.append(Self.fieldError(["body"], "Field required", "missing"))
            return nil
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            let offset = (error as? JSONParseError)?.offset ?? 0
            errors.append(Self.fieldError(["body", .int(Int64(offset))], "JSON decode error", "json_invalid"))
            return nil
        }
        guard let object = json.objectValue else {
            errors.append(
                Self.fieldError(
                    ["body"], "Input should be a valid dictionary or object to extract fields from",
                    "model_attributes_type"))
            return nil
        }
        return object
    }

    /// An integer query parameter within `range`, or its default; a FastAPI error otherwise.
    func integer(
        _ request: SimulatedRequest, _ name: String, default fallback: Int, range: ClosedRange<Int>,
        errors: inout [JSONValue]
    ) -> Int {
        guard let text = formValue(request, name) else { return fallback }
        guard let value = Int(text) else {
            errors.append(
                Self.fieldError(
                    ["query", .string(name)], "Input should be a valid integer, unable to parse string as an integer",
                    "int_parsing"))
            return fallback
        }
        if value < range.lowerBound {
            errors.append(
                Self.fieldError(
                    ["query", .string(name)], "Input should be greater than or equal to \(range.lowerBound)",
                    "greater_than_equal"))
        } else if value > range.upperBound {
            errors.append(
                Self.fieldError(
                    ["query", .string(name)], "Input should be less than or equal to \(range.upperBound)",
                    "less_than_equal"))
        }
        return value
    }

    /// Pydantic's wording for an enum: `'a', 'b' or 'c'`.
    static func choices(_ words: [String]) -> String {
        let quoted = words.map { "'\($0)'" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }
}

/// Reads a JSON body's fields the way Pydantic validates a model, collecting every error.
private struct BodyReader {
    let object: [String: JSONValue]
    var errors: [JSONValue] = []

    mutating func fail(_ field: String, _ message: String, _ type: String, index: Int? = nil) {
        var loc: [JSONValue] = ["body", .string(field)]
        if let index { loc.append(.int(Int64(index))) }
        errors.append(PictographSimulator.fieldError(loc, message, type))
    }

    /// A field's value to check: `nil` when it is absent (an error if `required`) or an
    /// optional field's `null`.
    private mutating func value(_ field: String, required: Bool) -> JSONValue? {
        switch object[field] {
        case nil:
            if required { fail(field, "Field required", "missing") }
            return nil
        case .null where !required:
            return nil
        case let value?:
            return value
        }
    }

    /// A string field; `null` is allowed only when the field is optional.
    mutating func string(_ field: String, required: Bool) -> String? {
        guard let value = value(field, required: required) else { return nil }
        guard case .string(let text) = value else {
            fail(field, "Input should be a valid string", "string_type")
            return nil
        }
        return text
    }

    /// A Boolean field that defaults to `false` when absent (and when `null`, if `nullable`).
    mutating func bool(_ field: String, nullable: Bool = false) -> Bool {
        switch object[field] {
        case nil: return false
        case .null where nullable: return false
        case .bool(let flag)?: return flag
        default:
            fail(field, "Input should be a valid boolean", "bool_type")
            return false
        }
    }

    /// A list of strings; `null` or absent is `nil` unless `required`.
    mutating func stringList(_ field: String, required: Bool) -> [String]? {
        guard let value = value(field, required: required) else { return nil }
        guard case .array(let elements) = value else {
            fail(field, "Input should be a valid list", "list_type")
            return nil
        }
        var strings: [String] = []
        for (index, element) in elements.enumerated() {
            if let text = element.stringValue {
                strings.append(text)
            } else {
                fail(field, "Input should be a valid string", "string_type", index: index)
            }
        }
        return strings
    }
}
