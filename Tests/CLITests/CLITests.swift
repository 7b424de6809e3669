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

    @Test func demoDownloadsAValidArchiveAndProvesTheKeyStayedOffStorage() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let captured = CapturedConsole()
        let clock = VirtualClock()
        try await Demo(outputFolder: folder, itemsShown: 3, console: captured.console, clock: clock).run()

        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        #expect(files.count == 1 && files[0].pathExtension == "zip")
        let archive = try Data(contentsOf: try #require(files.first))
        let entries = try #require(ZipArchive.entries(of: archive))
        let document = try JSONDecoder().decode(JSONValue.self, from: try #require(entries.first).contents)
        #expect(document["items"]?.arrayValue?.count == Demo.datasetItemCount)
        #expect(captured.output.contains("Counted \(Demo.datasetItemCount) items"))
        #expect(captured.output.contains("on 0 of"))
        #expect(!clock.sleeps.isEmpty, "the waits should sleep on the injected clock")
    }
}
