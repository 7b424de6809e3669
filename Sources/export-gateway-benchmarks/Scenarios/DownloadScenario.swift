import ExportGateway
import Foundation

/// Downloads a large Avala export file with `download(_:to:)` and with curl from the same
/// signed URL, five times each, alternating; the bytes must be the same.
enum DownloadScenario {
    static let name = "download"

    /// The variants measured, each in a child of its own: label, ranges in flight, range size.
    static let variants: [(label: String, concurrency: Int, rangeBytes: Int)] = [
        ("default options", GatewayOptions().downloadConcurrency, GatewayOptions().downloadChunkSize),
        ("one range at a time", 1, GatewayOptions().downloadChunkSize),
        ("4 ranges of 8 MiB", 4, 8 << 20),
    ]

    static func run(size: BenchmarkSize) async throws -> [Measurement] {
        let (server, served) = try ChildProcess.server(vendor: "avala", items: size.downloadItems, latency: .zero)
        defer { server.finish() }
        // One export for every variant: the simulator builds a large file slowly.
        let (ready, preparing) = try await measure { try await served.finishedExport(through: try served.gateway()) }
        var measurements: [Measurement] = []
        for variant in variants {
            measurements += try ChildProcess.runCase([
                name, "--served", served.argument, "--export", ready.id.rawValue, "--variant", variant.label,
                "--concurrency", String(variant.concurrency), "--range-bytes", String(variant.rangeBytes),
            ])
        }
        measurements[0].note = (measurements[0].note ?? "") + String(format: "; create + wait took %.1f s", preparing)
        return measurements
    }

    static func runCase(_ arguments: ChildArguments) async throws {
        let served = try ServedSimulator(argument: try arguments.string("served"))
        let variant = try arguments.string("variant")
        let seen = SeenRequests()
        var options = GatewayOptions(
            downloadChunkSize: try arguments.int("range-bytes"), downloadConcurrency: try arguments.int("concurrency"))
        options.eventHandler = { event in
            if case .response(.get, let url, let status, _) = event, status == 200 || status == 206 {
                seen.record(url)
            }
        }
        let gateway = try served.gateway(options: options)
        let ready = try await gateway.export(ExportID(rawValue: try arguments.string("export")))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ours = folder.appendingPathComponent("gateway.zip"), theirs = folder.appendingPathComponent("curl.zip")

        let rounds = 5
        var gatewayTimes: [Double] = [], curlTimes: [Double] = []
        var byteCount: Int64 = 0
        let curl = Curl.path
        for _ in 0..<rounds {
            let (file, elapsed) = try await measure { try await gateway.download(ready, to: ours) }
            gatewayTimes.append(elapsed)
            byteCount = file.byteCount
            // curl on the URL of the file's bytes: the last storage GET the gateway made.
            if let curl, let url = seen.last { curlTimes.append(try Curl.download(url, to: theirs, with: curl)) }
        }
        if curl != nil, !FileComparison.sameBytes(ours, theirs) {
            throw BenchmarkFailure("The gateway's file and curl's differ.")
        }
        let megabytes = Double(byteCount) / 1e6
        let curlLabel = String(format: "%.0f MB export file, curl (beside %@)", megabytes, variant)
        if let best = curlTimes.min() {
            ChildProtocol.report(
                Measurement(
                    scenario: name, label: curlLabel, seconds: best, rate: megabytes / best, unit: "MB/s",
                    note: String(format: "best of %d; median %.2f s", rounds, curlTimes.median), peakIsElsewhere: true))
        }
        let best = gatewayTimes.min()!
        ChildProtocol.report(
            Measurement(
                scenario: name, label: String(format: "%.0f MB export file, download(_:to:), %@", megabytes, variant),
                seconds: best, rate: megabytes / best, unit: "MB/s", baseline: curlTimes.isEmpty ? nil : curlLabel,
                note: String(
                    format: "best of %d; median %.2f s; bytes %@", rounds, gatewayTimes.median,
                    curl == nil ? "not compared (no curl)" : "identical to curl's")))
    }
}

/// curl, when the machine has it.
enum Curl {
    static var path: String? {
        ["/usr/bin/curl", "/usr/local/bin/curl", "/bin/curl"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Seconds `curl -s -o destination url` took.
    static func download(_ url: URL, to destination: URL, with curl: String) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: curl)
        process.arguments = ["-s", "-f", "-o", destination.path, url.absoluteString]
        let clock = ContinuousClock()
        let started = clock.now
        try process.run()
        process.waitUntilExit()
        let elapsed = (clock.now - started).seconds
        guard process.terminationStatus == 0 else {
            throw BenchmarkFailure("curl failed with exit status \(process.terminationStatus).")
        }
        return elapsed
    }
}

/// Compares two files piece by piece, in bounded memory.
enum FileComparison {
    static func sameBytes(_ first: URL, _ second: URL) -> Bool {
        guard let a = try? FileHandle(forReadingFrom: first), let b = try? FileHandle(forReadingFrom: second) else {
            return false
        }
        defer {
            try? a.close()
            try? b.close()
        }
        while true {
            let left = (try? a.read(upToCount: 4 << 20)) ?? nil, right = (try? b.read(upToCount: 4 << 20)) ?? nil
            guard left == right else { return false }
            if left == nil || left?.isEmpty == true { return true }
        }
    }
}

extension Array where Element == Double {
    /// The middle value (the mean of the two middle ones for an even count).
    var median: Double {
        let sorted = self.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
