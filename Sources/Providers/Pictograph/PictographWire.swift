import ExportGateway
import Foundation

// Pictograph's JSON objects as they arrive (snake_case), read from a parsed `JSONValue`.
// Every answer is wrapped as `{"data": ...}` (lists add `pagination`); the vendor's docs show
// bare objects and a bare array instead, so both shapes are read. Only an export's `id` is
// required: a missing or oddly typed optional field is ignored rather than fatal, because
// the SDK's strict model and the docs' examples disagree on which fields exist
// (protocol notes, section 7). Each export keeps its whole object as `raw`.

/// Unwrapping of the `{"data": ...}` envelope.
enum PictographEnvelope {
    /// `data` when the answer has a non-null one, else the answer itself (the docs' shape).
    static func payload(of json: JSONValue) -> JSONValue {
        if let data = json["data"], !data.isNull { return data }
        return json
    }
}

/// An export object (create, get by id or name, list elements).
struct PictographExportWire: Sendable {
    var id: String
    var name: String?
    /// `dataset_id`, or its older alias `project_id`.
    var datasetID: String?
    var datasetName: String?
    var format: String?
    var status: String?
    var errorMessage: String?
    var fileSize: Int64?
    var createdAt: Date?
    /// Not in the SDK's model, but sent by the server (and shown in the docs).
    var completedAt: Date?
    var downloadURL: String?
    var raw: JSONValue

    init(_ json: JSONValue) throws {
        guard json.objectValue != nil else { throw PictographWireError.notAnObject("an export") }
        id = try PictographWireError.requiredID(in: json)
        name = json["name"]?.stringValue
        datasetID = json["dataset_id"]?.stringValue ?? json["project_id"]?.stringValue
        datasetName = json["dataset_name"]?.stringValue
        format = json["format"]?.stringValue
        status = json["status"]?.stringValue
        errorMessage = json["error_message"]?.stringValue
        fileSize = json["file_size"]?.intValue
        createdAt = json["created_at"]?.stringValue.flatMap(ISO8601.date(from:))
        completedAt = json["completed_at"]?.stringValue.flatMap(ISO8601.date(from:))
        downloadURL = json["download_url"]?.stringValue
        raw = json
    }

    /// The export in a single-export answer, `{"data": Export}` (or a bare Export).
    init(answer json: JSONValue) throws {
        try self.init(PictographEnvelope.payload(of: json))
    }
}

/// One list page: `{"data": [Export, ...], "pagination": {"total", "limit", "offset", "has_more"}}`.
struct PictographPageWire: Sendable {
    /// The page's exports; a missing or null `data` is an empty page.
    var exports: [PictographExportWire]
    /// `pagination.has_more`, only when it is a JSON Boolean: the SDK trusts nothing else.
    var hasMore: Bool?

    init(_ json: JSONValue) throws {
        let elements: [JSONValue]
        switch json {
        case .array(let array):
            elements = array
        case .object:
            let data = json["data"] ?? .null
            guard data.isNull || data.arrayValue != nil else {
                throw GatewayError(
                    .decoding, message: "Pictograph's export list has a `data` that is not an array.")
            }
            elements = data.arrayValue ?? []
        default:
            throw PictographWireError.notAnObject("an export list")
        }
        exports = try elements.map { try PictographExportWire($0) }
        hasMore = json["pagination"]?["has_more"]?.boolValue
    }
}

/// A download answer: `{"data": {"download_url", "expires_at", "file_size"}}`.
struct PictographDownloadWire: Sendable {
    var url: URL
    /// When the signed URL stops working.
    var expiresAt: Date?
    /// The ZIP's exact size in bytes.
    var fileSize: Int64?

    init(_ json: JSONValue) throws {
        let data = PictographEnvelope.payload(of: json)
        guard data.objectValue != nil else { throw PictographWireError.notAnObject("a download location") }
        guard let text = data["download_url"]?.stringValue, !text.isEmpty, let url = URL(string: text),
            url.scheme != nil
        else {
            throw GatewayError(
                .decoding,
                message: "Pictograph's download answer has no usable `download_url`.")
        }
        self.url = url
        expiresAt = data["expires_at"]?.stringValue.flatMap(ISO8601.date(from:))
        fileSize = data["file_size"]?.intValue
    }
}

/// A bulk-delete answer: `{"data": {"succeeded": [...], "not_found": [...], "count": N}}`.
struct PictographBulkDeleteWire: Sendable {
    /// Ids that existed and are gone (`succeeded`, or the legacy `deleted`).
    var succeeded: [String]
    /// Ids unknown to the caller's organization, or already gone: not an error.
    var notFound: [String]

    init(_ json: JSONValue) throws {
        let data = PictographEnvelope.payload(of: json)
        guard data.objectValue != nil else { throw PictographWireError.notAnObject("a bulk-delete result") }
        succeeded = Self.ids(data["succeeded"] ?? data["deleted"])
        notFound = Self.ids(data["not_found"])
    }

    private static func ids(_ value: JSONValue?) -> [String] {
        value?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

/// Answers too malformed to map.
enum PictographWireError {
    static func notAnObject(_ what: String) -> GatewayError {
        GatewayError(.decoding, message: "Pictograph's answer for \(what) is not a JSON object.")
    }

    /// The export's `id`: a non-empty string (an integer is taken as its digits).
    static func requiredID(in json: JSONValue) throws -> String {
        if let id = json["id"]?.stringValue, !id.isEmpty { return id }
        if let number = json["id"]?.intValue { return String(number) }
        throw GatewayError(.decoding, message: "Pictograph sent an export without the required string `id`.")
    }
}
