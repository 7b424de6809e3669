import Foundation

extension Commands {
    /// `export-gateway demo`: the whole flow against an in-process Avala simulator.
    static let demo: CommandSpec = CommandSpec(
        name: "demo",
        summary: "Run create, wait, download and item listing against a built-in Avala simulator (no API key needed).",
        discussion: """
            Runs the whole ExportGateway flow inside this process against a simulated Avala API: \
            seeds a dataset of \(Demo.datasetItemCount) items, creates an export of it, waits for it while showing \
            each poll, downloads the result file in ranged requests, lists and counts the dataset's \
            items page by page, and checks in the simulator's request log that the API key never \
            reached the storage host. Nothing touches the network.
            """,
        examples: ["export-gateway demo", "export-gateway demo --output /tmp/demo --items 10"],
        options: [demoOutput, demoItems]
    ) { arguments, console in
        let demo = Demo(
            outputFolder: URL(fileURLWithPath: arguments[demoOutput], isDirectory: true),
            itemsShown: arguments[demoItems], console: console)
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
}
