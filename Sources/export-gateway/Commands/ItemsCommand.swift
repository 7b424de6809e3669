import ExportGateway

extension Commands {
    /// `export-gateway items ...`: the members of a dataset.
    static let items: CommandSpec = CommandSpec(
        name: "items",
        summary: "List and read a dataset's items (or sequences), where the provider can.",
        examples: ["export-gateway items list acme/street-scenes --limit 10", "export-gateway items get acme/street-scenes <item-id>"],
        subcommands: [itemsList, itemsGet])

    static let dataset = ArgumentSpec(
        "dataset", help: "The dataset, as the vendor names it (Avala: owner/slug or a uid).")

    static let itemKind = OptionSpec("kind", .value(placeholder: "item|sequence"), help: "Single items or sequences (default: item).")

    static let itemsList: CommandSpec = CommandSpec(
        name: "list",
        summary: "List a dataset's items, fetched page by page as they are printed.",
        discussion: "With --json, one JSON object per line (NDJSON), each with the vendor's own object under providerFields.",
        examples: [
            "export-gateway items list acme/street-scenes --limit 10",
            "export-gateway items list acme/street-scenes --kind sequence --page-size 500 --json > items.ndjson",
        ],
        options: [itemKind] + Listing<Item>.options,
        arguments: [dataset]
    ) { arguments, console in
        let session = GatewaySession(arguments, console: console)
        let kind = try kind(arguments)
        let gateway = try session.makeGateway()
        let items = gateway.items(
            in: DatasetRef(rawValue: arguments.positionals[0]), kind: kind, pageSize: try Listing<Item>.pageSize(session))
        try await itemListing.print(items, session: session)
    }

    static let itemsGet: CommandSpec = CommandSpec(
        name: "get",
        summary: "Show one item of a dataset.",
        examples: ["export-gateway items get acme/street-scenes <item-id>", "export-gateway items get acme/street-scenes <item-id> --json"],
        options: [itemKind],
        arguments: [dataset, ArgumentSpec("item-id", help: "The item's id, as 'items list' prints it.")]
    ) { arguments, console in
        let session = GatewaySession(arguments, console: console)
        let kind = try kind(arguments)
        let item = try await session.makeGateway().item(
            ItemID(rawValue: arguments.positionals[1]), kind: kind, in: DatasetRef(rawValue: arguments.positionals[0]))
        if session.json { return session.emit(JSONRepresentation.item(item)) }
        if session.quiet { return console.line(item.id.rawValue) }
        var rows = [["ID", item.id.rawValue], ["Kind", item.kind.rawValue]]
        if let key = item.key { rows.append(["Key", key]) }
        if let dataset = item.dataset { rows.append(["Dataset", dataset.rawValue]) }
        if let status = item.status { rows.append(["Status", status.description + (item.rawStatus.map { " (vendor word \"\($0)\")" } ?? "")]) }
        if let created = item.createdAt { rows.append(["Created", ISO8601.string(from: created)]) }
        if let media = item.mediaURL { rows.append(["Media", media.absoluteString]) }
        Format.table(rows, indent: 0).forEach { console.line($0) }
    }

    /// The table and NDJSON of `items list`.
    static let itemListing = Listing<Item>(
        columns: [
            .init(title: "ID") { $0.id.rawValue },
            .init(title: "KEY") { $0.key ?? "-" },
            .init(title: "STATUS") { $0.status?.description ?? "-" },
            .init(title: "VENDOR WORD") { $0.rawStatus ?? "-" },
        ],
        id: { $0.id.rawValue }, json: JSONRepresentation.item, noun: ("item", "items"))

    private static func kind(_ arguments: ParsedArguments) throws -> ItemKind {
        try arguments.choice("kind", among: ItemKind.allCases.map { ($0.rawValue, $0) }, default: .item)
    }
}
