import ExportGateway
import Foundation

/// The options of `exports create` and how they become an ``ExportRequest``: one option
/// per field of the request and of ``ExportFilters``, and `--option` for `providerOptions`.
enum ExportRequestOptions {
    /// `[<dataset>]`: what to export, unless `--project` says.
    static let dataset: Argument<DatasetRef?> = .optional(
        "dataset",
        help:
            "The dataset, as the vendor names it (Avala: owner/slug or a uid; Pictograph: its name; Labelbox: its id; Label Studio: the project id). Leave it out with --project.",
        ValueParser.text.map(DatasetRef.init(rawValue:)))

    static let project: Option<String?> = .value(
        "project", placeholder: "ID", help: "Export this project instead of a dataset.", .text)
    static let name: Option<String?> = .value(
        "name", placeholder: "NAME", help: "A name for the export (some vendors make one up when left out).", .text)
    static let format: Option<ExportFormat?> = .value(
        "format", placeholder: "FORMAT",
        help:
            "The result format: native, coco, yolo, pascal-voc, csv, json, ndjson, or a vendor's own word (default: the vendor's).",
        ValueParser.text.map(ExportFormat.init(rawValue:)))
    static let statuses: Option<[ItemStatus]> = .repeated(
        "status", placeholder: "STATUS",
        help: "Only items in this workflow status (repeatable): \(statusChoices.map(\.name).joined(separator: ", ")).",
        .choice(among: statusChoices))
    static let classes: Option<[String]> = .repeated(
        "class", placeholder: "LABEL", help: "Only annotations of this class (repeatable).", .text)
    static let items: Option<[ItemID]> = .repeated(
        "item", placeholder: "ID", help: "Only this item (repeatable).", ValueParser.text.map(ItemID.init(rawValue:)))
    static let since: Option<Date?> = .value(
        "since", placeholder: "DATE", help: "Only items created or changed from this date (2025-01-15 or ISO 8601).",
        .date)
    static let until: Option<Date?> = .value(
        "until", placeholder: "DATE", help: "Only items created or changed up to this date.", .date)
    static let includeMedia: Option<Bool> = .flag(
        "include-media", help: "Include the media files themselves, where the vendor can.")
    /// `--option KEY=VALUE`, repeatable: the request's `providerOptions`.
    static let providerOptions: Option<[KeyValue]> = .repeated(
        "option", placeholder: "KEY=VALUE",
        help: "A vendor-only setting (repeatable); the value is JSON when it parses as JSON, else a string.", .keyValue)

    /// Every option of `exports create`, in the order help lists them.
    static let options: [any OptionDeclaration] = [
        project, name, format, statuses, classes, items, since, until, includeMedia, providerOptions,
    ]

    /// Item statuses by the names `--status` takes.
    static let statusChoices: [(name: String, value: ItemStatus)] = [
        ItemStatus.notStarted, .inProgress, .inReview, .needsRework, .completed, .approved,
    ].map { ($0.description, $0) }

    /// The request the options of `arguments` describe.
    /// - Throws: ``UsageError`` for a missing or doubled source, or `--since` after `--until`.
    static func request(from arguments: ParsedArguments) throws -> ExportRequest {
        let source: ExportSource
        switch (arguments[Self.dataset], arguments[Self.project]) {
        case (let dataset?, nil): source = .dataset(dataset)
        case (nil, let project?): source = .project(project)
        case (nil, nil):
            throw UsageError(
                "Say what to export: a dataset (exports create acme/street-scenes) or --project ID.",
                command: arguments.commandPath)
        case (_?, _?):
            throw UsageError(
                "Give a dataset or --project, not both: an export has one source.", command: arguments.commandPath)
        }

        let statuses = arguments[Self.statuses], classes = arguments[Self.classes], items = arguments[Self.items]
        var filters = ExportFilters(
            itemStatuses: statuses.isEmpty ? nil : statuses, classes: classes.isEmpty ? nil : classes,
            itemIDs: items.isEmpty ? nil : items)
        let since = arguments[Self.since], until = arguments[Self.until]
        if since != nil || until != nil {
            let start = since ?? .distantPast, end = until ?? .distantFuture
            guard start <= end else {
                throw UsageError("--since must not be later than --until.", command: arguments.commandPath)
            }
            filters.activity = DateInterval(start: start, end: end)
        }
        return ExportRequest(
            source: source, name: arguments[Self.name], format: arguments[Self.format], filters: filters,
            includeMedia: arguments[Self.includeMedia] ? true : nil,
            providerOptions: Dictionary(arguments[Self.providerOptions].map { ($0.key, $0.value) }) { _, last in last })
    }
}
