import ExportGateway
import Foundation

/// Lists an Avala dataset's items in pages of 1000 through `items(in:)`, fetching each page
/// only when the previous one is used up, then with one page fetched ahead (the default).
enum PagingScenario {
    static let name = "paging"

    static func run(size: BenchmarkSize) throws -> [Measurement] {
        var measurements: [Measurement] = []
        for latency in size.latencies {
            let items = size.pagedItems
            let (server, served) = try ChildProcess.server(vendor: "avala", items: items, latency: latency)
            defer { server.finish() }
            let sequential = "\(items.grouped) items, \(latency.label), no prefetch"
            // The simulator encodes each page once: a first pass, not measured, gives every
            // case below the same warm server.
            _ = try ChildProcess.runCase([
                name, "--served", served.argument, "--prefetch", "1", "--label", "warm-up", "--baseline", "warm-up",
                "--consumer", "count",
            ])
            for prefetch in [false, true] {
                let label = prefetch ? "\(items.grouped) items, \(latency.label), one page ahead (default)" : sequential
                measurements += try ChildProcess.runCase([
                    name, "--served", served.argument, "--prefetch", prefetch ? "1" : "0", "--label", label,
                    "--baseline", sequential, "--consumer", "count",
                ])
            }
            let countingDefault = measurements.last
            // A consumer with work of its own per item, as a pipeline has: the next page
            // arrives while it works.
            let working = "\(items.grouped) items, \(latency.label), each written as JSON"
            for prefetch in [false, true] {
                let label = working + (prefetch ? ", one page ahead (default)" : ", no prefetch")
                measurements += try ChildProcess.runCase([
                    name, "--served", served.argument, "--prefetch", prefetch ? "1" : "0", "--label", label,
                    "--baseline", working + ", no prefetch", "--consumer", "json",
                ])
            }
            if OfficialSDK.python != nil {
                measurements += try officialSDK(served, items: items, latency: latency, against: countingDefault)
            }
        }
        return measurements
    }

    /// The avala SDK's `list_items` in pages of 1000 on the same dataset, and the gateway's
    /// default against it.
    private static func officialSDK(
        _ served: ServedSimulator, items: Int, latency: Duration, against ours: Measurement?
    ) throws -> [Measurement] {
        let figures = try OfficialSDK.run(
            "avala_items.py", [served.apiBaseURL.absoluteString, served.apiKey, served.dataset])
        let label = "\(items.grouped) items, \(latency.label), avala SDK list_items"
        let seconds = figures["seconds"] ?? .nan
        return [
            Measurement(
                scenario: name, label: label, seconds: seconds, rate: Double(items) / seconds, unit: "items/s",
                note: String(
                    format: "client CPU %.1f µs per item", (figures["cpu_seconds"] ?? .nan) / Double(items) * 1e6),
                peakResidentBytes: figures["peak_rss_bytes"].map { Int64($0) }),
            Measurement(
                scenario: name, label: (ours?.label ?? "gateway") + ", against the SDK", seconds: ours?.seconds ?? .nan,
                rate: ours?.rate, unit: "items/s", baseline: label, note: ours?.note,
                peakResidentBytes: ours?.peakResidentBytes),
        ]
    }

    static func runCase(_ arguments: ChildArguments) async throws {
        let served = try ServedSimulator(argument: try arguments.string("served"))
        let label = try arguments.string("label"), baseline = try arguments.string("baseline")
        let gateway = try served.gateway(
            options: GatewayOptions(pageSize: 1000, prefetchesPages: try arguments.int("prefetch") == 1))
        let writesJSON = try arguments.string("consumer") == "json"
        let cpuBefore = ProcessFigures.cpuTime
        let (count, elapsed) = try await measure {
            var count = 0
            var written = 0
            for try await item in gateway.items(in: DatasetRef(rawValue: served.dataset)) {
                count += 1
                if writesJSON { written &+= item.providerFields.serialized().count }
            }
            return count + (written < 0 ? 1 : 0)
        }
        let cpu = (ProcessFigures.cpuTime - cpuBefore).seconds
        ChildProtocol.report(
            Measurement(
                scenario: name, label: label, seconds: elapsed, rate: Double(count) / elapsed, unit: "items/s",
                baseline: label == baseline ? nil : baseline,
                note: String(
                    format: "client CPU %.1f µs per item%@", cpu / Double(max(count, 1)) * 1e6,
                    writesJSON ? ", the consumer's work included" : "")))
    }
}
