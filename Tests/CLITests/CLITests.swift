import ExportGateway
import ExportGatewayTesting
import Foundation
import Synchronization
import Testing

@testable import export_gateway

/// Lines a command wrote, captured instead of printed, and the environment it ran in.
final class CapturedConsole: Sendable {
    private let lines = Mutex<[(text: String, isError: Bool)]>([])
    private let isTerminal: Bool
    private let environment: ToolEnvironment

    /// A capture for a command that runs against `environment` (by default an empty set of
    /// variables, so nothing of the developer's own configuration leaks in).
    init(isTerminal: Bool = false, environment: ToolEnvironment = ToolEnvironment(variables: [:])) {
        self.isTerminal = isTerminal
        self.environment = environment
    }

    var console: Console {
        Console(
            capture: { line, isError in self.lines.withLock { $0.append((line, isError)) } }, isTerminal: isTerminal,
            environment: environment)
    }
    var output: String { lines.withLock { $0.filter { !$0.isError }.map(\.text).joined(separator: "\n") } }
    var errors: String { lines.withLock { $0.filter(\.isError).map(\.text).joined(separator: "\n") } }
}

@Suite("export-gateway command line")
struct CLITests {
    @Test func helpListsEveryCommandAndSucceeds() async {
        let captured = CapturedConsole()
        let status = await Tool.run(["export-gateway", "--help"], console: captured.console)
        #expect(status == .success)
        for command in ["demo", "simulate", "version", "help"] { #expect(captured.output.contains("  \(command) ")) }
    }

    @Test(arguments: [
        (["demoo"], "Did you mean 'demo'?"),
        (["demo", "--itmes", "3"], "Did you mean '--items'?"),
        (["demo", "--items", "many"], "--items"),
    ])
    func typingMistakesExitWithUsageAndSaySo(words: [String], says: String) async {
        let captured = CapturedConsole()
        let status = await Tool.run(["export-gateway"] + words, console: captured.console)
        #expect(status == .usage)
        #expect(captured.errors.contains(says), "stderr was: \(captured.errors)")
    }

    @Test func versionPrintsTheLibraryVersion() async {
        let captured = CapturedConsole()
        #expect(await Tool.run(["export-gateway", "version"], console: captured.console) == .success)
        #expect(captured.output == "export-gateway \(UserAgent.libraryVersion)")
    }

    /// The files (not folders) directly in `folder`.
    private static func regularFiles(in folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
            .filter { try $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true }
    }

    @Test func demoDownloadsAValidArchiveAndProvesTheKeyStayedOffStorage() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let captured = CapturedConsole()
        let clock = VirtualClock()
        try await Demo(outputFolder: folder, itemsShown: 3, console: captured.console, clock: clock).run()

        let files = try Self.regularFiles(in: folder)
        #expect(files.count == 1 && files[0].pathExtension == "zip")
        // The closing part: one COCO folder per vendor, from the same code.
        let annotations = folder.appendingPathComponent("annotations")
        let vendors = try FileManager.default.contentsOfDirectory(atPath: annotations.path).sorted()
        #expect(vendors == ["coco-avala", "coco-label-studio", "coco-labelbox", "coco-pictograph"])
        for vendor in vendors {
            let json = annotations.appendingPathComponent("\(vendor)/annotations")
            #expect(try !FileManager.default.contentsOfDirectory(atPath: json.path).isEmpty, "\(vendor)")
        }
        #expect(captured.output.contains("record stream, mapped"))
        #expect(captured.output.contains("yolo file, read"))
        let archive = try Data(contentsOf: try #require(files.first))
        let entries = try #require(ZipArchive.entries(of: archive))
        let document = try JSONDecoder().decode(JSONValue.self, from: try #require(entries.first).contents)
        #expect(document["items"]?.arrayValue?.count == Demo.datasetItemCount)
        #expect(captured.output.contains("Counted \(Demo.datasetItemCount) items"))
        #expect(captured.output.contains("on 0 of"))
        #expect(!clock.sleeps.isEmpty, "the waits should sleep on the injected clock")
    }

    @Test func demoAgainstLabelStudioLeavesItsJSONSnapshotOfTheSeededTasks() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let captured = CapturedConsole()
        let clock = VirtualClock()
        try await Demo(
            outputFolder: folder, itemsShown: 3, console: captured.console, vendor: .labelStudio, clock: clock
        )
        .run()

        // Label Studio's stored export is one JSON file, an array of tasks: kept as .json.
        let files = try Self.regularFiles(in: folder)
        #expect(files.count == 1 && files[0].pathExtension == "json")
        let file = try #require(files.first)
        let tasks = try #require(try JSONValue(parsing: Data(contentsOf: file)).arrayValue)
        #expect(tasks.count == Demo.datasetItemCount)
        // The tasks a simulator seeded the same way lists.
        let simulator = LabelStudioSimulator()
        let project = DatasetRef(
            rawValue: simulator.seedDataset(named: "street-scenes", itemCount: Demo.datasetItemCount))
        let items = try await simulator.gateway().items(in: project).collect(upTo: 100_000)
        #expect(tasks.map { $0["id"]?.intValue.map(String.init) } == items.map(\.id.rawValue))
        #expect(tasks.map { $0["data"]?["image"]?.stringValue } == items.map(\.key))

        let output = captured.output
        #expect(output.contains("simulated Label Studio API"))
        #expect(output.contains("Counted \(Demo.datasetItemCount) items"))
        #expect(output.contains("after \(DemoVendor.labelStudioPolls) polls"))
        #expect(output.contains("sent only to the token exchange (POST /api/token/refresh/), 1 of"))
        #expect(output.contains("0 to any other host"))
        #expect(output.contains("LABEL_STUDIO_API_KEY"))
        #expect(!output.contains("Storage host"))
        #expect(!clock.sleeps.isEmpty, "the waits should sleep on the injected clock")
    }

    @Test(arguments: [
        ([], DemoVendor.avala), (["--vendor", "avala"], .avala), (["--vendor", "label-studio"], .labelStudio),
        (["--vendor=Label_Studio"], .labelStudio),
    ])
    func demoVendorOptionNamesTheSimulator(words: [String], vendor: DemoVendor) throws {
        guard case .run(_, let arguments) = try ArgumentParser(root: Commands.root).parse(["demo"] + words) else {
            Issue.record("demo \(words) does not run")
            return
        }
        #expect(arguments[Commands.demoVendor] == vendor)
    }

    @Test(arguments: ["scale", "labelbox", "labelstudi"])
    func demoWithAnUnknownVendorIsAUsageErrorNamingTheKnownOnes(name: String) async {
        let captured = CapturedConsole()
        #expect(await Tool.run(["export-gateway", "demo", "--vendor", name], console: captured.console) == .usage)
        #expect(captured.errors.contains("--vendor"), "stderr was: \(captured.errors)")
        #expect(captured.errors.contains("avala, label-studio"), "stderr was: \(captured.errors)")
        #expect(captured.output.isEmpty)
    }

    @Test func demoHelpNamesItsVendors() async {
        let captured = CapturedConsole()
        #expect(await Tool.run(["export-gateway", "demo", "--help"], console: captured.console) == .success)
        #expect(captured.output.contains("--vendor avala|label-studio"))
        #expect(captured.output.contains("export-gateway demo --vendor label-studio"))
    }

    @Test(
        arguments: [
            (nil, "JSON", "json"), (nil, "ndjson", "ndjson"), (nil, "avala-json-external", "zip"), (nil, "COCO", "zip"),
            (nil, nil, "zip"), ("result.tar.gz", "JSON", "gz"), ("result", "JSON", "json"),
        ] as [(String?, String?, String)])
    func aDownloadsExtensionFollowsTheVendorsFileNameElseTheFormat(fileName: String?, format: String?, suffix: String) {
        let location = DownloadLocation(url: URL(string: "https://files.example/x")!, fileName: fileName)
        let export = Export(
            id: "e1", provider: "label-studio", status: .completed, rawStatus: "completed",
            format: format.map(ExportFormat.init(rawValue:)), downloadLocation: location)
        #expect(FileNames.fileExtension(for: export) == suffix)
    }
}
