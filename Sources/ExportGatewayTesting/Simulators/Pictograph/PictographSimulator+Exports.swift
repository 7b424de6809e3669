import ExportGateway
import Foundation

extension PictographSimulator {
    /// The 12 export format words, the SDK's `ExportFormat` order.
    static let formats = [
        "pictograph", "darwin", "coco", "yolo", "yolo_obb", "yolo_pose", "dota", "pascal_voc", "cvat", "datumaro",
        "labelme", "csv",
    ]

    /// The 4 export status words.
    static let statuses = ["pending", "processing", "completed", "failed"]

    /// Pictograph's words for a scripted export's phases. It has no canceled state (an
    /// aborted build is a failed one), and an export that never finishes says `processing`
    /// from its first read.
    static let scriptedWords = ScriptedWords(
        queued: "pending", running: "processing", completed: "completed", failed: "failed", canceled: nil,
        hanging: "processing")

    /// How long a completed export's ZIP is kept (`expires_at`, a soft TTL).
    static let resultLifetime: TimeInterval = 30 * 86_400

    /// One export and where its script has taken it.
    struct ExportRecord {
        var sequence: Int
        var id: String
        var organization: Organization
        var datasetID: String
        var datasetName: String
        /// What the create asked for: name, format and what goes into the ZIP.
        var request: CreateRequest
        var createdAt: Date
        var run: ScriptedRun
        /// `pending`, `processing`, `completed`, `failed`, or a scripted word.
        var status = "pending"
        var errorMessage: String?
        var fileSize: Int?
        var imageCount: Int?
        var annotationCount: Int?
        var completedAt: Date?
        var expiresAt: Date?
        /// The storage object holding the ZIP, once completed.
        var resultObject: String?

        var isTerminal: Bool { PictographSimulator.scriptedWords.isFinished(status) }
    }

    /// What a validated create asked for.
    struct CreateRequest {
        var name: String
        var format: String
        var includeImages: Bool
        var classFilter: [String]?
        var statusFilter: String?
        var organizeBySplit: Bool
    }

    /// Creates an export record in `dataset`; the caller holds the lock.
    func makeExport(in state: inout State, dataset: Dataset, request: CreateRequest) -> ExportRecord {
        let now = host.time.advance(by: 1)
        let sequence = state.exportsCreated
        state.exportsCreated += 1
        let record = ExportRecord(
            sequence: sequence, id: SimulatedID.uuid(namespace: Namespace.export, index: sequence),
            organization: dataset.organization, datasetID: dataset.id, datasetName: dataset.name, request: request,
            createdAt: now, run: ScriptedRun(next: &state.scripts, orCompletingAfter: pollsToComplete))
        state.exports.append(record)
        return record
    }

    /// One status read: moves the export along its script. Terminal states never change.
    func advance(_ record: inout ExportRecord, in state: State) {
        guard !record.isTerminal else { return }
        let before = record.status
        let phase = record.run.read(in: Self.scriptedWords)
        switch phase {
        case .completed: complete(&record, in: state)
        case .failed(let reason): fail(&record, reason)
        case .queued, .running, .canceled, .reporting: record.status = phase.word(in: Self.scriptedWords)
        }
        if record.status != before && record.completedAt == nil { host.time.advance(by: 1) }
    }

    private func fail(_ record: inout ExportRecord, _ reason: String) {
        record.status = "failed"
        record.errorMessage = reason
    }

    /// Builds the ZIP, stores it and fills in the completed fields.
    private func complete(_ record: inout ExportRecord, in state: State) {
        let now = host.time.advance(by: 1)
        guard let dataset = state.datasets.first(where: { $0.id == record.datasetID }) else {
            fail(&record, "dataset was deleted")
            return
        }
        let result =
            annotatedArchive(for: record, dataset: dataset)
            ?? PictographFixtures.archive(for: record, dataset: dataset)
        let object = "exports/\(Self.organizationID(record.organization))/\(record.id)/export.zip"
        host.storage.put(result.data, at: object)
        record.status = "completed"
        record.resultObject = object
        record.fileSize = result.data.count
        record.imageCount = result.imageCount
        record.annotationCount = result.annotationCount
        record.completedAt = now
        record.expiresAt = now.addingTimeInterval(Self.resultLifetime)
    }

    /// The export as Pictograph's JSON: every field present (`null` when unset).
    /// `download_url` is left out for the create response and otherwise holds a fresh
    /// signed URL once completed.
    func json(of record: ExportRecord, includeDownloadURL: Bool = true) -> JSONValue {
        func int(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
        func date(_ value: Date?) -> JSONValue { value.map { .string(ISO8601.string(from: $0)) } ?? .null }
        var object: [String: JSONValue] = [
            "id": .string(record.id), "dataset_id": .string(record.datasetID),
            "dataset_name": .string(record.datasetName), "name": .string(record.request.name),
            "format": .string(record.request.format), "include_images": .bool(record.request.includeImages),
            "class_filter": record.request.classFilter.map { .array($0.map(JSONValue.string)) } ?? .null,
            "status_filter": record.request.statusFilter.map(JSONValue.string) ?? .null,
            "status": .string(record.status), "error_message": record.errorMessage.map(JSONValue.string) ?? .null,
            "file_size": int(record.fileSize), "image_count": int(record.imageCount),
            "annotation_count": int(record.annotationCount),
            "created_at": date(record.createdAt), "completed_at": date(record.completedAt),
            "expires_at": date(record.expiresAt),
            "organization_id": .string(Self.organizationID(record.organization)),
        ]
        if includeDownloadURL {
            object["download_url"] = downloadLink(of: record).map { .string($0.url.absoluteString) } ?? .null
        }
        return .object(object)
    }

    /// A fresh signed URL for a completed export's ZIP.
    func downloadLink(of record: ExportRecord) -> (url: URL, expiresAt: Date)? {
        guard record.status == "completed", let object = record.resultObject else { return nil }
        return host.storage.signedURL(for: object)
    }
}
