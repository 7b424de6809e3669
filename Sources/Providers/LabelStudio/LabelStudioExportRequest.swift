import ExportGateway
import Foundation

/// Label Studio's export formats, as an ``ExportFormat`` maps to them.
///
/// A snapshot is always stored as Label Studio's JSON (a one-line array of tasks); every
/// other format is a conversion of it, made when the file is downloaded
/// (`download?exportType=FMT`).
enum LabelStudioFormats {
    /// The stored format's name.
    static let stored = "JSON"

    /// The conversion to ask for, `nil` for the stored JSON: ``ExportFormat/native`` and
    /// ``ExportFormat/json`` (and `JSON`) are the stored file; ``ExportFormat/coco``,
    /// ``ExportFormat/yolo``, ``ExportFormat/pascalVOC`` and ``ExportFormat/csv`` are `COCO`,
    /// `YOLO`, `VOC` and `CSV`; any other word is Label Studio's own (`JSON_MIN`, `TSV`,
    /// `YOLO_OBB`, `COCO_WITH_IMAGES`...) and passes verbatim. Label Studio has no NDJSON.
    static func conversion(for format: ExportFormat) throws -> String? {
        switch format {
        case .native, .json, ExportFormat(rawValue: stored): return nil
        case .coco: return "COCO"
        case .yolo: return "YOLO"
        case .pascalVOC: return "VOC"
        case .csv: return "CSV"
        case .ndjson:
            throw LabelStudioProvider().unsupported(
                "format \(format)", advice: "It has no NDJSON export; ask for .native, its JSON array of tasks.")
        default:
            guard LabelStudioExportID.isFormatWord(Substring(format.rawValue)) else {
                throw LabelStudioProvider().unsupported(
                    "format \(format)",
                    advice: "Its format names are words such as JSON_MIN, CSV, COCO, YOLO or VOC.")
            }
            return format.rawValue
        }
    }
}

/// A checked `POST /api/projects/{pid}/exports/` request: everything that can be refused is
/// refused here, before any request is sent.
///
/// The body holds `title` when a name is given, `task_filter_options.finished` for an item
/// status filter, and the three option objects of ``optionKeys`` verbatim.
struct LabelStudioCreatePlan: Sendable {
    /// The `providerOptions` Label Studio honors, each an object sent as it is.
    static let optionKeys: Set<String> = ["task_filter_options", "annotation_filter_options", "serialization_options"]
    /// Label Studio's limit on a title.
    static let maxNameLength = 2048

    /// The project to export.
    var project: Int64
    /// The conversion the download asks for; `nil` for the stored JSON.
    var format: String?
    /// The JSON body.
    var body: JSONValue

    /// Checks `request` (the gateway has refused every filter but `itemStatuses`).
    /// Throws `unsupported` for `includeMedia`, an unknown option or a format Label Studio
    /// lacks, and `invalidRequest` for a source that is not a project id, a blank or too long
    /// name, item statuses it cannot express, or an option that is not an object.
    init(_ request: ExportRequest) throws {
        switch request.source {
        case .dataset(let ref): project = try LabelStudioProject.id(ref.rawValue, field: "source")
        case .project(let id): project = try LabelStudioProject.id(id, field: "source")
        }
        if request.includeMedia == true {
            throw LabelStudioProvider().unsupported(
                "includeMedia",
                advice: "Ask for format COCO_WITH_IMAGES or YOLO_WITH_IMAGES, whose ZIP holds the images.")
        }
        if let option = request.providerOptions.keys.sorted().first(where: { !Self.optionKeys.contains($0) }) {
            throw LabelStudioProvider().unsupported(
                "providerOptions.\(option)",
                advice: "Its export options are \(Self.optionKeys.sorted().joined(separator: ", ")).")
        }
        format = try request.format.flatMap(LabelStudioFormats.conversion(for:))

        var body: [String: JSONValue] = [:]
        var problems: [String: [String]] = [:]
        if let name = request.name {
            if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                problems["name", default: []].append("must not be blank")
            } else if name.count > Self.maxNameLength {
                problems["name", default: []].append("must be at most \(Self.maxNameLength) characters")
            } else {
                body["title"] = .string(name)
            }
        }
        for key in Self.optionKeys.sorted() {
            guard let value = request.providerOptions[key], !value.isNull else { continue }
            guard value.objectValue != nil else {
                problems["providerOptions.\(key)", default: []].append("must be an object, not \(value)")
                continue
            }
            body[key] = value
        }
        if let statuses = request.filters.itemStatuses {
            do {
                if let finished = try Self.finished(for: statuses) {
                    var options = body["task_filter_options"]?.objectValue ?? [:]
                    if options["finished"] != nil {
                        problems["filters.itemStatuses", default: []].append(
                            "is given again as providerOptions.task_filter_options.finished; give one of them")
                    }
                    options["finished"] = .string(finished)
                    body["task_filter_options"] = .object(options)
                }
            } catch let problem as Problem {
                problems["filters.itemStatuses", default: []].append(problem.text)
            }
        }
        guard problems.isEmpty else {
            let fields = problems.keys.sorted().map { "\($0) \(problems[$0, default: []].joined(separator: "; "))" }
            throw GatewayError.invalidRequest(
                "Label Studio cannot export this: " + fields.joined(separator: "; ") + ".", fieldErrors: problems)
        }
        self.body = .object(body)
    }

    private struct Problem: Error {
        var text: String
    }

    /// `task_filter_options.finished` for item statuses: a task is labeled (`.completed`) or
    /// not (`.notStarted`), so `only` or `exclude`, and both together need no filter.
    private static func finished(for statuses: [ItemStatus]) throws -> String? {
        let set = Set(statuses.map(\.description))
        guard !set.isEmpty else { throw Problem(text: "is empty, which would export nothing") }
        let known: Set<String> = [ItemStatus.completed.description, ItemStatus.notStarted.description]
        guard set.isSubset(of: known) else {
            throw Problem(
                text: "can hold only completed (labeled tasks) and notStarted (unlabeled tasks), not "
                    + set.subtracting(known).sorted().joined(separator: ", "))
        }
        if set.count == 2 { return nil }
        return set.contains(ItemStatus.completed.description) ? "only" : "exclude"
    }
}
