import ExportGateway
import ExportGatewayTesting
import Foundation

/// The `demo` command's flow: every gateway call a pipeline makes, against an in-process
/// Avala simulator, narrated for someone seeing ExportGateway for the first time.
struct Demo {
    static let defaultOutputFolder = "export-gateway-demo"
    static let defaultItemsShown = 5
    static let datasetItemCount = 240
    static let pageSize = 100
    /// Small on purpose, so the download visibly takes several ranged requests.
    static let downloadChunkSize = 16 << 10

    /// Where the result file goes.
    var outputFolder: URL
    /// How many items to print.
    var itemsShown: Int
    var console: Console
    /// What the waits sleep on; tests pass a virtual clock.
    var clock: any GatewayClock = SystemClock()

    func run() async throws {
        let started = ContinuousClock.now
        console.line("ExportGateway demo")
        console.line("The whole flow against a simulated Avala API inside this process: no network, no API key.")

        let simulator = AvalaSimulator()
        let events = DemoEvents(console: console)
        let gateway = simulator.gateway(
            options: GatewayOptions(
                pageSize: Self.pageSize, pollInterval: .milliseconds(200), maxPollInterval: .seconds(1),
                downloadChunkSize: Self.downloadChunkSize, clock: clock, eventHandler: { events.handle($0) }))

        section(1, "Seed a dataset on the simulator")
        let dataset = DatasetRef(
            rawValue: simulator.seedDataset(named: "street-scenes", itemCount: Self.datasetItemCount))
        console.line("   Dataset \(dataset) with \(Format.grouped(Self.datasetItemCount)) items.")
        console.line("   API base URL   \(gateway.baseURL.absoluteString)")
        console.line("   Storage host   \(simulator.storageBaseURL.absoluteString)")

        section(2, "Create an export: gateway.createExport(...)")
        let created = try await gateway.createExport(
            ExportRequest(source: .dataset(dataset), name: "export-gateway demo"))
        console.line("   Export \(created.id): \(created.status)\(Self.vendorWord(created.rawStatus)).")

        section(3, "Wait for it: gateway.wait(for:timeout:), polling every 0.2 s at first, backing off to 1 s")
        events.startWaiting()
        let waitStarted = ContinuousClock.now
        let ready = try await gateway.wait(for: created, timeout: .seconds(60))
        let waited = ContinuousClock.now - waitStarted
        console.line(
            "   Completed after \(events.polls) poll\(events.polls == 1 ? "" : "s") in \(Format.seconds(waited)).")

        section(
            4,
            "Download the result: gateway.download(_:to:), in ranges of \(Format.bytes(Int64(Self.downloadChunkSize)))")
        let destination = outputFolder.appendingPathComponent("\(Self.fileName(for: ready.id)).zip")
        console.line("   To \(destination.path) (written as .part, renamed when complete)")
        let console = self.console
        let file = try await gateway.download(ready, to: destination) { progress in
            let percent = progress.fractionCompleted.map { String(format: "  %3.0f%%", $0 * 100) } ?? ""
            let total = progress.totalBytes.map { " of \(Format.grouped($0))" } ?? ""
            console.line("   \(Format.grouped(progress.bytesWritten))\(total) bytes\(percent)")
        }
        console.line("   Saved \(Format.bytes(file.byteCount)).")

        section(5, "List items: gateway.items(in:), fetched lazily in pages of \(Self.pageSize)")
        let responsesBefore = events.responses
        var rows = [["ID", "KEY", "STATUS", "VENDOR WORD"]]
        var count = 0
        var byStatus: [String: Int] = [:]
        for try await item in gateway.items(in: dataset) {
            if count < itemsShown {
                rows.append([
                    item.id.rawValue, item.key ?? "-", item.status.map { "\($0)" } ?? "-", item.rawStatus ?? "-",
                ])
            }
            byStatus[item.status.map { "\($0)" } ?? "no status", default: 0] += 1
            count += 1
        }
        let pageRequests = events.responses - responsesBefore
        if itemsShown > 0 {
            console.line("   The first \(rows.count - 1):")
            Format.table(rows, indent: 5).forEach { console.line($0) }
        }
        console.line(
            "   Counted \(Format.grouped(count)) items with \(pageRequests) page request\(pageRequests == 1 ? "" : "s")."
        )
        let statuses = byStatus.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \($0.value)" }
        console.line("   By normalized status: \(statuses.joined(separator: ", ")).")

        let keyCheck = try checkKeyStayedOffStorage(simulator)
        section(nil, "Summary")
        let rows2: [[String]] = [
            ["Provider", "\(gateway.provider) (simulated in-process, base URL \(gateway.baseURL.absoluteString))"],
            ["Dataset", "\(dataset), \(Format.grouped(Self.datasetItemCount)) items"],
            ["Export", "\(ready.id): \(ready.status)\(Self.vendorWord(ready.rawStatus)) after \(events.polls) polls"],
            ["File", "\(destination.path), \(Format.bytes(file.byteCount))"],
            ["Items", "\(Format.grouped(count)) counted in \(pageRequests) pages; \(min(itemsShown, count)) shown"],
            [
                "Requests",
                "\(keyCheck.apiRequests) to the API host, \(keyCheck.storageRequests) to the storage host, \(events.retries) retried, \(events.redirects) redirects",
            ],
            [
                "API key",
                "sent on \(keyCheck.apiRequestsWithKey) of \(keyCheck.apiRequests) API requests, on 0 of \(keyCheck.storageRequests) storage requests (from the simulator's request log)",
            ],
            ["Time", Format.seconds(ContinuousClock.now - started)],
        ]
        Format.table(rows2, indent: 3).forEach { console.line($0) }
        console.line()
        console.line("Against the real Avala API the same calls need only AVALA_API_KEY; see README.md.")
    }

    // MARK: Helpers

    private func section(_ number: Int?, _ title: String) {
        console.line()
        console.line(number.map { "\($0). \(title)" } ?? title)
    }

    /// What the simulator's request log says about where the API key went.
    private struct KeyCheck {
        var apiRequests = 0
        var apiRequestsWithKey = 0
        var storageRequests = 0
    }

    /// Reads the simulator's request log; throws when a storage request carried the key.
    private func checkKeyStayedOffStorage(_ simulator: AvalaSimulator) throws -> KeyCheck {
        var check = KeyCheck()
        var leaks = 0
        for request in simulator.requestLog.requests {
            if Self.sameOrigin(request.url, simulator.storageBaseURL) {
                check.storageRequests += 1
                if request.carriedCredential { leaks += 1 }
            } else {
                check.apiRequests += 1
                if request.carriedCredential { check.apiRequestsWithKey += 1 }
            }
        }
        guard leaks == 0 else {
            throw DemoFailure("\(leaks) of \(check.storageRequests) requests to the storage host carried the API key.")
        }
        guard check.storageRequests > 0 else {
            throw DemoFailure(
                "The simulator's request log shows no request to the storage host; the download went elsewhere.")
        }
        return check
    }

    private static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        a.scheme == b.scheme && a.host == b.host && a.port == b.port
    }

    private static func vendorWord(_ word: String?) -> String {
        word.map { " (vendor word \"\($0)\")" } ?? ""
    }

    /// The export id as a file name that stays inside the output folder.
    static func fileName(for id: ExportID) -> String { FileNames.safe(id.rawValue) }
}

/// The demo saw the gateway misbehave.
struct DemoFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
