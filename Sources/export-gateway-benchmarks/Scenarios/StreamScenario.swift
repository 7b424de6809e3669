import ExportGateway
import Foundation

/// Streams a Labelbox export's rows through `records(of:)`: time, rows per second, the
/// first row's delay and peak memory, read ahead one piece at a time (window 1, strictly
/// sequential) and with the default window.
enum StreamScenario {
    static let name = "stream"

    static func run(size: BenchmarkSize) throws -> [Measurement] {
        var measurements: [Measurement] = []
        for latency in size.latencies {
            for rows in size.streamRows {
                let (server, served) = try ChildProcess.server(vendor: "labelbox", items: rows, latency: latency)
                defer { server.finish() }
                let sequential = "\(rows.grouped) rows, \(latency.label), window 1"
                let pipelined =
                    "\(rows.grouped) rows, \(latency.label), window \(GatewayOptions().recordReadAhead) (default)"
                // The simulator builds each chunk once: a first read, not measured, gives every
                // case below (and the SDK) the same warm server.
                _ = try ChildProcess.runCase([
                    name, "--served", served.argument, "--window", String(GatewayOptions().recordReadAhead),
                    "--label", "warm-up", "--baseline", "warm-up",
                ])
                for window in [1, GatewayOptions().recordReadAhead] {
                    measurements += try ChildProcess.runCase([
                        name, "--served", served.argument, "--window", String(window),
                        "--label", window == 1 ? sequential : pipelined, "--baseline", sequential,
                    ])
                }
                if OfficialSDK.python != nil, rows == size.streamRows.max() {
                    measurements += try officialSDK(served, rows: rows, latency: latency, against: measurements.last)
                }
            }
        }
        return measurements
    }

    /// The labelbox SDK's `get_buffered_stream()` on the same stream, and the gateway's
    /// default against it.
    private static func officialSDK(
        _ served: ServedSimulator, rows: Int, latency: Duration, against ours: Measurement?
    ) throws -> [Measurement] {
        let endpoint = served.apiBaseURL.appendingPathComponent("graphql").absoluteString
        let figures = try OfficialSDK.run("labelbox_stream.py", [endpoint, served.apiKey, served.dataset])
        let label = "\(rows.grouped) rows, \(latency.label), labelbox SDK get_buffered_stream()"
        let seconds = figures["seconds"] ?? .nan
        return [
            Measurement(
                scenario: name, label: label, seconds: seconds, rate: Double(rows) / seconds, unit: "rows/s",
                note: String(format: "first row %.1f ms", (figures["first_row_seconds"] ?? .nan) * 1000),
                peakResidentBytes: figures["peak_rss_bytes"].map { Int64($0) }),
            Measurement(
                scenario: name, label: (ours?.label ?? "gateway") + ", against the SDK", seconds: ours?.seconds ?? .nan,
                rate: ours?.rate, unit: "rows/s", baseline: label, peakResidentBytes: ours?.peakResidentBytes),
        ]
    }

    static func runCase(_ arguments: ChildArguments) async throws {
        let served = try ServedSimulator(argument: try arguments.string("served"))
        let label = try arguments.string("label")
        var options = GatewayOptions()
        options.recordReadAhead = try arguments.int("window")
        let gateway = try served.gateway(options: options)
        let ready = try await served.finishedExport(through: gateway)
        let totalBytes = try await gateway.recordStreamInfo(of: ready)?.totalBytes ?? 0
        let clock = ContinuousClock()
        var firstRow: Duration?
        let started = clock.now
        var count = 0
        for try await _ in gateway.records(of: ready) {
            if count == 0 { firstRow = clock.now - started }
            count += 1
        }
        let elapsed = (clock.now - started).seconds
        ChildProtocol.report(
            Measurement(
                scenario: name, label: label, seconds: elapsed, rate: Double(count) / elapsed, unit: "rows/s",
                baseline: label == (try arguments.string("baseline")) ? nil : try arguments.string("baseline"),
                note: String(
                    format: "first row %.1f ms; %.0f MB/s", (firstRow ?? .zero).seconds * 1000,
                    Double(totalBytes) / 1e6 / elapsed)))
    }
}

extension Int {
    /// `1000000` as `1M`, `100000` as `100k`: sizes as the table shows them.
    var grouped: String {
        if self >= 1_000_000, self % 1_000_000 == 0 { return "\(self / 1_000_000)M" }
        if self >= 1000, self % 1000 == 0 { return "\(self / 1000)k" }
        return String(self)
    }
}

extension Duration {
    /// `latency 0` or `latency 50 ms`.
    var label: String { self == .zero ? "latency 0" : "latency \(milliseconds) ms" }
}
