import ExportGateway
import Foundation

// Pictograph's JSON objects as they arrive (snake_case), read through `WireValue`. Every
// answer is wrapped as `{"data": ...}` (lists add `pagination`); the vendor's docs show bare
// objects and a bare array instead, so both shapes are read. What every shape carries is
// required: an export's `id`, `name`, `status` and `created_at`, a list's `data`, a
// download's `download_url`, a bulk delete's two id lists. The SDK's other required export
// fields (`dataset_id`, `dataset_name`, `format`) are missing from the docs' shapes, so they
// stay optional (protocol notes, section 7). An optional field may be absent or `null`, but
// one that is there with another type is a decoding error, not a silent blank. Each export
// keeps its whole object as `raw`.

/// Unwrapping of the `{"data": ...}` envelope.
enum PictographEnvelope {
    /// `data` when the answer has that member (which must then hold the payload: `null` is
    /// not an empty answer), else the answer itself (the docs' bare shape).
    static func payload(of answer: WireValue) throws -> WireValue {
        try answer.members()["data"] == nil ? answer : answer.required("data")
    }
}

/// An export object (create, get by id or name, list elements).
struct PictographExportWire: Sendable {
    var id: String
    var name: String
    /// `dataset_id`, or its older alias `project_id`.
    var datasetID: String?
    var datasetName: String?
    var format: String?
    var status: String
    var errorMessage: String?
    var fileSize: Int64?
    var createdAt: Date?
    /// Not in the SDK's model, but sent by the server (and shown in the docs).
    var completedAt: Date?
    var downloadURL: String?
    var raw: JSONValue

    init(_ value: WireValue) throws {
        id = try Self.id(in: value)
        name = try value.required("name").string()
        datasetID = try (value.optional("dataset_id") ?? value.optional("project_id"))?.string()
        datasetName = try value.optional("dataset_name")?.string()
        format = try value.optional("format")?.string()
        status = try value.required("status").string()
        errorMessage = try value.optional("error_message")?.string()
        fileSize = try value.optional("file_size")?.integer()
        createdAt = try Self.date(value.required("created_at"))
        completedAt = try Self.date(value.optional("completed_at"))
        downloadURL = try value.optional("download_url")?.string()
        raw = value.json
    }

    /// The export in a single-export answer, `{"data": Export}` (or a bare Export).
    init(answer: WireValue) throws {
        try self.init(PictographEnvelope.payload(of: answer))
    }

    /// The export's `id`: a non-empty string (an integer is taken as its digits).
    private static func id(in value: WireValue) throws -> String {
        let field = try value.required("id")
        if let number = field.json.intValue { return String(number) }
        let id = try field.string()
        guard !id.isEmpty else { throw field.mismatch("a non-empty string") }
        return id
    }

    /// A timestamp. It must be a string, but one that is not ISO-8601 reads as unknown: a
    /// timestamp only informs, so an odd one should not fail the whole answer.
    static func date(_ value: WireValue?) throws -> Date? {
        guard let text = try value?.string() else { return nil }
        return ISO8601.date(from: text)
    }
}

/// One list page: `{"data": [Export, ...], "pagination": {"total", "limit", "offset", "has_more"}}`.
struct PictographPageWire: Sendable {
    /// The page's exports. `data` is required: a page without it is not an empty page.
    var exports: [PictographExportWire]
    /// `pagination.has_more`, only when it is a JSON Boolean: the SDK trusts nothing else,
    /// and reads any other value as absent.
    var hasMore: Bool?

    init(_ answer: WireValue) throws {
        // The docs' shape is a bare array; the SDK's wraps it in `data`.
        let list = answer.json.arrayValue != nil ? answer : try answer.required("data")
        exports = try list.elements().map { try PictographExportWire($0) }
        hasMore = answer.json["pagination"]?["has_more"]?.boolValue
    }
}

/// A download answer: `{"data": {"download_url", "expires_at", "file_size"}}`.
struct PictographDownloadWire: Sendable {
    var url: URL
    /// When the signed URL stops working.
    var expiresAt: Date?
    /// The ZIP's exact size in bytes.
    var fileSize: Int64?

    init(_ answer: WireValue) throws {
        let data = try PictographEnvelope.payload(of: answer)
        let field = try data.required("download_url")
        guard let url = URL(string: try field.string()), url.scheme != nil else {
            throw field.mismatch("an absolute URL")
        }
        self.url = url
        expiresAt = try PictographExportWire.date(data.optional("expires_at"))
        fileSize = try data.optional("file_size")?.integer()
    }
}

/// A bulk-delete answer: `{"data": {"succeeded": [...], "not_found": [...], "count": N}}`.
struct PictographBulkDeleteWire: Sendable {
    /// Ids that existed and are gone (`succeeded`, or the legacy `deleted`).
    var succeeded: [String]
    /// Ids unknown to the caller's organization, or already gone: not an error.
    var notFound: [String]

    init(_ answer: WireValue) throws {
        let data = try PictographEnvelope.payload(of: answer)
        // Both lists are required: without `not_found`, a delete of an unknown id would pass
        // for done.
        let succeeded = try data.optional("succeeded") ?? data.optional("deleted") ?? data.required("succeeded")
        self.succeeded = try Self.ids(succeeded)
        notFound = try Self.ids(data.required("not_found"))
    }

    private static func ids(_ list: WireValue) throws -> [String] {
        try list.elements().map { try $0.string() }
    }
}
