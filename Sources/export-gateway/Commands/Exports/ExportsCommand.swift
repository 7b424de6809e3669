import ExportGateway
import Foundation

extension Commands {
    /// `export-gateway exports ...`: the life of an export.
    static let exports: CommandSpec = CommandSpec(
        name: "exports",
        summary: "Create, list, read, wait for, download and delete exports.",
        discussion: """
            An export is a job at the vendor that produces one result file. The usual sequence is \
            create, then wait, then download; each prints what to type next.
            """,
        examples: [
            "export-gateway exports create acme/street-scenes --format yolo",
            "export-gateway exports wait <export-id>",
            "export-gateway exports download <export-id> --output street-scenes.zip",
        ],
        subcommands: [
            exportsList, exportsCreate, exportsGet, exportsWait, exportsDownload, exportsRecords, exportsDelete,
        ])

    /// The `<export-id>` of the commands about one export.
    static let exportID = Argument(
        "export-id", help: "The export's id, as 'exports create' or 'exports list' print it.",
        ValueParser.text.map(ExportID.init(rawValue:)))

    /// `exports records --errors`.
    static let recordErrors: Option<Bool> = .flag(
        "errors", help: "Print the error records instead of the exported ones.")

    static let exportsRecords: CommandSpec = CommandSpec(
        name: "records",
        summary: "Print a finished export's records (data rows) as they are read, where the vendor streams them.",
        discussion: """
            Labelbox delivers an export as a stream of records rather than one file: they are \
            read piece by piece and printed as they arrive, so a million rows need no more \
            memory than a few. With --json, one JSON object per line (NDJSON), each with the \
            vendor's whole row under providerFields. --errors prints the vendor's error records \
            (rows it could not export) instead, each as the vendor's JSON on one line.
            """,
        examples: [
            "export-gateway --provider labelbox exports records <export-id> --limit 10",
            "export-gateway --provider labelbox exports records <export-id> --json > rows.ndjson",
            "export-gateway --provider labelbox exports records <export-id> --errors",
        ],
        options: [recordErrors, ListingOptions.limit],
        arguments: [exportID]
    ) { arguments, console in
        let session = GatewaySession(arguments, console: console)
        let gateway = try session.makeGateway()
        let export = try await gateway.export(arguments[exportID])
        guard arguments[recordErrors] else {
            return try await itemListing.print(gateway.records(of: export), session: session)
        }
        let limit = arguments[ListingOptions.limit]
        var count = 0
        for try await record in gateway.errors(of: export) {
            session.emit(record)
            count += 1
            if count >= limit || console.isOutputClosed { break }
        }
        if !session.json && !session.quiet {
            await session.withProgress {
                session.progress("\(Format.grouped(count)) error record\(count == 1 ? "" : "s").")
            }
        }
    }

    static let exportsList: CommandSpec = CommandSpec(
        name: "list",
        summary: "List exports, newest first where the vendor sorts them.",
        discussion: "Fetched page by page as they are printed; with --json, one JSON object per line (NDJSON).",
        examples: ["export-gateway exports list --limit 20", "export-gateway exports list --json | jq -r .status"],
        options: ListingOptions.all
    ) { arguments, console in
        let session = GatewaySession(arguments, console: console)
        let gateway = try session.makeGateway()
        try await ExportPresenter.listing.print(
            gateway.exports(pageSize: arguments[ListingOptions.pageSize]), session: session)
    }

    static let exportsCreate: CommandSpec = CommandSpec(
        name: "create",
        summary: "Start an export of a dataset or a project.",
        discussion: """
            Prints the new export's id. Filters and options a provider cannot honor are refused \
            before anything is sent ('export-gateway providers' lists what each one takes). \
            --option passes a vendor-only setting: its value is read as JSON when it is JSON \
            (true, 42, ["a","b"]), otherwise as a string.
            """,
        examples: [
            "export-gateway exports create acme/street-scenes --name nightly --format yolo",
            "export-gateway exports create --project <project-uid> --option filter_query_string='status=done'",
            "export-gateway --provider pictograph exports create 'street scenes' --class car --option organize_by_split=true",
        ],
        options: ExportRequestOptions.options,
        arguments: [ExportRequestOptions.dataset]
    ) { arguments, console in
        let session = GatewaySession(arguments, console: console)
        let request = try ExportRequestOptions.request(from: arguments)
        let export = try await session.makeGateway().createExport(request)
        ExportPresenter(session: session).created(export)
    }

    static let exportsGet: CommandSpec = CommandSpec(
        name: "get",
        summary: "Show one export: status, vendor word, format, source, dates and whether its result is ready.",
        examples: ["export-gateway exports get <export-id>", "export-gateway exports get <export-id> --json"],
        arguments: [exportID]
    ) { arguments, console in
        let session = GatewaySession(arguments, console: console)
        let export = try await session.makeGateway().export(arguments[exportID])
        ExportPresenter(session: session).show(export)
    }

    static let exportsWait: CommandSpec = CommandSpec(
        name: "wait",
        summary: "Wait until an export is done, showing its status and the time elapsed.",
        discussion: """
            Polls the export, the pause growing from --poll up to 30 s (or --poll, when longer), until it completes (exit 0), \
            fails or is canceled (exit 3), or --timeout passes (exit 4; the export may still \
            finish, so waiting again is safe). Durations: 90s, 15m, 1h, 500ms, or a number of seconds, \
            from 1ms to \(ValueParser<Duration>.longestHours)h.
            """,
        examples: [
            "export-gateway exports wait <export-id>",
            "export-gateway exports wait <export-id> --timeout 2h --poll 10s",
        ],
        options: [ExportWaiting.timeout, ExportWaiting.poll],
        arguments: [exportID]
    ) { arguments, console in
        try await ExportWaiting(session: GatewaySession(arguments, console: console)).run(arguments[exportID])
    }

    static let exportsDownload: CommandSpec = CommandSpec(
        name: "download",
        summary: "Download a completed export's result file.",
        discussion: """
            Shows bytes, rate and time left while it runs. The file grows as FILE.part and is renamed \
            to FILE only when complete; an existing FILE is replaced. A download that fails or is \
            stopped (Ctrl-C, SIGTERM: exit 130 or 143) removes FILE.part and leaves FILE as it was. \
            The API key never goes to the storage host. With --as coco|yolo|voc it writes the \
            export's annotations as that dataset layout instead, whatever the vendor: a vendor file \
            already in that format and layout is checked and copied, anything else is converted; the \
            folder appears only when complete.
            """,
        examples: [
            "export-gateway exports download <export-id> --output street-scenes.zip",
            "export-gateway exports download <export-id> -o downloads/",
            "export-gateway exports download <export-id> --as coco --output street-scenes-coco",
        ],
        options: [ExportDownload.output, ExportDownload.annotationFormat],
        arguments: [exportID]
    ) { arguments, console in
        try await ExportDownload(session: GatewaySession(arguments, console: console)).run(arguments[exportID])
    }

    static let exportsDelete: CommandSpec = CommandSpec(
        name: "delete",
        summary: "Delete exports, where the provider can.",
        discussion: "Ids the vendor does not know are reported, not treated as an error, so running it again is safe.",
        examples: ["export-gateway exports delete <export-id>", "export-gateway exports delete <id-1> <id-2>"],
        arguments: [exportIDs]
    ) { arguments, console in
        let session = GatewaySession(arguments, console: console)
        let deletion = try await session.makeGateway().deleteExports(arguments[exportIDs])
        ExportPresenter(session: session).deleted(deletion)
    }

    /// The `<export-id>...` of `exports delete`.
    static let exportIDs: Argument<[ExportID]> = .repeating(
        "export-id", help: "The ids of the exports to delete.", ValueParser.text.map(ExportID.init(rawValue:)))
}
