import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

@testable import export_gateway

/// The gateway commands, run in-process against the Avala and Pictograph simulators.
@Suite("export-gateway gateway commands")
struct GatewayCommandTests {
    @Test func avalaCreateWaitDownloadWritesTheResultArchive() async throws {
        let simulator = AvalaSimulator()
        let dataset = simulator.seedDataset(named: "street-scenes", itemCount: 30)
        let cli = CLIHarness(avala: simulator)

        let created = await cli.run(["exports", "create", dataset, "--json"])
        #expect(created.status == .success, "stderr: \(created.errors)")
        let id = try #require(try created.json()["id"]?.stringValue)

        let waited = await cli.run(["exports", "wait", id, "--timeout", "10m", "--poll", "1s"])
        #expect(waited.status == .success, "stderr: \(waited.errors)")
        #expect(waited.output.contains("Export \(id) completed"))
        #expect(waited.errors.contains("Waiting for \(id): "), "the wait shows each poll on stderr")
        #expect(waited.errors.contains("elapsed"))
        #expect(!cli.clock.sleeps.isEmpty, "waits sleep on the injected clock")

        let file = CLIHarness.temporaryFile("avala.zip")
        defer { try? FileManager.default.removeItem(at: file) }
        let downloaded = await cli.run(["exports", "download", id, "--output", file.path])
        #expect(downloaded.status == .success, "stderr: \(downloaded.errors)")
        #expect(downloaded.output.contains("Saved"))
        let entries = try #require(ZipArchive.entries(of: try Data(contentsOf: file)))
        let document = try JSONValue(parsing: try #require(entries.first).contents)
        #expect(document["items"]?.arrayValue?.count == 30)
        #expect(simulator.requestLog.requests(to: simulator.storageBaseURL).allSatisfy { !$0.carriedCredential })
    }

    @Test func labelboxCreateWaitRecordsAndDownloadStreamTheRows() async throws {
        let simulator = LabelboxSimulator()
        simulator.scriptNextExportErrors(count: 2)
        let dataset = simulator.seedDataset(named: "street-scenes", itemCount: 25)
        let cli = CLIHarness(labelbox: simulator)

        let created = await cli.run(["exports", "create", dataset, "--option", "data_row_details=true", "--quiet"])
        #expect(created.status == .success, "stderr: \(created.errors)")
        let id = try #require(created.lines.first)
        let waited = await cli.run(["exports", "wait", id, "--timeout", "10m"])
        #expect(waited.status == .success, "stderr: \(waited.errors)")

        let records = await cli.run(["exports", "records", id, "--json"])
        #expect(records.status == .success, "stderr: \(records.errors)")
        let rows = try records.lines.map { try JSONValue(parsing: Data($0.utf8)) }
        #expect(rows.count == 25)
        #expect(Set(rows.compactMap { $0["id"]?.stringValue }).count == 25)
        #expect(rows.allSatisfy { $0["providerFields"]?["data_row"]?["details"] != nil })

        let limited = await cli.run(["exports", "records", id, "--limit", "3"])
        #expect(limited.output.contains("3 items (--limit reached)"), "\(limited.output)")

        let errors = await cli.run(["exports", "records", id, "--errors"])
        #expect(errors.status == .success)
        #expect(errors.lines.count == 2 && errors.errors.contains("2 error records"))

        let file = CLIHarness.temporaryFile("labelbox.ndjson")
        defer { try? FileManager.default.removeItem(at: file) }
        let downloaded = await cli.run(["exports", "download", id, "--output", file.path])
        #expect(downloaded.status == .success, "stderr: \(downloaded.errors)")
        #expect(try String(contentsOf: file, encoding: .utf8).split(separator: "\n").count == 25)
        #expect(simulator.requestLog.requests(to: simulator.storageBaseURL).allSatisfy { !$0.carriedCredential })
    }

    @Test func recordsOfAProviderThatDoesNotStreamSaysSo() async throws {
        let simulator = AvalaSimulator()
        let dataset = simulator.seedDataset(named: "street-scenes", itemCount: 3)
        let cli = CLIHarness(avala: simulator)
        let created = await cli.run(["exports", "create", dataset, "--quiet"])
        let id = try #require(created.lines.first)
        let records = await cli.run(["exports", "records", id])
        #expect(records.status.rawValue == 3)
        #expect(records.errors.contains("streaming records"))
    }

    @Test func pictographCreateWaitDownloadHonorsFormatFiltersAndOptions() async throws {
        let simulator = PictographSimulator()
        let dataset = simulator.seedDataset(named: "street scenes", itemCount: 12)
        let cli = CLIHarness(pictograph: simulator)

        let created = await cli.run([
            "exports", "create", dataset, "--name", "nightly", "--format", "coco", "--class", "car",
            "--option", "organize_by_split=true", "--quiet",
        ])
        #expect(created.status == .success, "stderr: \(created.errors)")
        let id = try #require(created.lines.first)
        let body = try #require(simulator.requestLog.requests.first { $0.method == .post }?.body)
        let sent = try JSONValue(parsing: body)
        #expect(sent["format"]?.stringValue == "coco")
        #expect(sent["class_filter"] == ["car"])
        #expect(sent["organize_by_split"] == true, "a JSON value given to --option is sent as JSON")

        #expect(await cli.run(["exports", "wait", id, "--quiet"]).status == .success)
        let file = CLIHarness.temporaryFile("pictograph.zip")
        defer { try? FileManager.default.removeItem(at: file) }
        let downloaded = await cli.run(["exports", "download", id, "-o", file.path, "--json"])
        #expect(downloaded.status == .success, "stderr: \(downloaded.errors)")
        #expect(try downloaded.json()["path"]?.stringValue == file.path)
        let entries = try #require(ZipArchive.entries(of: try Data(contentsOf: file)))
        #expect(!entries.isEmpty)
        #expect(try downloaded.json()["byteCount"]?.intValue == Int64(try Data(contentsOf: file).count))
    }

    @Test func itemsListPrintsOneParsableJSONObjectPerLine() async throws {
        let simulator = AvalaSimulator()
        let dataset = simulator.seedDataset(named: "many", itemCount: 45)
        let cli = CLIHarness(avala: simulator)

        let all = await cli.run(["items", "list", dataset, "--json", "--page-size", "10"])
        #expect(all.status == .success, "stderr: \(all.errors)")
        let items = try all.lines.map { try JSONValue(parsing: Data($0.utf8)) }
        #expect(items.count == 45)
        #expect(Set(items.compactMap { $0["id"]?.stringValue }).count == 45)
        #expect(items.allSatisfy { $0["kind"]?.stringValue == "item" && $0["providerFields"] != nil })

        simulator.requestLog.removeAll()
        let some = await cli.run(["items", "list", dataset, "--json", "--limit", "5", "--page-size", "5"])
        #expect(some.lines.count == 5)
        #expect(simulator.requestLog.requests.count == 1, "--limit stops fetching pages")

        let id = try #require(items.first?["id"]?.stringValue)
        let one = await cli.run(["items", "get", dataset, id, "--json"])
        #expect(try one.json()["id"]?.stringValue == id)
    }

    @Test func itemsTableAlignsColumnsPastTheRowsItSizedThemBy() async throws {
        let simulator = AvalaSimulator()
        let dataset = simulator.seedDataset(named: "long", itemCount: Listing<Item>.sampleSize + 20)
        let run = await CLIHarness(avala: simulator).run(["items", "list", dataset])
        #expect(run.status == .success, "stderr: \(run.errors)")
        let rows = run.lines.dropLast()
        #expect(rows.count == 1 + Listing<Item>.sampleSize + 20)
        let keyColumn = try #require(rows.first?.range(of: "KEY")).lowerBound.utf16Offset(in: try #require(rows.first))
        for row in rows.dropFirst() {
            #expect(row.dropFirst(keyColumn).hasPrefix("image_"), "row misaligned: \(row)")
        }
        #expect(run.lines.last == "\(Listing<Item>.sampleSize + 20) items.")
    }

    @Test func exportsListAndGetPrintJSONThatParses() async throws {
        let simulator = PictographSimulator()
        let dataset = simulator.seedDataset(named: "cats", itemCount: 3)
        let cli = CLIHarness(pictograph: simulator)
        let first = await cli.run(["exports", "create", dataset, "-q"]).lines.first ?? ""
        let second = await cli.run(["exports", "create", dataset, "-q"]).lines.first ?? ""

        let listed = await cli.run(["exports", "list", "--json"])
        #expect(listed.status == .success, "stderr: \(listed.errors)")
        let ids = try listed.lines.map { try JSONValue(parsing: Data($0.utf8))["id"]?.stringValue }
        #expect(Set(ids) == [first, second])

        let shown = await cli.run(["exports", "get", first, "--json"])
        let export = try shown.json()
        #expect(export["provider"]?.stringValue == "pictograph")
        #expect(export["status"]?.stringValue != nil)

        let table = await cli.run(["exports", "list"])
        #expect(table.lines.first?.hasPrefix("ID") == true)
        #expect(table.output.contains("2 exports."))
    }

    @Test func deleteReportsDeletedAndUnknownIds() async throws {
        let simulator = PictographSimulator()
        let cli = CLIHarness(pictograph: simulator)
        let id =
            await cli.run(["exports", "create", simulator.seedDataset(named: "d", itemCount: 1), "-q"]).lines.first
            ?? ""
        var admin = cli
        admin.variables["PICTOGRAPH_API_KEY"] = simulator.adminAPIKey

        let deleted = await admin.run(["exports", "delete", id, "no-such-export", "--json"])
        #expect(deleted.status == .success, "stderr: \(deleted.errors)")
        #expect(try deleted.json()["deleted"] == [.string(id)])
        #expect(try deleted.json()["notFound"] == ["no-such-export"])
    }

    @Test func providersShowsWhetherTheKeyIsSetButNeverTheKey() async throws {
        let simulator = AvalaSimulator()
        let cli = CLIHarness(avala: simulator)

        let human = await cli.run(["providers"])
        #expect(human.status == .success, "stderr: \(human.errors)")
        #expect(human.output.contains("Configured provider: avala"))
        #expect(human.output.contains("set (AVALA_API_KEY)"))
        #expect(human.output.contains("not set (set PICTOGRAPH_API_KEY)"))

        let json = await cli.run(["providers", "--json"])
        let document = try json.json()
        #expect(document["configured"]?.stringValue == "avala")
        let avala = try #require(document["providers"]?.arrayValue?.first { $0["id"]?.stringValue == "avala" })
        #expect(avala["apiKeySet"] == true)
        #expect(avala["baseURL"]?.stringValue == simulator.apiBaseURL.absoluteString)
        #expect(avala["capabilities"]?["itemKinds"] == ["item", "sequence"])
        for run in [human, json] {
            #expect(!run.output.contains(simulator.apiKey) && !run.errors.contains(simulator.apiKey))
        }
    }

    @Test func providersExitsOneForAnUnknownProviderAfterTheReport() async throws {
        let run = await CLIHarness(avala: AvalaSimulator()).run(["providers", "--provider", "labelbx", "--json"])
        #expect(run.status == .failure)
        let document = try run.json()
        #expect(document["configured"]?.stringValue == "labelbx")
        #expect(document["problem"]?.stringValue?.contains("Known providers: avala, pictograph") == true)
        #expect(run.errors.contains("Unknown provider"))
    }

    @Test func flagsOverrideTheEnvironmentAndAConfigFileWorks() async throws {
        let simulator = PictographSimulator()
        let dataset = simulator.seedDataset(named: "d", itemCount: 1)
        var cli = CLIHarness(pictograph: simulator)
        cli.variables["EXPORT_GATEWAY_PROVIDER"] = "avala"
        cli.variables["EXPORT_GATEWAY_BASE_URL"] = "https://nowhere.invalid"

        let flagged = await cli.run([
            "--provider", "pictograph", "--base-url", simulator.apiBaseURL.absoluteString, "exports", "create", dataset,
            "-q",
        ])
        #expect(flagged.status == .success, "stderr: \(flagged.errors)")

        let file = CLIHarness.temporaryFile("gateway.json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"provider": "pictograph", "pageSize": 7}"#.utf8).write(to: file)
        cli.variables["EXPORT_GATEWAY_PROVIDER"] = nil
        cli.variables["EXPORT_GATEWAY_BASE_URL"] = simulator.apiBaseURL.absoluteString
        let configured = await cli.run(["exports", "list", "--config", file.path, "-q"])
        #expect(configured.status == .success, "stderr: \(configured.errors)")
        #expect(simulator.requestLog.requests.last?.url.query?.contains("limit=7") == true)
    }
}
