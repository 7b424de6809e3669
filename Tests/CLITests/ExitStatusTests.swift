import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

@testable import export_gateway

/// Each kind of failure ends the tool with its own exit status and a message on stderr.
@Suite("export-gateway exit statuses")
struct ExitStatusTests {
    @Test(arguments: [
        (["exprots", "list"], "Did you mean 'exports'?"),
        (["exports", "lsit"], "Did you mean 'list'?"),
        (["exports", "list", "--limt", "3"], "Did you mean '--limit'?"),
        (["items", "list", "d", "--kind", "seqence"], "Did you mean 'sequence'?"),
        (["exports", "wait", "e1", "--timeout", "soon"], "such as 90s, 15m"),
        (["exports", "create"], "a dataset (exports create acme/street-scenes) or --project ID"),
        (["exports", "create", "d", "--project", "p"], "not both"),
        (["exports", "create", "d", "--option", "novalue"], "expects key=value"),
        (["exports", "create", "d", "--status", "done"], "expects one of notStarted"),
        (["exports", "get"], "Missing argument <export-id>"),
        (["exports"], "Missing a subcommand of 'exports'"),
    ])
    func usageMistakesExitTwoAndSayWhatToType(words: [String], says: String) async {
        let run = await CLIHarness(avala: AvalaSimulator()).run(words)
        #expect(run.status == .usage)
        #expect(run.errors.contains(says), "stderr was: \(run.errors)")
        #expect(run.output.isEmpty)
    }

    @Test(arguments: [["--api-key", "sk_live_typed"], ["--api-key=sk_live_typed"], ["--token", "sk_live_typed"]])
    func apiKeyFlagIsRefusedWithWhatToSetInstead(flag: [String]) async {
        let run = await CLIHarness(avala: AvalaSimulator()).run(["exports", "list"] + flag)
        #expect(run.status == .usage)
        #expect(run.errors.contains("never read from the command line"))
        #expect(run.errors.contains("AVALA_API_KEY"))
        #expect(!run.errors.contains("sk_live_typed"), "the refused key is not echoed")
    }

    @Test func refusedKeyIsNotSentAnywhere() async {
        let simulator = AvalaSimulator()
        _ = await CLIHarness(avala: simulator).run(["--api-key", "sk_live_typed", "exports", "list"])
        #expect(simulator.requestLog.requests.isEmpty, "nothing runs after a usage error")
    }

    @Test func wrongKeyExitsThreeAndSaysAuthenticationFailed() async {
        let run = await CLIHarness(avala: AvalaSimulator(), key: "not-a-key").run(["exports", "list"])
        #expect(run.status == .vendor)
        #expect(run.errors.contains("authentication failed"))
        #expect(!run.errors.contains("not-a-key"))
    }

    @Test func waitThatRunsOutOfTimeExitsFourWithoutSleeping() async throws {
        let simulator = AvalaSimulator()
        let dataset = simulator.seedDataset(named: "slow", itemCount: 2)
        simulator.scriptNextExport(.hangs(rawStatus: nil))
        let cli = CLIHarness(avala: simulator)
        let id = try #require(await cli.run(["exports", "create", dataset, "-q"]).lines.first)

        let started = ContinuousClock.now
        let run = await cli.run(["exports", "wait", id, "--timeout", "1h", "--poll", "5s"])
        #expect(run.status == .timeout)
        #expect(run.errors.contains("timed out"))
        #expect(run.errors.contains("run the same 'exports wait' again"))
        #expect(cli.clock.now >= .seconds(3600), "an hour passes on the virtual clock")
        #expect(ContinuousClock.now - started < .seconds(300), "and not on the real one (a real hour would be 3600 s)")
    }

    @Test func failedExportExitsThreeWithTheVendorsReason() async throws {
        let simulator = AvalaSimulator()
        let dataset = simulator.seedDataset(named: "broken", itemCount: 2)
        simulator.scriptNextExport(.fails(afterPolls: 2, reason: "disk full"))
        let cli = CLIHarness(avala: simulator)
        let id = try #require(await cli.run(["exports", "create", dataset, "-q"]).lines.first)

        let run = await cli.run(["exports", "wait", id])
        #expect(run.status == .vendor)
        #expect(run.errors.contains("disk full"))
    }

    @Test func unsupportedFeatureExitsThreeAndPointsAtProviders() async {
        let simulator = AvalaSimulator()
        let run = await CLIHarness(avala: simulator).run(["exports", "delete", "e1"])
        #expect(run.status == .vendor)
        #expect(run.errors.contains("unsupported"))
        #expect(run.errors.contains("export-gateway providers"))
    }

    @Test func missingKeyExitsOneNamingTheVariable() async {
        var cli = CLIHarness(avala: AvalaSimulator())
        cli.variables["AVALA_API_KEY"] = nil
        let run = await cli.run(["exports", "list"])
        #expect(run.status == .failure)
        #expect(run.errors.contains("Set the environment variable AVALA_API_KEY"))
    }

    @Test func plainHTTPBaseURLIsRefusedAsConfiguration() async {
        let run = await CLIHarness(avala: AvalaSimulator()).run([
            "--base-url", "http://api.example.com", "exports", "list",
        ])
        #expect(run.status == .failure)
        #expect(run.errors.contains("must use https"))
    }

    @Test(
        "Every error kind has its exit status",
        arguments: [
            (GatewayError.Kind.authentication, export_gateway.ExitStatus.vendor), (.permissionDenied, .vendor),
            (.notFound, .vendor),
            (.invalidRequest, .vendor), (.rateLimited, .vendor), (.server, .vendor), (.exportFailed, .vendor),
            (.notReady, .vendor), (.unsupported, .vendor), (.decoding, .vendor), (.timeout, .timeout),
            (.transport, .failure), (.configuration, .failure), (.integrity, .failure), (.localFile, .failure),
            (.limitExceeded, .failure),
        ])
    func exitStatusFollowsTheErrorKind(kind: GatewayError.Kind, status: export_gateway.ExitStatus) {
        #expect(export_gateway.ExitStatus(for: kind) == status)
    }

    @Test func theExitTableCoversEveryKindTheLibraryKnows() {
        #expect(Set(export_gateway.ExitStatus.byErrorKind.keys) == Set(GatewayError.Kind.allCases))
        #expect(
            [export_gateway.ExitStatus.success, .failure, .usage, .vendor, .timeout].map(\.rawValue) == [0, 1, 2, 3, 4])
    }

    @Test func downloadOfAnUnfinishedExportExitsThreeSayingNotReady() async throws {
        let simulator = AvalaSimulator()
        let dataset = simulator.seedDataset(named: "slow", itemCount: 2)
        simulator.scriptNextExport(.hangs(rawStatus: nil))
        let cli = CLIHarness(avala: simulator)
        let id = try #require(await cli.run(["exports", "create", dataset, "-q"]).lines.first)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: folder) }

        let run = await cli.run(["exports", "download", id, "-o", folder.appendingPathComponent("out.zip").path])
        #expect(run.status == .vendor)
        #expect(run.errors.contains("export \(id): not ready (status running)"), "stderr was: \(run.errors)")
        #expect(run.errors.contains("exports wait"))
        #expect(!FileManager.default.fileExists(atPath: folder.path), "nothing was written")
    }

    @Test func downloadIntoAnUnwritablePlaceExitsOneAsALocalFileError() async throws {
        let simulator = AvalaSimulator()
        let dataset = simulator.seedDataset(named: "ready", itemCount: 2)
        simulator.scriptNextExport(.completes(afterPolls: 0))
        let cli = CLIHarness(avala: simulator)
        let id = try #require(await cli.run(["exports", "create", dataset, "-q"]).lines.first)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try Data("a file, not a folder".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let run = await cli.run(["exports", "download", id, "-o", file.appendingPathComponent("out.zip").path])
        #expect(run.status == .failure)
        #expect(run.errors.contains("local file error"), "stderr was: \(run.errors)")
        #expect(run.errors.contains(file.path))
    }

    @Test(arguments: [
        (["exports", "get", "e-missing"], "could not read export e-missing: not found"),
        (
            ["items", "get", "sim-org/street", "i-missing"],
            "could not read item i-missing in dataset sim-org/street: not found"
        ),
    ])
    func notFoundNamesTheOperationTheResourceAndTheRequest(words: [String], says: String) async {
        let simulator = AvalaSimulator()
        simulator.seedDataset(named: "street", itemCount: 2)
        let run = await CLIHarness(avala: simulator).run(words)
        #expect(run.status == .vendor)
        #expect(run.errors.contains(says), "stderr was: \(run.errors)")
        #expect(run.errors.contains("GET /api/v1/"), "the request line is named: \(run.errors)")
        #expect(!run.errors.contains(simulator.apiKey), "no key in the message")
    }
}
