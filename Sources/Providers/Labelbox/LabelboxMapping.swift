import ExportGateway
import Foundation

/// A task object as `GetUserCreatedTasksPyApi` selects it.
///
/// Every selected field must be present (the SDK indexes each one). `id`, `status` and `type`
/// must be strings: Labelbox always sends them, and a task without them cannot be told apart
/// from another user's upload. The others may be `null`, but not of another type.
struct LabelboxTaskWire: Sendable {
    var id: String
    var status: String
    var type: String
    var name: String?
    var createdAt: Date?
    var updatedAt: Date?
    /// The vendor's reason when the task failed: a string, or any JSON.
    var errors: JSONValue
    var raw: JSONValue

    init(_ value: WireValue) throws {
        try value.requireSelected(LabelboxGraphQL.taskFields)
        id = try value.required("id").string()
        status = try value.required("status").string()
        type = try value.required("type").string()
        name = try value.optional("name")?.string()
        createdAt = try LabelboxMapping.date(value.optional("createdAt"))
        updatedAt = try LabelboxMapping.date(value.optional("updatedAt"))
        errors = value.json["errors"] ?? .null
        raw = value.json
    }

    /// Whether this task is an export, not one of the user's other tasks.
    var isExport: Bool { type == LabelboxMapping.exportTaskType }

    /// The task as an ``Export``; `source` is kept from the request when known, because
    /// Labelbox's task object does not say what was exported.
    func export(source: ExportSource? = nil) -> Export {
        let status = LabelboxStatus.exportStatus(self.status)
        var reason: String?
        if status == .failed || status == .canceled {
            reason =
                errors.stringValue ?? (errors.isNull ? nil : errors.description)
                ?? (status == .canceled ? "The export was canceled." : nil)
        }
        return Export(
            id: ExportID(rawValue: id), provider: .labelbox, name: name, status: status, rawStatus: self.status,
            format: .ndjson, source: source, createdAt: createdAt, updatedAt: updatedAt, failureReason: reason,
            providerFields: raw)
    }
}

/// Maps Labelbox's JSON (stream headers and chunks, data rows) onto the normalized model.
enum LabelboxMapping {
    /// The task type of streamable exports; a user's other tasks (uploads, bulk edits) are
    /// not exports.
    static let exportTaskType = "export-data-rows"

    /// A stream header (`totalSize`, `totalLines`; numbers or numeric strings, camel or snake
    /// case), or `nil` for a null header: the stream is empty. The size is required.
    static func streamInfo(from header: WireValue) throws -> RecordStreamInfo? {
        guard !header.json.isNull else { return nil }
        let sizeField =
            try header.optional("totalSize") ?? header.optional("total_size") ?? header.required("totalSize")
        let size = try integer(sizeField)
        guard size >= 0 else { throw sizeField.mismatch("a size of 0 or more") }
        // A zero size is an empty stream too, though the server should have sent null.
        guard size > 0 else { return nil }
        let lines = try header.optional("totalLines") ?? header.optional("total_lines")
        return RecordStreamInfo(totalBytes: size, totalLines: try lines.map(integer))
    }

    /// A stream chunk: its signed URL and the inclusive byte range it holds (both required),
    /// and the line range when sent.
    static func chunk(from value: WireValue) throws -> RecordChunk {
        let file = try value.required("file")
        guard let url = URL(string: try file.string()), url.scheme != nil else {
            throw file.mismatch("an absolute URL")
        }
        let offsets = try value.required("offsets")
        let start = try integer(offsets.required("start")), end = try integer(offsets.required("end"))
        guard 0 <= start, start <= end else {
            throw GatewayError(
                .decoding, message: "`\(offsets.path)` is not a byte range: start \(start), end \(end).")
        }
        var lines: ClosedRange<Int64>?
        if let range = try value.optional("lines") {
            let first = try integer(range.required("start")), last = try integer(range.required("end"))
            // A chunk cut inside a line may touch no whole line; its range is then only a hint.
            if first <= last { lines = first...last }
        }
        return RecordChunk(url: url, byteRange: start...end, lineRange: lines)
    }

    /// One RESULT line (a data row) as an ``Item``; the whole row stays in `providerFields`,
    /// and its text, when given, in `providerFieldsJSON`. `data_row.id` is required; the
    /// fields mapped may be absent, but not of another type.
    static func item(from line: JSONValue, text: Data? = nil) throws -> Item {
        let row = WireValue(answer: line)
        let dataRow = try row.required("data_row")
        let id = try dataRow.required("id").string()
        let details = try dataRow.optional("details")
        let workflow = try firstProject(of: row)?.optional("project_details")?.optional("workflow_status")?.string()
        let rowData = try dataRow.optional("row_data")?.string()
        let datasetID = try details?.optional("dataset_id")?.string()
        return Item(
            id: ItemID(rawValue: id), kind: .item,
            key: try dataRow.optional("global_key")?.string() ?? dataRow.optional("external_id")?.string(),
            dataset: datasetID.map(DatasetRef.init(rawValue:)),
            status: workflow.map(LabelboxStatus.itemStatus), rawStatus: workflow,
            mediaURL: rowData.flatMap { text in
                text.hasPrefix("http://") || text.hasPrefix("https://") ? URL(string: text) : nil
            },
            metadata: line["metadata_fields"], annotations: line["projects"],
            createdAt: try date(details?.optional("created_at")), providerFields: line, providerFieldsJSON: text)
    }

    /// One RESULT row as an ``Item``, as ``item(from:text:)`` maps it, read in place from the
    /// row's text: the tree is built only if someone reads `providerFields`, `metadata` or
    /// `annotations`. A row whose mapped members are not of the expected types is mapped by
    /// ``item(from:text:)``, which says which one is wrong.
    static func item(from row: RecordRow) throws -> Item {
        if let root = row.json, let item = try? itemInPlace(root, row: row.text) { return item }
        return try item(from: row.value, text: row.bytes)
    }

    private static let rowMembers = JSONMemberNames("data_row", "projects", "metadata_fields")
    private static let dataRowMembers = JSONMemberNames(
        "id", "details", "row_data", "global_key", "external_id")
    private static let detailsMembers = JSONMemberNames("dataset_id", "created_at")

    private static func itemInPlace(_ root: JSONView, row: JSONText) throws -> Item {
        let top = root.members(rowMembers)
        guard let dataRow = top[0], dataRow.isObject else { throw JSONUnexpectedShape() }
        let fields = dataRow.members(dataRowMembers)
        guard let id = fields[0]?.string else { throw JSONUnexpectedShape() }
        let details = try JSONView.optionalObject(fields[1]).map { $0.members(detailsMembers) }
        var workflow: String?
        if let projects = try JSONView.optionalObject(top[1]), let names = projects.rawMemberNames,
            let first = try firstProjectName(names)
        {
            guard let project = projects.member(first), project.isObject else { throw JSONUnexpectedShape() }
            workflow = try JSONView.optionalString(
                JSONView.optionalObject(project.member("project_details"))?.member("workflow_status"))
        }
        let rowData = try JSONView.optionalString(fields[2])
        let datasetID = try JSONView.optionalString(details?[0])
        let created = try JSONView.optionalString(details?[1])
        return Item(
            id: ItemID(rawValue: id), kind: .item,
            key: try JSONView.optionalString(fields[3]) ?? JSONView.optionalString(fields[4]),
            dataset: datasetID.map(DatasetRef.init(rawValue:)),
            status: workflow.map(LabelboxStatus.itemStatus), rawStatus: workflow,
            mediaURLCandidates: rowData.flatMap { $0.hasPrefix("http://") || $0.hasPrefix("https://") ? [$0] : nil }
                ?? [],
            metadata: top[2], annotations: top[1],
            createdAt: created.flatMap(ISO8601.date(from:)), row: row)
    }

    /// The first project id as `String`'s `<` orders them: plain ASCII ids only, where that
    /// is byte order.
    private static func firstProjectName(_ names: [String]) throws -> String? {
        guard names.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: "\\") } }) else {
            throw JSONUnexpectedShape()
        }
        return names.min()
    }

    /// The row's first project by id, whose details hold the workflow status.
    private static func firstProject(of row: WireValue) throws -> WireValue? {
        guard let projects = try row.optional("projects") else { return nil }
        guard let first = try projects.members().keys.min() else { return nil }
        return try projects.required(first)
    }

    /// An integer sent as a JSON number or a numeric string (the SDK reads both).
    static func integer(_ value: WireValue) throws -> Int64 {
        if let number = value.json.intValue ?? value.json.stringValue.flatMap({ Int64($0) }) { return number }
        throw value.mismatch("an integer or a numeric string")
    }

    /// A timestamp. It must be a string, but one in another format reads as unknown, as the
    /// SDK only warns about it (protocol notes 2.5).
    static func date(_ value: WireValue?) throws -> Date? {
        guard let text = try value?.string() else { return nil }
        return ISO8601.date(from: text)
    }
}
