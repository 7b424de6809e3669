import ExportGateway
import Foundation

/// Downloads a large Avala export file with `download(_:to:)` and with curl from the same
/// signed URL, three times each, alternating; the bytes must be the same.
enum DownloadScenario {
    static let name = "download"

    static func run(size: BenchmarkSize) throws -> [Measurement] {
        let (server, served) = try ChildProcess.server(vendor: "avala", items: size.downloadItems, latency: .zero)
        defer { server.finish() }
        return try ChildProcess.runCase([name, "--served", served.argument])
    }

    static func runCase(_ arguments: ChildArguments) async throws {
        let served = try ServedSimulator(argument: try arguments.string("served"))
        let seen = SeenRequests()
        var options = GatewayOptions()
        options.eventHandler = { event in
            if case .response(.get, let url, let status, _) = event, status == 200 || status == 206 {
                seen.record(url)
            }
        }
        let gateway = try served.gateway(options: options)
        let (ready, preparing) = try await measure { try await served.finishedExport(through: gateway) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ours = folder.appendingPathComponent("gateway.zip"), theirs = folder.appendingPathComponent("curl.zip")

        var gatewayTimes: [Double] = [], curlTimes: [Double] = []
        var byteCount: Int64 = 0
        let curl = Curl.path
        for _ in 0..<3 {
            let (file, elapsed) = try await measure { try await gateway.download(ready, to: ours) }
            gatewayTimes.append(elapsed)
            byteCount = file.byteCount
            if let curl {
                // The URL of the file's bytes: the last storage GET the gateway made.
                guard let url = seen.last else { continue }
                curlTimes.append(try Curl.download(url, to: theirs, with: curl))
            }
        }
        if curl != nil {
            guard FileComparison.sameBytes(ours, theirs) else {
                throw BenchmarkFailure("The gateway's file and curl's differ.")
            }
        }
        let megabytes = Double(byteCount) / 1e6
        let gatewayLabel = String(format: "%.0f MB export file, download(_:to:)", megabytes)
        let curlLabel = String(format: "%.0f MB export file, curl", megabytes)
        if !curlTimes.isEmpty {
            ChildProtocol.report(
                Measurement(
                    scenario: name, label: curlLabel, seconds: curlTimes.min()!, rate: megabytes / curlTimes.min()!,
                    unit: "MB/s", note: String(format: "best of 3; median %.2f s", curlTimes.median)))
        }
        ChildProtocol.report(
            Measurement(
                scenario: name, label: gatewayLabel, seconds: gatewayTimes.min()!,
                rate: megabytes / gatewayTimes.min()!, unit: "MB/s", baseline: curlTimes.isEmpty ? nil : curlLabel,
                note: String(
                    format: "best of 3; median %.2f s; bytes %@; create + wait before it %.2f s",
                    gatewayTimes.median, curl == nil ? "not compared (no curl)" : "identical to curl's", preparing)))
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
