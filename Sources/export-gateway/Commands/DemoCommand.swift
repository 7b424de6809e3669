import Foundation

extension Commands {
    /// `export-gateway demo`: the whole flow against an in-process vendor simulator (Avala
    /// unless `--vendor` names another).
    static let demo: CommandSpec = CommandSpec(
        name: "demo",
        summary:
            "Run create, wait, download and item listing against a built-in vendor simulator (Avala by default; no API key needed).",
        discussion: """
            Runs the whole ExportGateway flow inside this process against a simulated vendor API \
            (Avala unless --vendor names another): seeds a dataset of \(Demo.datasetItemCount) items, creates \
            an export of it, waits for it while showing each poll, downloads the result file in \
            ranged requests, lists and counts the dataset's items page by page, and checks where \
            the API key went, from the simulator's request log: for Avala, never to the storage host; for \
            Label Studio, whose files come from its API, only to the token exchange (POST \
            /api/token/refresh/, as the gateway's own requests show), every other request carrying \
            the access token it returned. The file keeps the vendor's type: a ZIP archive from \
            Avala, Label Studio's JSON snapshot (an array of tasks) as .json. Then it runs the same \
            annotation code against all four vendors' simulators, seeded with the same images \
            (createAnnotationExport, wait, downloadAnnotations as COCO), and tabulates what each \
            gave: COCO folders in DIR/annotations/. Nothing touches the network.
            """,
        examples: [
            "export-gateway demo", "export-gateway demo --output /tmp/demo --items 10",
            "export-gateway demo --vendor label-studio",
        ],
        options: [demoOutput, demoItems, demoVendor]
    ) { arguments, console in
        let demo = Demo(
            outputFolder: URL(fileURLWithPath: arguments[demoOutput], isDirectory: true),
            itemsShown: arguments[demoItems], console: console, vendor: arguments[demoVendor])
        try await demo.run()
    }

    /// `demo --output DIR`.
    static let demoOutput: Option<String> = .value(
        "output", short: "o", placeholder: "DIR", default: Demo.defaultOutputFolder,
        help: "Folder to download the result into (default: ./\(Demo.defaultOutputFolder)).", .path)

    /// `demo --items N`.
    static let demoItems: Option<Int> = .value(
        "items", placeholder: "N", default: Demo.defaultItemsShown,
        help: "How many items to show before counting the rest (default: \(Demo.defaultItemsShown)).",
        .integer(in: 0...Int.max))

    /// `demo --vendor NAME`.
    static let demoVendor: Option<DemoVendor> = .value(
        "vendor", placeholder: DemoVendor.allCases.map(\.rawValue).joined(separator: "|"), default: .avala,
        help: "Whose simulator answers: \(DemoVendor.names) (default: avala).",
        .choice(among: DemoVendor.allCases.map { ($0.rawValue, $0) }))
}
