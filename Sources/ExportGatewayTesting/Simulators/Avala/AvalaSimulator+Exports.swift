import ExportGateway
import Foundation

extension AvalaSimulator {
    /// Avala's REST words for a scripted export's phases (the TypeScript vocabulary is
    /// applied when the export is rendered).
    static let scriptedWords = ScriptedWords(
        queued: "requested", running: "exporting", completed: "exported", failed: "failed", canceled: "aborted")

    /// One export job and where its script has taken it.
    struct ExportRecord {
        var sequence: Int
        var uid: String
        var name: String
        var format: String
        var datasets: [String]
        var projects: [String]
        var slices: [JSONValue]
        var filterQueryString: String?
        var createdAt: Date
        var updatedAt: Date
        var run: ScriptedRun
        /// The REST word (`requested`, `exporting`, ...) or a scripted word.
        var word = "requested"
        var totalTasks: Int?
        var exportedTasks: Int?
        var failureReason: String?
        var ownerKey: String
        var resultObject: String?

        var isTerminal: Bool { AvalaSimulator.scriptedWords.isFinished(word) }
    }

    /// Creates an export record from a validated request; the caller holds the lock.
    func makeExport(
        in state: inout State, name: String?, format: String?, datasets: [String], projects: [String],
        slices: [JSONValue], filterQueryString: String?, ownerKey: String
    ) -> ExportRecord {
        let now = host.time.advance(by: 1)
        let sequence = state.exports.count
        let record = ExportRecord(
            sequence: sequence, uid: SimulatedID.uuid(namespace: Namespace.export, index: sequence),
            name: name ?? "Export \(ISO8601.string(from: now).prefix(10))", format: format ?? "avala-json-external",
            datasets: datasets, projects: projects, slices: slices, filterQueryString: filterQueryString,
            createdAt: now, updatedAt: now,
            run: ScriptedRun(next: &state.scripts, orCompletingAfter: pollsToComplete), ownerKey: ownerKey)
        state.exports.append(record)
        return record
    }

    /// One status read: moves the export along its script. Terminal states never change.
    func advance(_ record: inout ExportRecord, in state: State) {
        guard !record.isTerminal else { return }
        let before = record.word
        let total = taskCount(of: record, in: state)
        let phase = record.run.read(in: Self.scriptedWords)
        record.word = phase.word(in: Self.scriptedWords)
        switch phase {
        case .running(let read, let finishesOn):
            record.totalTasks = total
            // An export that never finishes has exported nothing.
            record.exportedTasks = finishesOn.map { total * read / $0 } ?? 0
        case .completed:
            record.totalTasks = total
            record.exportedTasks = total
            record.resultObject = storeResult(of: record, in: state)
        case .failed(let reason):
            record.failureReason = reason
        case .queued, .canceled, .reporting:
            break
        }
        if record.word != before { record.updatedAt = host.time.advance(by: 1) }
    }

    /// The export as Avala's JSON, every documented field present (nulls included), plus
    /// `updated_at` as the SDK reads it and `failure_reason` for failed exports.
    func json(of record: ExportRecord) -> JSONValue {
        var downloadURL = JSONValue.null
        if record.word == "exported", let object = record.resultObject {
            downloadURL = .string(host.storage.signedURL(for: object).url.absoluteString)
        }
        return [
            "uid": .string(record.uid), "name": .string(record.name), "format": .string(record.format),
            "status": .string(word(record.word)),
            "total_task_count": record.totalTasks.map { .int(Int64($0)) } ?? .null,
            "exported_task_count": record.exportedTasks.map { .int(Int64($0)) } ?? .null,
            "download_url": downloadURL,
            "datasets": .array(record.datasets.map(JSONValue.string)),
            "projects": .array(record.projects.map(JSONValue.string)),
            "slices": .array(record.slices),
            "filter_query_string": record.filterQueryString.map(JSONValue.string) ?? .null,
            "organization": .null,
            "failure_reason": record.failureReason.map(JSONValue.string) ?? .null,
            "created_at": .string(ISO8601.string(from: record.createdAt)),
            "updated_at": .string(ISO8601.string(from: record.updatedAt)),
        ]
    }

    /// The REST word in the configured vocabulary.
    private func word(_ rest: String) -> String {
        guard vocabulary == .typescript else { return rest }
        switch rest {
        case "requested": return "pending"
        case "exporting": return "processing"
        case "exported": return "completed"
        default: return rest
        }
    }

    private func datasets(of record: ExportRecord, in state: State) -> [Dataset] {
        let uids =
            record.datasets + record.projects.compactMap { uid in state.projects.first { $0.uid == uid }?.datasetUID }
        return uids.compactMap { uid in state.datasets.first { $0.uid == uid } }
    }

    private func taskCount(of record: ExportRecord, in state: State) -> Int {
        datasets(of: record, in: state).reduce(0) { $0 + $1.itemCount }
    }

    /// Writes the result archive to storage and returns its object name.
    private func storeResult(of record: ExportRecord, in state: State) -> String {
        let datasets = datasets(of: record, in: state)
        var entries: [ZipArchive.Entry] = []
        if let seeded = annotatedEntries(format: record.format, datasets: datasets) {
            entries = seeded
        } else if record.format == "YOLO" {
            var classes = Set<String>()
            for dataset in datasets {
                for index in 0..<dataset.itemCount {
                    let item = AvalaFixtures.item(index, of: dataset)
                    var lines: [String] = []
                    for object in item["annotations"]?["objects"]?.arrayValue ?? [] {
                        let label = object["label"]?.stringValue ?? "object"
                        classes.insert(label)
                        let box = (object["bbox"]?.arrayValue ?? []).compactMap(\.doubleValue)
                        guard box.count == 4 else { continue }
                        let (x, y, w, h) = (box[0] / 1920, box[1] / 1080, box[2] / 1920, box[3] / 1080)
                        let classIndex = AvalaFixtures.labels.firstIndex(of: label) ?? 0
                        lines.append(String(format: "%d %.6f %.6f %.6f %.6f", classIndex, x + w / 2, y + h / 2, w, h))
                    }
                    let key = item["key"]?.stringValue ?? "item-\(index)"
                    let stem = key.split(separator: ".").dropLast().joined(separator: ".")
                    entries.append(
                        .init(
                            path: "\(dataset.slug)/labels/\(stem).txt",
                            contents: Data((lines.joined(separator: "\n") + "\n").utf8)))
                }
            }
            let names = AvalaFixtures.labels.enumerated().map { "  \($0.offset): \($0.element)" }.joined(
                separator: "\n")
            entries.insert(.init(path: "data.yaml", contents: Data("names:\n\(names)\n".utf8)), at: 0)
        } else {
            // Encoded item by item, so a large export never holds a tree of every item.
            for dataset in datasets {
                let header: JSONValue = [
                    "uid": .string(record.uid), "name": .string(record.name), "format": .string(record.format),
                ]
                let owner: JSONValue = [
                    "uid": .string(dataset.uid), "owner": .string(dataset.owner), "slug": .string(dataset.slug),
                ]
                var document = Data("{\"export\":".utf8)
                document.append(header.serialized())
                document.append(Data(",\"dataset\":".utf8))
                document.append(owner.serialized())
                document.append(Data(",\"items\":[".utf8))
                for index in 0..<dataset.itemCount {
                    if index > 0 { document.append(UInt8(ascii: ",")) }
                    document.append(AvalaFixtures.item(index, of: dataset).serialized())
                }
                document.append(Data("]}".utf8))
                entries.append(.init(path: "\(dataset.slug).json", contents: document))
            }
        }
        let object = "exports/\(record.uid)/\(record.uid).zip"
        host.storage.put(ZipArchive.make(entries), at: object)
        return object
    }
}
