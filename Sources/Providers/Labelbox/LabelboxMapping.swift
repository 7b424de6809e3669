import ExportGateway
import Foundation

/// Maps Labelbox's JSON (tasks, data rows, stream chunks) onto the normalized model.
enum LabelboxMapping {
    /// The task type of streamable exports; a user's other tasks (uploads, bulk edits) are
    /// not exports.
    static let exportTaskType = "export-data-rows"

    /// An export task as an ``Export``; `source` is kept from the request when known,
    /// because Labelbox's task object does not say what was exported.
    static func export(from task: JSONValue, source: ExportSource? = nil) throws -> Export {
        guard let id = task["id"]?.stringValue else {
            throw GatewayError(.decoding, message: "A Labelbox task came without an `id`.")
        }
        let word = task["status"]?.stringValue ?? ""
        let status = LabelboxStatus.exportStatus(word)
        var reason: String?
        if status == .failed || status == .canceled {
            reason =
                task["errors"].flatMap { $0.stringValue ?? ($0.isNull ? nil : $0.description) }
                ?? (status == .canceled ? "The export was canceled." : nil)
        }
        return Export(
            id: ExportID(rawValue: id), provider: .labelbox, name: task["name"]?.stringValue, status: status,
            rawStatus: word, format: .ndjson, source: source,
            createdAt: task["createdAt"]?.stringValue.flatMap(ISO8601.date(from:)),
            updatedAt: task["updatedAt"]?.stringValue.flatMap(ISO8601.date(from:)),
            failureReason: reason, providerFields: task)
    }

    /// A stream header (`totalSize`, `totalLines`; numbers or numeric strings, camel or snake
    /// case), or `nil` for a null header: the stream is empty.
    static func streamInfo(from header: JSONValue?) throws -> RecordStreamInfo? {
        guard let header, !header.isNull else { return nil }
        guard let size = integer(header["totalSize"] ?? header["total_size"]), size >= 0 else {
            throw GatewayError(.decoding, message: "Labelbox's stream header has no readable `totalSize`: \(header).")
        }
        // A zero size is an empty stream too, though the server should have sent null.
        guard size > 0 else { return nil }
        return RecordStreamInfo(totalBytes: size, totalLines: integer(header["totalLines"] ?? header["total_lines"]))
    }

    /// A stream chunk: its signed URL and the inclusive byte and line ranges it holds.
    static func chunk(from value: JSONValue?) throws -> RecordChunk {
        guard let value, let text = value["file"]?.stringValue, let url = URL(string: text),
            let start = integer(value["offsets"]?["start"]), let end = integer(value["offsets"]?["end"]), start <= end
        else {
            throw GatewayError(
                .decoding, message: "Labelbox's stream chunk lacks a file URL or byte offsets: \(value ?? .null).")
        }
        var lines: ClosedRange<Int64>?
        if let first = integer(value["lines"]?["start"]), let last = integer(value["lines"]?["end"]), first <= last {
            lines = first...last
        }
        return RecordChunk(url: url, byteRange: start...end, lineRange: lines)
    }

    /// One RESULT line (a data row) as an ``Item``; the whole row stays in `providerFields`.
    static func item(from row: JSONValue) throws -> Item {
        guard let dataRow = row["data_row"], let id = dataRow["id"]?.stringValue else {
            throw GatewayError(.decoding, message: "A Labelbox export row has no `data_row.id`.")
        }
        let details = dataRow["details"]
        let project = row["projects"]?.objectValue?.sorted { $0.key < $1.key }.first?.value
        let workflow = project?["project_details"]?["workflow_status"]?.stringValue
        return Item(
            id: ItemID(rawValue: id), kind: .item,
            key: dataRow["global_key"]?.stringValue ?? dataRow["external_id"]?.stringValue,
            dataset: details?["dataset_id"]?.stringValue.map(DatasetRef.init(rawValue:)),
            status: workflow.map(LabelboxStatus.itemStatus), rawStatus: workflow,
            mediaURL: dataRow["row_data"]?.stringValue.flatMap { text in
                text.hasPrefix("http://") || text.hasPrefix("https://") ? URL(string: text) : nil
            },
            metadata: row["metadata_fields"], annotations: row["projects"],
            createdAt: details?["created_at"]?.stringValue.flatMap(ISO8601.date(from:)),
            providerFields: row)
    }

    /// An integer sent as a JSON number or a numeric string (the SDK reads both).
    static func integer(_ value: JSONValue?) -> Int64? {
        value?.intValue ?? value?.stringValue.flatMap { Int64($0) }
    }
}
