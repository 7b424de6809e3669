import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

@testable import export_gateway

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("export-gateway simulate")
struct SimulateCommandTests {
    /// The printed value after `label:` in the block of `vendor`.
    private func printed(_ label: String, of vendor: String, in output: String) throws -> String {
        let block = try #require(output.components(separatedBy: "\n\n").first { $0.contains("(\(vendor))") })
        let line = try #require(
            block.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label + ":") })
        let value = line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
        return String(value.split(separator: " ")[0])
    }

    /// A simulation started with `options`, and what it printed.
    private func started(_ options: SimulationOptions) async throws -> (simulation: Simulation, output: String) {
        let simulation = try await Simulation.start(options)
        let captured = CapturedConsole()
        simulation.describe(on: captured.console)
        return (simulation, captured.output)
    }

    @Test func setupServesEveryVendorToAGatewayOverLoopback() async throws {
        let simulation = try await Simulation.start(SimulationOptions(items: 12, exportPolls: 1))
        let captured = CapturedConsole()
        simulation.describe(on: captured.console)
        let output = captured.output

        // Over loopback to the vendor's simulator, whose key and base URL are the ones printed.
        func gateway(_ vendor: SimulatedVendor) throws -> Gateway {
            let running = try #require(simulation.vendors.first { $0.vendor == vendor })
            #expect(try printed("API key", of: vendor.rawValue, in: output) == running.apiKey)
            #expect(try printed("base URL", of: vendor.rawValue, in: output) == running.apiBaseURL.absoluteString)
            return running.simulator.gateway(transport: URLSessionTransport())
        }

        let avala = try gateway(.avala)
        let avalaDataset = DatasetRef(rawValue: try printed("dataset", of: "avala", in: output))
        #expect(try await avala.items(in: avalaDataset).collect(upTo: 100_000).count == 12)
        let created = try await avala.createExport(ExportRequest(source: .dataset(avalaDataset)))
        #expect(try await avala.wait(for: created, timeout: .seconds(60)).status == .completed)

        let pictograph = try gateway(.pictograph)
        let pictographDataset = DatasetRef(rawValue: try printed("dataset", of: "pictograph", in: output))
        let export = try await pictograph.createExport(
            ExportRequest(source: .dataset(pictographDataset), name: "from-cli-test"))
        #expect(try await pictograph.exports().collect(upTo: 100_000).map(\.id) == [export.id])
        #expect(
            try printed("storage URL", of: "pictograph", in: output)
                != (try printed("base URL", of: "pictograph", in: output)))

        let labelStudio = try gateway(.labelStudio)
        let project = DatasetRef(rawValue: try printed("dataset", of: "label-studio", in: output))
        #expect(try await labelStudio.items(in: project).collect(upTo: 100_000).count == 12)
        await simulation.stop()
    }

    @Test func labelStudioPrintsItsKeyAsATokenToExchangeAndItsProject() async throws {
        let (simulation, output) = try await started(SimulationOptions(vendors: [.labelStudio], items: 7))
        let running = try #require(simulation.vendors.first)
        let base = try printed("base URL", of: "label-studio", in: output)
        let key = try printed("API key", of: "label-studio", in: output)
        // The API's origin itself, with no path: every route starts /api/.
        #expect(base == running.apiBaseURL.absoluteString && URL(string: base)?.path == "")
        #expect(key == running.apiKey)
        #expect(try printed("dataset", of: "label-studio", in: output) == "1")
        #expect(output.contains("Label Studio (label-studio)"))
        #expect(output.contains(#"personal access token: POST it as {"refresh": KEY} to /api/token/refresh/"#))
        #expect(output.contains("environment:  LABEL_STUDIO_API_KEY=\(key) LABEL_STUDIO_URL=\(base)"))
        #expect(output.contains("completed by the create"))

        // What curl does with the printed key: exchange it, then send the access token.
        let transport = URLSessionTransport()
        let exchanged = try await transport.send(
            HTTPRequest(
                method: .post, url: try #require(URL(string: base + "/api/token/refresh/")),
                headers: ["Content-Type": "application/json"], body: Data(#"{"refresh": "\#(key)"}"#.utf8)))
        #expect(exchanged.status == 200)
        let access = try #require(try JSONValue(parsing: exchanged.body)["access"]?.stringValue)
        let tasks = try #require(URL(string: base + "/api/tasks/?project=1&page_size=100"))
        let listed = try await transport.send(HTTPRequest(url: tasks, headers: ["Authorization": "Bearer \(access)"]))
        #expect(listed.status == 200)
        #expect(try JSONValue(parsing: listed.body)["tasks"]?.arrayValue?.count == 7)
        // The key itself is no Bearer token.
        #expect(
            try await transport.send(HTTPRequest(url: tasks, headers: ["Authorization": "Bearer \(key)"])).status == 401
        )
        await simulation.stop()
    }

    /// `exports create`, `get`, `wait`, `download` and `items list` against `simulate --vendors
    /// label-studio`, over loopback, configured with the lines it printed; without
    /// `--export-polls` the create completes the export, with it the export is queued.
    @Test(arguments: [nil, 2] as [Int?])
    func cliCreateWaitDownloadAndListItemsAgainstSimulatedLabelStudio(exportPolls: Int?) async throws {
        let simulation = try await Simulation.start(
            SimulationOptions(vendors: [.labelStudio], items: 9, exportPolls: exportPolls))
        let captured = CapturedConsole()
        simulation.describe(on: captured.console)
        let output = captured.output
        let cli = CLIHarness(
            variables: [
                "EXPORT_GATEWAY_PROVIDER": "label-studio",
                "LABEL_STUDIO_API_KEY": try printed("API key", of: "label-studio", in: output),
                "LABEL_STUDIO_URL": try printed("base URL", of: "label-studio", in: output),
            ],
            transport: URLSessionTransport())
        let dataset = try printed("dataset", of: "label-studio", in: output)

        let created = await cli.run(["exports", "create", dataset, "--quiet"])
        #expect(created.status == .success, "stderr: \(created.errors)")
        let id = try #require(created.lines.first)
        let read = await cli.run(["exports", "get", id, "--json"])
        #expect(try read.json()["status"] == .string(exportPolls == nil ? "completed" : "running"))
        let waited = await cli.run(["exports", "wait", id, "--timeout", "5m", "--poll", "1s"])
        #expect(waited.status == .success, "stderr: \(waited.errors)")

        // Into a folder: Label Studio gives no file name, and its snapshot is JSON, not a ZIP.
        let folder = CLIHarness.temporaryFile("label-studio")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let downloaded = await cli.run(["exports", "download", id, "--output", folder.path + "/"])
        #expect(downloaded.status == .success, "stderr: \(downloaded.errors)")
        let file = folder.appendingPathComponent("\(FileNames.safe(id)).json")
        let tasks = try #require(try JSONValue(parsing: Data(contentsOf: file)).arrayValue)
        #expect(tasks.count == 9)

        let listed = await cli.run(["items", "list", dataset, "--json"])
        #expect(listed.status == .success, "stderr: \(listed.errors)")
        let items = try listed.lines.map { try JSONValue(parsing: Data($0.utf8)) }
        #expect(items.compactMap { $0["id"]?.stringValue } == tasks.compactMap { $0["id"]?.intValue.map(String.init) })
        #expect(items.count == 9)
        await simulation.stop()
    }

    @Test(arguments: [("avala", "result.zip"), ("pictograph", "result.zip"), ("labelbox", "rows.ndjson")])
    func cliCreateWaitDownloadAgainstSimulateOverHTTP(vendor: String, fileName: String) async throws {
        let simulation = try await Simulation.start(
            SimulationOptions(vendors: [try #require(SimulatedVendor(rawValue: vendor))], items: 9, exportPolls: 2))
        let captured = CapturedConsole()
        simulation.describe(on: captured.console)
        let output = captured.output
        let descriptor = try #require(SimulatedVendor(rawValue: vendor)).descriptor
        // Exactly what a user copies from simulate's output into their shell.
        let cli = CLIHarness(
            variables: [
                "EXPORT_GATEWAY_PROVIDER": vendor,
                descriptor.apiKeyEnvironmentVariable: try printed("API key", of: vendor, in: output),
                descriptor.baseURLEnvironmentVariable: try printed("base URL", of: vendor, in: output),
            ],
            transport: URLSessionTransport())
        let dataset = try printed("dataset", of: vendor, in: output)

        let created = await cli.run(["exports", "create", dataset, "--quiet"])
        #expect(created.status == .success, "stderr: \(created.errors)")
        let id = try #require(created.lines.first)
        let waited = await cli.run(["exports", "wait", id, "--timeout", "5m", "--poll", "1s"])
        #expect(waited.status == .success, "stderr: \(waited.errors)")
        let file = CLIHarness.temporaryFile(fileName)
        defer { try? FileManager.default.removeItem(at: file) }
        let downloaded = await cli.run(["exports", "download", id, "--output", file.path])
        #expect(downloaded.status == .success, "stderr: \(downloaded.errors)")
        let bytes = try Data(contentsOf: file)
        if vendor == "labelbox" {
            #expect(String(decoding: bytes, as: UTF8.self).split(separator: "\n").count == 9)
        } else {
            #expect(ZipArchive.entries(of: bytes)?.isEmpty == false)
        }
        await simulation.stop()
    }

    @Test func curlStyleRequestWithThePrintedKeyListsAvalaExports() async throws {
        let simulation = try await Simulation.start(SimulationOptions(vendors: [.avala], items: 3))
        let captured = CapturedConsole()
        simulation.describe(on: captured.console)
        let base = try printed("base URL", of: "avala", in: captured.output)
        let key = try printed("API key", of: "avala", in: captured.output)
        // What `curl -H 'X-Avala-Api-Key: <key>' <base URL>/exports/` sends: one header, nothing else of ours.
        var request = URLRequest(url: try #require(URL(string: base + "/exports/")))
        request.setValue(key, forHTTPHeaderField: "X-Avala-Api-Key")
        let (body, response) = try await URLSession(configuration: .ephemeral).data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let listing = try JSONValue(parsing: body)
        #expect(listing["results"]?.arrayValue?.isEmpty == true)
        var wrongKey = request
        wrongKey.setValue("not-the-key", forHTTPHeaderField: "X-Avala-Api-Key")
        #expect(
            (try await URLSession(configuration: .ephemeral).data(for: wrongKey).1 as? HTTPURLResponse)?.statusCode
                == 401)
        await simulation.stop()
    }

    /// `contents` in a temporary faults file, whose path `body` is given; removed afterwards.
    private func withFaultsFile<Result>(
        _ contents: String, _ body: (String) async throws -> Result
    ) async throws -> Result {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("eg-faults-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(contents.utf8).write(to: file)
        return try await body(file.path)
    }

    @Test func faultsFileInjectsFaultsForTheNamedVendor() async throws {
        let faults = try await withFaultsFile(
            #"{"faults": [{"vendor": "pictograph", "fault": "rateLimited", "retryAfter": 9, "method": "GET", "count": 1}]}"#
        ) { try FaultPlan(contentsOf: $0, vendors: [.pictograph]) }
        let simulation = try await Simulation.start(SimulationOptions(vendors: [.pictograph], faults: faults))
        let vendor = try #require(simulation.vendors.first)
        let request = HTTPRequest(
            url: vendor.apiBaseURL.appendingPathComponent("api/v1/developer/exports"),
            headers: ["X-API-Key": vendor.apiKey])
        let limited = try await URLSessionTransport().send(request)
        #expect(limited.status == 429 && limited.headers["Retry-After"] == "9")
        #expect(try await URLSessionTransport().send(request).status == 200)
        await simulation.stop()
    }

    @Test func faultsFileInjectsFaultsIntoLabelStudio() async throws {
        let faults = try await withFaultsFile(
            #"{"faults": [{"vendor": "label-studio", "fault": "rateLimited", "retryAfter": 9, "method": "GET", "pathPrefix": "/api/projects/"}, {"vendor": "label-studio", "fault": "serverError", "method": "GET", "pathPrefix": "/api/projects/1/exports/", "count": 2}]}"#
        ) { try FaultPlan(contentsOf: $0, vendors: [.labelStudio]) }
        #expect(faults.entries.map(\.vendor) == ["label-studio", "label-studio"])
        let simulation = try await Simulation.start(
            SimulationOptions(vendors: [.labelStudio], items: 4, exportPolls: 1, faults: faults))
        let vendor = try #require(simulation.vendors.first)
        let labelStudio = try #require(vendor.simulator as? LabelStudioSimulator)
        let request = HTTPRequest(
            url: try #require(URL(string: vendor.apiBaseURL.absoluteString + "/api/projects/")),
            headers: ["Authorization": "Bearer \(try #require(labelStudio.accessToken()))"])
        let limited = try await URLSessionTransport().send(request)
        #expect(limited.status == 429 && limited.headers["Retry-After"] == "9")
        #expect(try await URLSessionTransport().send(request).status == 200)

        // Through a gateway: the export's first read answers 500 twice, and is retried.
        let gateway = vendor.simulator.gateway(transport: URLSessionTransport())
        let created = try await gateway.createExport(
            ExportRequest(source: .dataset(DatasetRef(rawValue: vendor.dataset))))
        let ready = try await gateway.wait(for: created, timeout: .seconds(60))
        #expect(ready.status == .completed)
        #expect(labelStudio.requestLog.requests.filter { $0.status == 500 }.count == 2)
        await simulation.stop()
    }

    @Test func everyCatalogFaultIsNameableWithItsValues() async throws {
        let entries = SimulatedFault.catalog.map { entry in
            let origin = entry.fault.origins.contains(.api) ? "api" : "storage"
            return #"{"vendor": "labelbox", "fault": "\#(entry.name)", "origin": "\#(origin)"}"#
        }
        let valued = [
            #"{"vendor": "labelbox", "fault": "rateLimitedUntilSimulatedDate", "retryAfter": 30}"#,
            #"{"vendor": "labelbox", "fault": "stalledBody", "milliseconds": 90000, "origin": "storage"}"#,
            #"{"vendor": "labelbox", "fault": "slowBody", "bytes": 64, "milliseconds": 5}"#,
            #"{"vendor": "labelbox", "fault": "unknownStatusWord", "word": "ON_HOLD"}"#,
        ]
        let plan = try await withFaultsFile("[\((entries + valued).joined(separator: ", "))]") {
            try FaultPlan(contentsOf: $0, vendors: [.labelbox])
        }
        #expect(FaultPlan.faultNames == SimulatedFault.catalog.map(\.name))
        #expect(plan.entries.prefix(entries.count).map(\.simulatedFault) == SimulatedFault.catalog.map(\.fault))
        #expect(
            plan.entries.suffix(valued.count).map(\.simulatedFault) == [
                .rateLimitedUntilSimulatedDate(secondsAhead: 30), .stalledBody(for: .seconds(90)),
                .slowBody(bytesPerWrite: 64, interval: .milliseconds(5)), .unknownStatusWord("ON_HOLD"),
            ])
    }

    @Test func faultsFileCanNameTheNewFaultsOverLoopback() async throws {
        let faults = try await withFaultsFile(
            #"[{"vendor": "avala", "fault": "missingListField", "pathPrefix": "/api/v1/exports/"}, {"vendor": "avala", "fault": "redirectToFile", "method": "GET"}]"#
        ) { try FaultPlan(contentsOf: $0, vendors: [.avala]) }
        let simulation = try await Simulation.start(SimulationOptions(vendors: [.avala], faults: faults))
        let vendor = try #require(simulation.vendors.first)
        let request = HTTPRequest(
            url: vendor.apiBaseURL.appendingPathComponent("exports/"), headers: ["X-Avala-Api-Key": vendor.apiKey])
        // A fault in the vendor's place goes first; the edit waits for the next answer.
        let redirected = try await URLSessionTransport().send(request)
        #expect(redirected.status == 302 && redirected.headers["Location"] == "file:///etc/passwd")
        let listing = try await URLSessionTransport().send(request)
        #expect(listing.status == 200)
        #expect(try JSONValue(parsing: listing.body)["results"] == nil)
        #expect(try JSONValue(parsing: try await URLSessionTransport().send(request).body)["results"] == [])
        await simulation.stop()
    }

    @Test(arguments: [
        (#"{"faults": [{"vendor": "avala", "fault": "meteorStrike"}]}"#, "known faults"),
        (#"[{"vendor": "avala", "fault": "expiredSignedURL"}]"#, "applies to the storage origin only"),
        (#"[{"vendor": "avala", "fault": "unauthorized", "origin": "storage"}]"#, "applies to the api origin only"),
        (#"[{"vendor": "avala", "fault": "stalledBody", "milliseconds": -1}]"#, "negative"),
        (#"[{"vendor": "avala", "fault": "slowBody", "bytes": 0}]"#, "zero count or bytes"),
        (#"{"faults": [{"vendor": "scale", "fault": "serverError"}]}"#, "vendor \"scale\""),
        (#"{"faults": [{"vendor": "avala", "fault": "serverError", "origin": "moon"}]}"#, "\"api\" or \"storage\""),
        ("not json", "not a JSON list of faults"),
        (#"[{"vendor": "avala", "fault": "stalledBody", "miliseconds": 900}]"#, "Did you mean \"milliseconds\"?"),
        (#"{"faults": [{"vendor": "avala", "fault": "serverError", "times": 2}]}"#, "unknown key \"times\""),
        (
            #"[{"vendor": "label-studio", "fault": "dropConnection", "origin": "storage"}]"#,
            "its files come from its API"
        ),
    ])
    func badFaultsFileIsAUsageErrorSayingWhy(contents: String, says: String) async throws {
        let captured = CapturedConsole()
        let status = try await withFaultsFile(contents) { path in
            await Tool.run(["export-gateway", "simulate", "--faults", path], console: captured.console)
        }
        #expect(status == .usage)
        #expect(captured.errors.contains(says), "stderr was: \(captured.errors)")
    }

    /// The options `simulate` runs with when typed with `words`, as the tool reads them.
    private func simulationOptions(_ words: [String]) throws -> SimulationOptions? {
        guard case .run(_, let arguments) = try ArgumentParser(root: Commands.root).parse(["simulate"] + words) else {
            Issue.record("simulate \(words) does not run")
            return nil
        }
        return try SimulationOptions(arguments)
    }

    @Test(arguments: [
        ([String](), Duration.zero, Duration.zero), (["--latency", "50ms"], .milliseconds(50), .zero),
        (["--latency", "0"], .zero, .zero),
        (["--latency", "0.2s", "--jitter", "5ms"], .milliseconds(200), .milliseconds(5)),
        (["--latency=1s", "--jitter", "0ms"], .seconds(1), .zero),
    ])
    func latencyAndJitterReadAsDurations(words: [String], latency: Duration, jitter: Duration) throws {
        let options = try #require(try simulationOptions(words))
        #expect(options.latency.roundTrip == latency)
        #expect(options.latency.jitter == jitter)
    }

    @Test(arguments: [
        (["--latency", "fast"], "--latency"), (["--latency", "-5ms"], "--latency"), (["--latency", "2m"], "--latency"),
        (["--jitter", "0.1ms"], "--jitter"), (["--latency", "50ms", "--jitter", "soon"], "--jitter"),
    ])
    func badLatencyIsAUsageErrorNamingTheOption(words: [String], option: String) async {
        let captured = CapturedConsole()
        #expect(await Tool.run(["export-gateway", "simulate"] + words, console: captured.console) == .usage)
        #expect(captured.errors.contains("Option '\(option)'"), "stderr was: \(captured.errors)")
        #expect(captured.errors.contains("such as 50ms"), "stderr was: \(captured.errors)")
    }

    @Test func latencyDelaysEveryAnswerOverLoopbackAndIsPrinted() async throws {
        let (simulation, output) = try await started(
            SimulationOptions(vendors: [.avala], items: 3, latency: SimulatedLatency(roundTrip: .milliseconds(40))))
        #expect(output.contains("Latency: every API and storage answer waits 40ms."))
        let running = try #require(simulation.vendors.first)
        let clock = ContinuousClock()
        let started = clock.now
        let answer = try await URLSessionTransport().send(
            HTTPRequest(
                url: running.apiBaseURL.appendingPathComponent("exports/"),
                headers: ["X-Avala-Api-Key": running.apiKey]))
        // A lower bound only: the answer cannot come sooner than the round trip it waits.
        #expect(answer.status == 200 && clock.now - started >= .milliseconds(40))
        await simulation.stop()
    }

    @Test func labelboxPrintsAProjectBesideTheDatasetThatExportsOverLoopback() async throws {
        let (simulation, output) = try await started(SimulationOptions(vendors: [.labelbox], items: 8, exportPolls: 1))
        let running = try #require(simulation.vendors.first)
        let project = try printed("project", of: "labelbox", in: output)
        let dataset = try printed("dataset", of: "labelbox", in: output)
        #expect(project == running.project && project != dataset)

        let gateway = running.simulator.gateway(transport: URLSessionTransport())
        let export = try await gateway.createExport(ExportRequest(source: .project(project)))
        let done = try await gateway.wait(for: export, timeout: .seconds(60))
        #expect(done.status == .completed)
        #expect(try await gateway.records(of: done).collect(upTo: 100).count == 8)
        await simulation.stop()
    }

    @Test func unknownVendorIsAUsageError() async {
        let captured = CapturedConsole()
        #expect(
            await Tool.run(["export-gateway", "simulate", "--vendors", "avala,labelbx"], console: captured.console)
                == .usage)
        #expect(captured.errors.contains("Unknown vendor 'labelbx'"))
        #expect(captured.errors.contains("avala, pictograph, labelbox, label-studio"))
    }

    @Test func helpDocumentsTheFaultsFormatWithAnExample() async {
        let captured = CapturedConsole()
        #expect(await Tool.run(["export-gateway", "simulate", "--help"], console: captured.console) == .success)
        // The help is wrapped to the terminal's width: read it as one line.
        let help = captured.output.replacingOccurrences(of: "\n", with: " ")
        for text in [
            "--faults FILE", "\"vendor\"", "rateLimited", "Examples:", "curl", "POST /api/token/refresh/",
            "--latency DURATION", "--jitter DURATION", "round trip", "project",
        ] {
            #expect(help.contains(text), "help lacks \(text)")
        }
        // The vendors a fault may name, from SimulatedVendor.allCases.
        #expect(help.contains("\"vendor\" (avala, pictograph, labelbox or label-studio)"))
        for vendor in SimulatedVendor.allCases { #expect(help.contains(vendor.rawValue)) }
    }
}
