import ExportGateway

extension Commands {
    /// `export-gateway items ...`: the members of a dataset.
    static let items: CommandSpec = CommandSpec(
        name: "items",
        summary: "List and read a dataset's items (or sequences), where the provider can.",
        examples: [
            "export-gateway items list acme/street-scenes --limit 10",
            "export-gateway items get acme/street-scenes <item-id>",
        ],
        subcommands: [itemsList, itemsGet])

    /// The `<dataset>` of `items list` and `items get`.
    static let dataset = Argument(
        "dataset", help: "The dataset, as the vendor names it (Avala: owner/slug or a uid).",
        ValueParser.text.map(DatasetRef.init(rawValue:)))

    /// `items --kind item|sequence`.
    static let itemKind: Option<ItemKind> = .value(
        "kind", placeholder: "item|sequence", default: .item, help: "Single items or sequences (default: item).",
        .choice(among: ItemKind.allCases.map { ($0.rawValue, $0) }))

    /// The `<item-id>` of `items get`.
    static let itemID = Argument(
        "item-id", help: "The item's id, as 'items list' prints it.", ValueParser.text.map(ItemID.init(rawValue:)))

    static let itemsList: CommandSpec = CommandSpec(
        name: "list",
        summary: "List a dataset's items, fetched page by page as they are printed.",
        discussion:
            "With --json, one JSON object per line (NDJSON), each with the vendor's own object under providerFields.",
        examples: [
            "export-gateway items list acme/street-scenes --limit 10",
            "export-gateway items list acme/street-scenes --kind sequence --page-size 500 --json > items.ndjson",
        ],
        options: [itemKind] + ListingOptions.all,
        arguments: [dataset]
    ) { arguments, console in
        let session = GatewaySession(arguments, console: console)
        let gateway = try session.makeGateway()
        let items = gateway.items(
            in: arguments[dataset], kind: arguments[itemKind], pageSize: arguments[ListingOptions.pageSize])
        try await itemListing.print(items, session: session)
    }

    static let itemsGet: CommandSpec = CommandSpec(
        name: "get",
        summary: "Show one item of a dataset.",
        examples: [
            "export-gateway items get acme/street-scenes <item-id>",
            "export-gateway items get acme/street-scenes <item-id> --json",
        ],
        options: [itemKind],
        arguments: [dataset, itemID]
    ) { arguments, console in
        let session = GatewaySession(arguments, console: console)
        let item = try await session.makeGateway().item(
            arguments[itemID], kind: arguments[itemKind], in: arguments[dataset])
        if session.json { return session.emit(JSONRepresentation.item(item)) }
        if session.quiet { return console.line(item.id.rawValue) }
        var rows = [["ID", item.id.rawValue], ["Kind", item.kind.rawValue]]
        if let key = item.key { rows.append(["Key", key]) }
        if let dataset = item.dataset { rows.append(["Dataset", dataset.rawValue]) }
        if let status = item.status {
            rows.append(["Status", status.description + (item.rawStatus.map { " (vendor word \"\($0)\")" } ?? "")])
        }
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
        id: { $0.id.rawValue }, json: JSONRepresentation.item, jsonLine: JSONRepresentation.itemLine,
        noun: ("item", "items"))
}
