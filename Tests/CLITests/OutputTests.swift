import ExportGateway
import ExportGatewayTesting
import Foundation
import Synchronization
import Testing

@testable import export_gateway

/// What the tool prints besides results: the request log, progress, help.
@Suite("export-gateway output")
struct OutputTests {
    @Test func verboseLogsMethodURLAndStatusButNeverTheKey() async throws {
        let simulator = AvalaSimulator()
        let dataset = simulator.seedDataset(named: "logged", itemCount: 3)
        simulator.injectFault(.serverError, method: .get, pathPrefix: "/api/v1/exports/")
        let cli = CLIHarness(avala: simulator)
        let id = try #require(await cli.run(["exports", "create", dataset, "-q"]).lines.first)

        let run = await cli.run(["--verbose", "exports", "get", id])
        #expect(run.status == .success, "stderr: \(run.errors)")
        #expect(run.errors.contains("http: GET https://api.avala.sim/api/v1/exports/\(id)"))
        #expect(run.errors.contains("-> 500"))
        #expect(run.errors.contains("-> 200 (attempt 2)"))
        #expect(run.errors.contains("http: retrying GET"))
        #expect(!run.errors.contains(simulator.apiKey) && !run.output.contains(simulator.apiKey))
    }

    @Test func verboseRemovesAKeyEvenWhenItIsInTheBaseURL() async throws {
        let simulator = AvalaSimulator()
        var cli = CLIHarness(avala: simulator)
        cli.variables["EXPORT_GATEWAY_BASE_URL"] = simulator.apiBaseURL.absoluteString + "?k=" + simulator.apiKey
        let run = await cli.run(["-v", "exports", "list"])
        #expect(run.errors.contains("http: GET"), "stderr: \(run.errors)")
        #expect(!run.errors.contains(simulator.apiKey))
    }

    @Test func downloadProgressRedrawsOneLineOnATerminal() async throws {
        let (cli, id) = try await Self.completedExport()
        let file = CLIHarness.temporaryFile("tty.zip")
        defer { try? FileManager.default.removeItem(at: file) }
        let run = await cli.run(["exports", "download", id, "-o", file.path], isTerminal: true)
        #expect(run.status == .success, "stderr: \(run.errors)")
        #expect(run.errors.hasPrefix("\rDownloading \(id): "))
        #expect(run.errors.contains(" of "))
        #expect(run.errors.contains("100%"))
        #expect(!run.errors.contains("\nDownloading"), "redraws replace the line instead of adding lines")
    }

    @Test func downloadProgressIsPlainLinesOffATerminalAndNothingWhenQuiet() async throws {
        let (cli, id) = try await Self.completedExport()
        let file = CLIHarness.temporaryFile("plain.zip")
        defer { try? FileManager.default.removeItem(at: file) }
        let plain = await cli.run(["exports", "download", id, "-o", file.path])
        #expect(plain.errors.split(separator: "\n").allSatisfy { $0.hasPrefix("Downloading \(id): ") })
        #expect(!plain.errors.contains("\r"))

        let quiet = await cli.run(["exports", "download", id, "-o", file.path, "--quiet"], isTerminal: true)
        #expect(quiet.status == .success)
        #expect(quiet.errors.isEmpty)
        #expect(quiet.output == file.path)
    }

    @Test func logLinesOnATerminalEraseTheProgressLineFirst() {
        let writes = Mutex<[String]>([])
        let console = Console(capture: { text, _ in writes.withLock { $0.append(text) } }, isTerminal: true)
        console.endStatus()
        console.status("10%")
        console.error("http: GET https://storage.example/file -> 206")
        console.status("20%")
        console.endStatus()
        #expect(
            writes.withLock { $0 } == [
                "\r10%\u{1B}[K", "\r\u{1B}[Khttp: GET https://storage.example/file -> 206", "\r20%\u{1B}[K", "",
            ])
    }

    @Test func transferMeterShowsRateAndTimeLeft() {
        let clock = VirtualClock()
        let meter = TransferMeter(clock: clock)
        clock.advance(by: .seconds(2))
        let line = meter.line(for: DownloadProgress(bytesWritten: 2 << 20, totalBytes: 8 << 20))
        #expect(line == "2.0 MiB of 8.0 MiB  25%  1.0 MiB/s  ETA 6s")
    }

    @Test func transferMeterLeavesOutATimeLeftNoDurationHolds() {
        let clock = VirtualClock()
        let meter = TransferMeter(clock: clock)
        clock.advance(by: .seconds(1000))
        // A vendor announcing an absurd size: 9 EiB left at a byte per 1000 s.
        let line = meter.line(for: DownloadProgress(bytesWritten: 1, totalBytes: .max))
        #expect(line.hasPrefix("1 B of ") && line.hasSuffix(" B/s"), "\(line)")
    }

    @Test func everyCommandsHelpHasAnExample() async {
        func leaves(_ command: CommandSpec, path: [String]) -> [[String]] {
            command.subcommands.isEmpty ? [path] : command.subcommands.flatMap { leaves($0, path: path + [$0.name]) }
        }
        let paths = leaves(Commands.root, path: []) + [["exports"], ["items"], []]
        for path in paths {
            let captured = CapturedConsole()
            #expect(await Tool.run(["export-gateway"] + path + ["--help"], console: captured.console) == .success)
            #expect(captured.output.contains("Examples:\n  export"), "\(path) --help has no example")
        }
    }

    @Test func rootHelpDocumentsTheExitStatuses() async {
        let captured = CapturedConsole()
        _ = await Tool.run(["export-gateway", "--help"], console: captured.console)
        for status in ["0 done;", "1 failed here", "2 the", "3 the vendor", "4 a wait", "130", "143"] {
            #expect(captured.output.contains(status))
        }
    }

    /// An Avala export that is already complete, and a harness pointed at its simulator.
    static func completedExport() async throws -> (CLIHarness, String) {
        let simulator = AvalaSimulator()
        let dataset = simulator.seedDataset(named: "progress", itemCount: 400)
        simulator.scriptNextExport(.completes(afterPolls: 1))
        let cli = CLIHarness(avala: simulator)
        let id = try #require(await cli.run(["exports", "create", dataset, "-q"]).lines.first)
        return (cli, id)
    }
}

/// The typed option values of the parser.
@Suite("export-gateway option values")
struct OptionValueTests {
    @Test(arguments: [
        ("90s", Duration.seconds(90)), ("15m", .seconds(900)), ("1h", .seconds(3600)), ("500ms", .milliseconds(500)),
        ("2.5", .milliseconds(2500)), ("1.5h", .seconds(5400)),
    ])
    func durationsParseInEveryUnit(text: String, expected: Duration) {
        #expect(ValueParser.duration(from: text) == expected)
    }

    @Test(arguments: ["", "soon", "5 minutes", "m", "1d"])
    func durationsRejectOtherWords(text: String) {
        #expect(ValueParser.duration(from: text) == nil)
    }

    @Test func optionValuesAreJSONWhenTheyParseAndStringsOtherwise() throws {
        let parsed = try ArgumentParser(root: Commands.root).parse([
            "exports", "create", "d", "--option", "a=true", "--option", "b=42", "--option", #"c=["x","y"]"#,
            "--option", "d=status=done", "--option", "e=",
        ])
        guard case .run(_, let arguments) = parsed else {
            Issue.record("expected a runnable command")
            return
        }
        let options = try ExportRequestOptions.request(from: arguments).providerOptions
        #expect(options == ["a": true, "b": 42, "c": ["x", "y"], "d": "status=done", "e": ""])
    }

    @Test func createOptionsBecomeTheRequestsFields() throws {
        let parsed = try ArgumentParser(root: Commands.root).parse([
            "exports", "create", "acme/x", "--name", "n", "--format", "yolo", "--status", "completed", "--status",
            "needs-rework", "--class", "car", "--item", "i1", "--since", "2025-01-15", "--include-media",
        ])
        guard case .run(_, let arguments) = parsed else {
            Issue.record("expected a runnable command")
            return
        }
        let request = try ExportRequestOptions.request(from: arguments)
        #expect(request.source == .dataset("acme/x"))
        #expect(request.name == "n" && request.format == .yolo && request.includeMedia == true)
        #expect(request.filters.itemStatuses == [.completed, .needsRework])
        #expect(request.filters.classes == ["car"] && request.filters.itemIDs == ["i1"])
        #expect(request.filters.activity?.start == ISO8601.date(from: "2025-01-15T00:00:00Z"))
    }
}
