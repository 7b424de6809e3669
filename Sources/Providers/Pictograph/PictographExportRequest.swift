import ExportGateway
import Foundation

/// A checked `POST /api/v1/developer/exports/` body: everything that can be refused is
/// refused here, before any request is sent.
///
/// The body is the SDK's: `dataset_name`, `name`, `format` and `include_images` always;
/// `class_filter`, `status_filter` and `organize_by_split` only when asked for.
struct PictographCreatePlan: Sendable {
    /// The `providerOptions` keys Pictograph honors.
    static let optionKeys: Set<String> = ["status_filter", "organize_by_split"]

    /// The dataset's name, verbatim (Pictograph matches it case-sensitively).
    var datasetName: String
    /// The export's name: the caller's, or a generated unique one.
    var name: String
    /// Pictograph's format word.
    var format: String
    /// Whether the ZIP carries the images too.
    var includeImages: Bool
    /// Only these classes, when set.
    var classFilter: [String]?
    /// Only images in this stage, when set.
    var statusFilter: String?
    /// Whether the ZIP gets top-level `train/`, `valid/` and `test/` folders.
    var organizeBySplit: Bool

    /// Checks `request` (the gateway has refused the filters Pictograph does not declare).
    /// Throws `unsupported` for a project source, an unknown option or a format Pictograph lacks, and `invalidRequest` for an
    /// item-status filter Pictograph cannot express or an option of the wrong type.
    /// - Parameter now: the time stamped into a generated name.
    init(_ request: ExportRequest, now: Date = Date()) throws {
        let ref: DatasetRef
        switch request.source {
        case .dataset(let dataset):
            ref = dataset
        case .project:
            throw Self.unsupported(
                "source.project", advice: "It exports datasets only; pass .dataset(\"<dataset name>\").")
        }
        if let option = request.providerOptions.keys.sorted().first(where: { !Self.optionKeys.contains($0) }) {
            throw Self.unsupported(
                "providerOptions.\(option)",
                advice: "Its export options are \(Self.optionKeys.sorted().joined(separator: " and ")).")
        }

        datasetName = ref.rawValue
        // Names must be unique within a dataset, so a fixed default would fail the second
        // time with 409. An explicit "" is sent as it is, for the vendor to name the field.
        name = request.name ?? Self.defaultName(at: now)
        format = try request.format.map(Self.vendorFormat(for:)) ?? "pictograph"
        includeImages = request.includeMedia ?? false
        classFilter = request.filters.classes
        statusFilter = try Self.statusFilter(
            statuses: request.filters.itemStatuses, option: request.providerOptions["status_filter"])
        organizeBySplit = try Self.organizeBySplit(request.providerOptions["organize_by_split"])
    }

    /// The JSON body.
    var body: JSONValue {
        var body: [String: JSONValue] = [
            "dataset_name": .string(datasetName),
            "name": .string(name),
            "format": .string(format),
            "include_images": .bool(includeImages),
        ]
        if let classFilter { body["class_filter"] = .array(classFilter.map(JSONValue.string)) }
        if let statusFilter { body["status_filter"] = .string(statusFilter) }
        // The SDK sends the flag only when it is on; `false` is the server's default.
        if organizeBySplit { body["organize_by_split"] = true }
        return .object(body)
    }

    /// Pictograph's word for `format`. The common constants map to Pictograph's words;
    /// plain JSON and NDJSON have no Pictograph equivalent; any other word is Pictograph's
    /// own (`darwin`, `yolo_obb`, `cvat`, ...) and passes verbatim.
    static func vendorFormat(for format: ExportFormat) throws -> String {
        switch format {
        case .native: return "pictograph"
        case .coco: return "coco"
        case .yolo: return "yolo"
        case .pascalVOC: return "pascal_voc"
        case .csv: return "csv"
        case .json, .ndjson:
            throw unsupported(
                "format \(format)",
                advice:
                    "Its formats are pictograph (.native), coco, yolo, pascal_voc, csv, darwin, yolo_obb, yolo_pose, dota, cvat, datumaro and labelme."
            )
        default: return format.rawValue
        }
    }

    /// `exportgateway-20250115-093000-1a2b3c4d`: the UTC time, then 8 random hex digits so
    /// two creates in the same second still differ.
    static func defaultName(at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let stamp = String(
            format: "%04d%02d%02d-%02d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0)
        let suffix = PictographIdempotency.newKey().prefix(8)
        return "exportgateway-\(stamp)-\(suffix)"
    }

    /// The `status_filter` word, from either the item-status filter or the raw option.
    ///
    /// Pictograph takes one stage. `all` (in any case) means "no filter" and is never sent:
    /// the server does not reject it, it matches no image and quietly builds an empty export.
    private static func statusFilter(statuses: [ItemStatus]?, option: JSONValue?) throws -> String? {
        // JSON `null` is "no option", like the SDK's `None`.
        let option: JSONValue? = option?.isNull == true ? nil : option
        if statuses != nil, option != nil {
            throw invalid(
                "providerOptions.status_filter",
                "Set either filters.itemStatuses or providerOptions.status_filter, not both.")
        }
        if let option {
            guard let word = option.stringValue else {
                throw invalid(
                    "providerOptions.status_filter",
                    "Pictograph option `status_filter` must be a stage word such as \"complete\", not \(option).")
            }
            return word.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() == "all" ? nil : word
        }
        guard let statuses else { return nil }
        guard statuses.count == 1, let status = statuses.first else {
            throw invalid(
                "filters.itemStatuses",
                "Pictograph filters an export by exactly one image stage, but \(statuses.count) statuses were given (\(statuses.map(\.description).joined(separator: ", "))). Pass one of notStarted, inProgress, inReview or completed, or none for every image."
            )
        }
        guard let stage = PictographProvider.imageStage(for: status) else {
            throw invalid(
                "filters.itemStatuses",
                "Pictograph has no image stage for \(status). Pass notStarted, inProgress, inReview or completed, or a stage word in providerOptions.status_filter."
            )
        }
        return stage
    }

    private static func organizeBySplit(_ option: JSONValue?) throws -> Bool {
        guard let option, !option.isNull else { return false }
        guard let flag = option.boolValue else {
            throw invalid(
                "providerOptions.organize_by_split",
                "Pictograph option `organize_by_split` must be true or false, not \(option).")
        }
        return flag
    }

    private static func unsupported(_ feature: String, advice: String) -> GatewayError {
        PictographProvider().unsupported(feature, advice: advice)
    }

    private static func invalid(_ field: String, _ message: String) -> GatewayError {
        GatewayError.invalidRequest(message, fieldErrors: [field: [message]])
    }
}
