import ExportGateway
import Foundation

/// The options of `exports create` and how they become an ``ExportRequest``: one option
/// per field of the request and of ``ExportFilters``, and `--option` for `providerOptions`.
enum ExportRequestOptions {
    static let options: [OptionSpec] = [
        OptionSpec("project", .value(placeholder: "ID"), help: "Export this project instead of a dataset."),
        OptionSpec("name", .value(placeholder: "NAME"), help: "A name for the export (some vendors make one up when left out)."),
        OptionSpec(
            "format", .value(placeholder: "FORMAT"),
            help: "The result format: native, coco, yolo, pascal-voc, csv, json, ndjson, or a vendor's own word (default: the vendor's)."),
        OptionSpec(
            "status", .value(placeholder: "STATUS"),
            help: "Only items in this workflow status (repeatable): \(statusChoices.map(\.name).joined(separator: ", "))."),
        OptionSpec("class", .value(placeholder: "LABEL"), help: "Only annotations of this class (repeatable)."),
        OptionSpec("item", .value(placeholder: "ID"), help: "Only this item (repeatable)."),
        OptionSpec("since", .value(placeholder: "DATE"), help: "Only items created or changed from this date (2025-01-15 or ISO 8601)."),
        OptionSpec("until", .value(placeholder: "DATE"), help: "Only items created or changed up to this date."),
        OptionSpec("include-media", help: "Include the media files themselves, where the vendor can."),
        OptionSpec(
            "option", .value(placeholder: "KEY=VALUE"),
            help: "A vendor-only setting (repeatable); the value is JSON when it parses as JSON, else a string."),
    ]

    /// Item statuses by the names `--status` takes.
    static let statusChoices: [(name: String, value: ItemStatus)] = [
        ItemStatus.notStarted, .inProgress, .inReview, .needsRework, .completed, .approved,
    ].map { ($0.description, $0) }

    /// The request the options of `arguments` describe.
    /// - Throws: ``UsageError`` for a missing or doubled source, a bad status, date or option.
    static func request(from arguments: ParsedArguments) throws -> ExportRequest {
        let dataset = arguments.positionals.first
        let project = arguments.value("project")
        let source: ExportSource
        switch (dataset, project) {
        case (let dataset?, nil): source = .dataset(DatasetRef(rawValue: dataset))
        case (nil, let project?): source = .project(project)
        case (nil, nil):
            throw UsageError(
                "Say what to export: a dataset (exports create acme/street-scenes) or --project ID.",
                command: arguments.commandPath)
        case (_?, _?):
            throw UsageError(
                "Give a dataset or --project, not both: an export has one source.", command: arguments.commandPath)
        }

        let statuses = try arguments.values("status").map {
            try ParsedArguments.choose($0, option: "status", among: statusChoices, command: arguments.commandPath)
        }
        var filters = ExportFilters(
            itemStatuses: statuses.isEmpty ? nil : statuses,
            classes: arguments.values("class").isEmpty ? nil : arguments.values("class"),
            itemIDs: arguments.values("item").isEmpty ? nil : arguments.values("item").map(ItemID.init(rawValue:)))
        let since = try arguments.date("since"), until = try arguments.date("until")
        if since != nil || until != nil {
            let start = since ?? .distantPast, end = until ?? .distantFuture
            guard start <= end else {
                throw UsageError("--since must not be later than --until.", command: arguments.commandPath)
            }
            filters.activity = DateInterval(start: start, end: end)
        }
        return ExportRequest(
            source: source, name: arguments.value("name"), format: arguments.value("format").map(ExportFormat.init(rawValue:)),
            filters: filters, includeMedia: arguments.flag("include-media") ? true : nil,
            providerOptions: try arguments.keyValues("option"))
    }
}
