import ExportGateway
import Foundation

// Avala's JSON objects as they arrive (snake_case), read from a parsed `JSONValue`. Only
// `uid` is required; every other field is optional and an unexpected type in one is
// ignored rather than fatal, because Avala's docs and SDK disagree on which fields exist
// (protocol notes, section 7). Each struct also keeps the whole object as `raw`, for
// `providerFields`.

/// One list page: `{"next": url|null, "previous": url|null, "results": [...]}`.
struct AvalaPageWire<Element: Sendable>: Sendable {
    /// The page's elements; a missing or null `results` is an empty page.
    var results: [Element]
    /// The cursor token for the following page, taken from `next`; `nil` on the last page.
    var nextToken: String?

    init(_ json: JSONValue, element: (JSONValue) throws -> Element) throws {
        guard json.objectValue != nil else { throw AvalaWireError.notAnObject("a list page") }
        results = try (json["results"]?.arrayValue ?? []).map(element)
        nextToken = AvalaPaging.token(fromNext: json["next"]?.stringValue)
    }
}

/// An export object (`/exports/`, `/exports/{uid}/`).
struct AvalaExportWire: Sendable {
    var uid: String
    var name: String?
    var format: String?
    var status: String?
    var totalTaskCount: Int64?
    var exportedTaskCount: Int64?
    var downloadURL: String?
    var datasets: [String]?
    var projects: [String]?
    var createdAt: Date?
    var updatedAt: Date?
    var raw: JSONValue

    init(_ json: JSONValue) throws {
        uid = try AvalaWireError.requiredUID(in: json, of: "an export")
        name = json["name"]?.stringValue
        format = json["format"]?.stringValue
        status = json["status"]?.stringValue
        totalTaskCount = json["total_task_count"]?.intValue
        exportedTaskCount = json["exported_task_count"]?.intValue
        downloadURL = json["download_url"]?.stringValue
        datasets = json["datasets"]?.arrayValue?.compactMap(\.stringValue)
        projects = json["projects"]?.arrayValue?.compactMap(\.stringValue)
        createdAt = json["created_at"]?.stringValue.flatMap(ISO8601.date(from:))
        updatedAt = json["updated_at"]?.stringValue.flatMap(ISO8601.date(from:))
        raw = json
    }
}

/// A dataset item or sequence (`.../items/`, `.../sequences/` and their detail views).
///
/// Items carry the SDK's `url` or the docs' `data_url`; sequences carry `featured_image`.
struct AvalaItemWire: Sendable {
    var uid: String
    var key: String?
    var status: String?
    var url: String?
    var dataURL: String?
    var featuredImage: String?
    var metadata: JSONValue?
    var annotations: JSONValue?
    var createdAt: Date?
    var raw: JSONValue

    init(_ json: JSONValue) throws {
        uid = try AvalaWireError.requiredUID(in: json, of: "an item")
        key = json["key"]?.stringValue
        status = json["status"]?.stringValue
        url = json["url"]?.stringValue
        dataURL = json["data_url"]?.stringValue
        featuredImage = json["featured_image"]?.stringValue
        metadata = json["metadata"].flatMap { $0.isNull ? nil : $0 }
        annotations = json["annotations"].flatMap { $0.isNull ? nil : $0 }
        createdAt = json["created_at"]?.stringValue.flatMap(ISO8601.date(from:))
        raw = json
    }
}

/// A dataset (`/datasets/{uid}/`, `/datasets/{owner}/{slug}/`): only what addressing needs.
struct AvalaDatasetWire: Sendable {
    var uid: String?
    var slug: String?
    var ownerName: String?

    init(_ json: JSONValue) throws {
        guard json.objectValue != nil else { throw AvalaWireError.notAnObject("a dataset") }
        uid = json["uid"]?.stringValue
        slug = json["slug"]?.stringValue
        ownerName = json["owner_name"]?.stringValue
    }
}

/// Answers too malformed to map.
enum AvalaWireError {
    static func notAnObject(_ what: String) -> GatewayError {
        GatewayError(.decoding, message: "Avala's answer for \(what) is not a JSON object.")
    }

    static func requiredUID(in json: JSONValue, of what: String) throws -> String {
        guard let uid = json["uid"]?.stringValue, !uid.isEmpty else {
            throw GatewayError(.decoding, message: "Avala sent \(what) without the required string `uid`.")
        }
        return uid
    }
}
