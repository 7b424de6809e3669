import ExportGateway
import ExportGatewayTesting
import Foundation

/// The `demo` command's flow: every gateway call a pipeline makes, against an in-process
/// vendor simulator (Avala unless told otherwise), narrated for someone seeing ExportGateway
/// for the first time.
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
    /// Whose simulator answers.
    var vendor: DemoVendor = .avala
    /// What the waits sleep on; tests pass a virtual clock.
    var clock: any GatewayClock = SystemClock()

    func run() async throws {
        let started = ContinuousClock.now
        console.line("ExportGateway demo")
        console.line(
            "The whole flow against a simulated \(vendor.descriptor.displayName) API inside this process: no network, no API key."
        )

        let simulator = vendor.makeSimulator()
        let events = DemoEvents(console: console)
        let witness = KeyWitness(simulator.transport, key: simulator.apiKey)
        let gateway = simulator.gateway(
            transport: witness,
            options: GatewayOptions(
                pageSize: Self.pageSize, pollInterval: .milliseconds(200), maxPollInterval: .seconds(1),
                downloadChunkSize: Self.downloadChunkSize, clock: clock, eventHandler: { events.handle($0) }))

        section(1, "Seed a dataset on the simulator")
        let dataset = DatasetRef(
            rawValue: simulator.seedDataset(named: "street-scenes", itemCount: Self.datasetItemCount))
        console.line("   \(vendor.datasetNoun) \(dataset) with \(Format.grouped(Self.datasetItemCount)) items.")
        console.line("   API base URL   \(gateway.baseURL.absoluteString)")
        switch vendor {
        case .avala:
            console.line("   Storage host   \(simulator.storageBaseURL.absoluteString)")
        case .labelStudio:
            console.line(
                "   Files          from the API itself, with the access token (Label Studio has no storage host)")
            console.line(
                "   API key        a personal access token, exchanged for access tokens at POST /api/token/refresh/")
        }

        section(2, "Create an export: gateway.createExport(...)")
        let created = try await gateway.createExport(
            ExportRequest(source: .dataset(dataset), name: "export-gateway demo"))
        console.line("   Export \(created.id): \(created.status)\(Self.vendorWord(created.rawStatus)).")
        if vendor == .labelStudio {
            console.line(
                "   The simulated server has a task queue (Redis), so the export is queued; without one, Label Studio "
                    + "completes it inside the create.")
        }

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
        let destination = outputFolder.appendingPathComponent(
            "\(Self.fileName(for: ready.id)).\(FileNames.fileExtension(for: ready))")
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

        let credentialRows: [[String]]
        switch vendor {
        case .avala:
            let keyCheck = try checkKeyStayedOffStorage(simulator)
            credentialRows = [
                [
                    "Requests",
                    "\(keyCheck.apiRequests) to the API host, \(keyCheck.storageRequests) to the storage host, \(events.retries) retried, \(events.redirects) redirects",
                ],
                [
                    "API key",
                    "sent on \(keyCheck.apiRequestsWithKey) of \(keyCheck.apiRequests) API requests, on 0 of \(keyCheck.storageRequests) storage requests (from the simulator's request log)",
                ],
            ]
        case .labelStudio:
            let tokenCheck = try checkKeyWentOnlyToTheExchange(simulator, witness: witness)
            let others = tokenCheck.apiRequests - tokenCheck.exchanges
            credentialRows = [
                [
                    "Requests",
                    "\(tokenCheck.apiRequests) to the API, \(tokenCheck.downloads) of them for the file (Label Studio serves files from its API), 0 to any other host, \(events.retries) retried, \(events.redirects) redirects",
                ],
                [
                    "API key",
                    "a personal access token, sent only to the token exchange (POST /api/token/refresh/), \(tokenCheck.exchanges) of \(tokenCheck.apiRequests) requests; the access token it returned on \(tokenCheck.withAccessToken) of the other \(others) (from the gateway's requests and the simulator's request log)",
                ],
            ]
        }
        section(
            6,
            "Same annotations whatever the vendor: createAnnotationExport, wait, downloadAnnotations(as: .coco)")
        console.line("   The same code against each vendor's simulator, seeded with the same five images:")
        let annotationRows = try await AnnotationsDemo(outputFolder: outputFolder, console: console, clock: clock).run()
        Format.table(annotationRows, indent: 5).forEach { console.line($0) }
        console.line(
            "   Avala's YOLO detection file holds boxes only, so its polygons are not there; the others keep them. "
                + "Label Studio states no size for a task with nothing on it, so COCO leaves that image out.")

        section(nil, "Summary")
        let noun = vendor == .labelStudio ? " (a project id)" : ""
        let rows2: [[String]] =
            [
                ["Provider", "\(gateway.provider) (simulated in-process, base URL \(gateway.baseURL.absoluteString))"],
                ["Dataset", "\(dataset)\(noun), \(Format.grouped(Self.datasetItemCount)) items"],
                [
                    "Export",
                    "\(ready.id): \(ready.status)\(Self.vendorWord(ready.rawStatus)) after \(events.polls) polls",
                ],
                ["File", "\(destination.path), \(Format.bytes(file.byteCount))"],
                [
                    "Annotations",
                    "\(annotationRows.count - 1) vendors, each as a COCO folder in \(outputFolder.appendingPathComponent("annotations").path)",
                ],
                [
                    "Items",
                    "\(Format.grouped(count)) counted in \(pageRequests) pages; \(min(itemsShown, count)) shown",
                ],
            ] + credentialRows + [["Time", Format.seconds(ContinuousClock.now - started)]]
        Format.table(rows2, indent: 3).forEach { console.line($0) }

        console.line()
        console.line(vendor.realVendorHint)
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
    private func checkKeyStayedOffStorage(_ simulator: any VendorSimulator) throws -> KeyCheck {
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

    /// Where Label Studio's credentials went, from the gateway's own requests (the key
    /// unredacted) and the simulator's request log (which requests carried any credential).
    private struct TokenCheck {
        var apiRequests = 0
        var exchanges = 0
        var withAccessToken = 0
        var downloads = 0
    }

    /// Checks that the personal access token went only to the token exchange, that every
    /// other request carried a credential (the access token), and that the file came from the
    /// API; throws when not.
    private func checkKeyWentOnlyToTheExchange(
        _ simulator: any VendorSimulator, witness: KeyWitness
    ) throws -> TokenCheck {
        // URL.path drops the trailing slash the route has.
        let isExchange = { (url: URL) in url.path == "/api/token/refresh" || url.path == "/api/token/refresh/" }
        let astray = witness.requests.filter { $0.carriedKey && !isExchange($0.url) }
        guard astray.isEmpty else {
            throw DemoFailure(
                "The personal access token was sent on \(astray.count) request(s) other than the token exchange, "
                    + "such as \(astray[0].method.rawValue) \(astray[0].url.path).")
        }
        var check = TokenCheck()
        for request in simulator.requestLog.requests {
            guard Self.sameOrigin(request.url, simulator.apiBaseURL) else {
                throw DemoFailure("A request went to \(request.url.host ?? "another host"), not to the API.")
            }
            check.apiRequests += 1
            if isExchange(request.url) {
                check.exchanges += 1
            } else if request.carriedCredential {
                check.withAccessToken += 1
            }
            if request.url.path.hasSuffix("/download") { check.downloads += 1 }
        }
        guard check.exchanges > 0, witness.requests.contains(where: { $0.carriedKey }) else {
            throw DemoFailure("The simulator's request log shows no token exchange.")
        }
        guard check.downloads > 0 else {
            throw DemoFailure(
                "The simulator's request log shows no download from the API; the file came from elsewhere.")
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
