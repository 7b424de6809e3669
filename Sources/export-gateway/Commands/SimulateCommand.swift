import ExportGatewayTesting
import Foundation

extension Commands {
    /// `export-gateway simulate`: every vendor simulator on loopback HTTP until Ctrl-C.
    static let simulate: CommandSpec = CommandSpec(
        name: "simulate",
        summary: "Serve the built-in vendor simulators over loopback HTTP, for curl, SDKs and your own pipelines.",
        discussion: """
            Starts each vendor's simulator on 127.0.0.1 with two ports, one for its API and one for \
            its storage host (result files), seeds a deterministic dataset of --items items, prints \
            the base URL, storage URL, fake API key and dataset reference to use, then serves until \
            Ctrl-C. With --port N the API ports are N, N+1, ... and the storage ports follow; without \
            it (or with 0) any free ports are used. Labelbox also gets a project of as many data rows \
            (rows in every workflow status, labels on all but TO_LABEL), whose id is printed beside \
            the dataset, for project exports.

            --latency DURATION delays every API and storage answer by that round trip (such as 50ms), \
            and --jitter DURATION adds up to that much more to each, drawn from a fixed seed: a client, \
            benchmark or SDK then sees a real network's shape. A delayed answer holds up no other \
            connection, so concurrent requests wait concurrently.

            Label Studio (label-studio) has no storage host: its storage port is bound but unused, \
            as files come from its API (so its faults go on the api origin), and its key is a personal access token that a client \
            exchanges at POST /api/token/refresh/ for a short-lived access token to send as \
            Authorization: Bearer (the gateway does this by itself). Its dataset is an image \
            project's id. Without --export-polls its exports complete inside the create, as on a \
            server without Redis; with --export-polls K they are queued, as with Redis, and complete \
            on read K.

            --faults FILE injects faults from a JSON file: {"faults": [ENTRY, ...]} or a bare list. \
            Each ENTRY has "vendor" (\(SimulatedVendor.names)) \
            and "fault", any name of SimulatedFault.catalog (\(FaultPlan.faultNames.joined(separator: ", "))), \
            and optionally "origin" ("api", the default, or "storage"; some faults apply to one origin only), \
            "method" ("GET"...), "pathPrefix", "count" (default 1) and "after" (matching requests let through \
            first, default 0). Optional values in place of the catalog's: "retryAfter" (seconds, for the rate \
            limits), "milliseconds" (how long stalledBody stalls, or the pause between slowBody's pieces), "bytes" \
            (slowBody's piece size) and "word" (the status unknownStatusWord reports). For example:

            {"faults": [{"vendor": "avala", "fault": "rateLimited", "retryAfter": 7, "method": "GET", "pathPrefix": "/api/v1/exports/", "count": 2}, {"vendor": "pictograph", "fault": "dropConnection", "origin": "storage"}, {"vendor": "labelbox", "fault": "stalledBody", "milliseconds": 90000, "origin": "storage"}, {"vendor": "label-studio", "fault": "truncatedBody", "method": "GET", "pathPrefix": "/api/projects/1/exports/"}]}
            """,
        examples: [
            "export-gateway simulate --port 8800 --items 50",
            "curl -H 'X-Avala-Api-Key: avk_sim_fake_full_access' http://127.0.0.1:8800/api/v1/exports/",
            "export-gateway simulate --vendors labelbox --faults faults.json",
            "export-gateway simulate --vendors label-studio --export-polls 2",
            "export-gateway simulate --vendors labelbox --latency 50ms --jitter 5ms",
        ],
        options: [
            simulatePort, simulateVendors, simulateItems, simulateExportPolls, simulateFaults, simulateLatency,
            simulateJitter,
        ]
    ) { arguments, console in
        let simulation = try await Simulation.start(try SimulationOptions(arguments))
        simulation.describe(on: console)
        await simulation.serveUntilInterrupted(console: console)
    }

    /// `simulate --port N`.
    static let simulatePort: Option<Int> = .value(
        "port", placeholder: "N", default: 0, help: "First port to listen on (default: 0, any free ports).",
        .integer(in: 0...65_535))
    /// `simulate --vendors LIST`, read into vendors together with `--faults`, whose file may
    /// only name the vendors simulated.
    static let simulateVendors: Option<String?> = .value(
        "vendors", placeholder: "LIST",
        help:
            "Comma-separated vendors to simulate (default: \(SimulatedVendor.allCases.map(\.rawValue).joined(separator: ","))).",
        .text)
    /// `simulate --items N`.
    static let simulateItems: Option<Int> = .value(
        "items", placeholder: "N", default: 100,
        help: "Items in each vendor's seeded dataset (default: 100, at most 1000000).",
        // The simulators build each export's result in memory, item by item (1M Avala items:
        // a 860 MB file, enough to measure a download against curl).
        .integer(in: 0...1_000_000))
    /// `simulate --export-polls K`.
    static let simulateExportPolls: Option<Int?> = .value(
        "export-polls", placeholder: "K",
        help:
            "Reads an export takes to complete (default: 3; Label Studio: 0, completed by the create, as without Redis; given, Label Studio queues exports as with Redis).",
        .integer(in: 1...1_000_000))
    /// `simulate --faults FILE`.
    static let simulateFaults: Option<String?> = .value(
        "faults", placeholder: "FILE", help: "JSON file of faults to inject (format above).", .path)
    /// `simulate --latency DURATION`.
    static let simulateLatency: Option<Duration> = .value(
        "latency", placeholder: "DURATION", default: .zero,
        help: "Round trip every API and storage answer waits, such as 50ms (default: 0, none).", .simulatedDelay)
    /// `simulate --jitter DURATION`.
    static let simulateJitter: Option<Duration> = .value(
        "jitter", placeholder: "DURATION", default: .zero,
        help: "Most each answer waits on top of --latency, drawn from a fixed seed (default: 0).", .simulatedDelay)
}

extension ValueParser where Value == Duration {
    /// The longest simulated delay, in seconds: longer would only trip a client's timeouts.
    static var longestSimulatedDelaySeconds: Int64 { 60 }

    /// A simulated network delay: `0` (none), or a duration as ``duration`` reads it, up to
    /// ``longestSimulatedDelaySeconds``.
    static var simulatedDelay: Self {
        Self { text, _ throws(ValueMismatch) in
            let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
            if ["0", "0s", "0ms"].contains(trimmed) { return .zero }
            guard let delay = duration(from: text), delay <= .seconds(longestSimulatedDelaySeconds) else {
                throw ValueMismatch(
                    text: text,
                    expected: "0 or a duration up to \(longestSimulatedDelaySeconds)s, such as 50ms or 0.2s")
            }
            return delay
        }
    }
}

extension SimulationOptions {
    /// The options `simulate` was typed with.
    /// - Throws: ``UsageError`` for an unknown vendor, a bad faults file, or ports past 65535.
    init(_ arguments: ParsedArguments) throws {
        port = arguments[Commands.simulatePort]
        items = arguments[Commands.simulateItems]
        exportPolls = arguments[Commands.simulateExportPolls]
        latency = SimulatedLatency(
            roundTrip: arguments[Commands.simulateLatency], jitter: arguments[Commands.simulateJitter])
        if let list = arguments[Commands.simulateVendors] {
            vendors = try list.split(separator: ",").map { word in
                let name = word.trimmingCharacters(in: .whitespaces).lowercased()
                guard let vendor = SimulatedVendor(rawValue: name) else {
                    let known = SimulatedVendor.allCases.map(\.rawValue).joined(separator: ", ")
                    throw UsageError(
                        "Unknown vendor '\(name)' in --vendors. Simulated vendors: \(known).", command: ["simulate"])
                }
                return vendor
            }
            guard !vendors.isEmpty else {
                throw UsageError("Option '--vendors' names no vendor.", command: ["simulate"])
            }
        }
        if let path = arguments[Commands.simulateFaults] {
            faults = try FaultPlan(contentsOf: path, vendors: vendors)
        }
        if port != 0 && port + 2 * vendors.count - 1 > 65_535 {
            throw UsageError(
                "Option '--port' \(port) leaves no room for \(2 * vendors.count) ports below 65536.",
                command: ["simulate"])
        }
    }
}
