import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

@testable import export_gateway

/// Options read back as typed values, bundled short flags, and `--version`.
@Suite("export-gateway argument parsing")
struct ArgumentParsingTests {
    /// The arguments `words` run their command with.
    private func parsed(_ words: [String]) throws -> ParsedArguments {
        guard case .run(_, let arguments) = try ArgumentParser(root: Commands.root).parse(words) else {
            throw ParseFailure(words: words)
        }
        return arguments
    }

    private struct ParseFailure: Error {
        var words: [String]
    }

    @Test func optionsAndArgumentsReadBackAsTheirDeclaredTypes() throws {
        let wait = try parsed(["exports", "wait", "e1", "--timeout", "2h", "--json"])
        #expect(wait[Commands.exportID] == "e1")
        #expect(wait[ExportWaiting.timeout] == .seconds(7200))
        #expect(wait[ExportWaiting.poll] == GatewayOptions().pollInterval, "an option left out has its default")
        #expect(wait[GlobalOptions.json] && !wait[GlobalOptions.quiet])

        let list = try parsed(["items", "list", "acme/x", "--kind", "Sequence", "--limit", "5"])
        #expect(list[Commands.dataset] == "acme/x")
        #expect(list[Commands.itemKind] == .sequence)
        #expect(list[ListingOptions.limit] == 5)
        #expect(list[ListingOptions.pageSize] == nil, "an optional option left out is nil")

        let delete = try parsed(["exports", "delete", "a", "b", "--", "-c"])
        #expect(delete[Commands.exportIDs] == ["a", "b", "-c"])
        #expect(try parsed(["exports", "create", "--project", "p"])[ExportRequestOptions.dataset] == nil)
    }

    @Test func aBadValueIsRefusedBeforeAnythingIsSent() async {
        let simulator = AvalaSimulator()
        // 'records' reads the export before it prints anything, so a late check would send that read.
        let run = await CLIHarness(avala: simulator).run(["exports", "records", "e1", "--limit", "0"])
        #expect(run.status == .usage)
        #expect(run.errors.contains("Option '--limit' expects a whole number from 1 to 9223372036854775807, not '0'."))
        #expect(simulator.requestLog.requests.isEmpty)
    }

    @Test func noCommandDeclaresAnOptionNameOrLetterTwice() {
        for path in Commands.root.paths {
            let options = path.flatMap(\.options).map(\.spec) + [.help]
            let names = options.map(\.name), letters = options.compactMap(\.shortName)
            let words = path.dropFirst().map(\.name)
            #expect(Set(names).count == names.count, "\(words) declares a long name twice: \(names)")
            #expect(Set(letters).count == letters.count, "\(words) declares a letter twice: \(letters)")
        }
    }

    @Test func helpListsEveryDeclaredOptionAndArgument() {
        for path in Commands.root.paths {
            let help = Usage.help(for: path)
            for option in path.flatMap(\.options).map(\.spec) {
                #expect(help.contains("  \(option.synopsis)   "), "\(path.map(\.name)) help lacks \(option.synopsis)")
            }
            for argument in path[path.count - 1].arguments.map(\.spec) {
                #expect(help.contains(argument.synopsis), "\(path.map(\.name)) help lacks \(argument.synopsis)")
            }
        }
    }

    // MARK: Bundled short flags

    @Test func bundledFlagsAreEachFlag() throws {
        let bundled = try parsed(["exports", "list", "-qv"])
        #expect(bundled[GlobalOptions.quiet] && bundled[GlobalOptions.verbose])
        #expect(!bundled[GlobalOptions.json])
    }

    @Test func aBundleEndingInAValueOptionTakesTheNextWord() async throws {
        let (cli, id) = try await OutputTests.completedExport()
        let file = CLIHarness.temporaryFile("bundled.zip")
        defer { try? FileManager.default.removeItem(at: file) }
        let run = await cli.run(["exports", "download", id, "-qvo", file.path])
        #expect(run.status == .success, "stderr: \(run.errors)")
        #expect(run.output == file.path, "-q: only the path on stdout")
        #expect(run.errors.contains("http: GET"), "-v: the request log on stderr")
        #expect(FileManager.default.fileExists(atPath: file.path))
    }

    @Test(arguments: [
        (
            ["exports", "download", "e1", "-oq", "x.zip"],
            "In '-oq', option '-o' (--output) takes a value, so it must come last: type '-qo FILE'."
        ),
        (["exports", "download", "e1", "-ox.zip"], "so it must come last: type '-o FILE'."),
        (["exports", "list", "-qx"], "Unknown option letter 'x' in '-qx' for 'exports list'."),
        (
            ["exports", "list", "-x"],
            "Unknown option '-x' for 'exports list'. Short options here: -q (--quiet), -v (--verbose), -h (--help)."
        ),
        (
            ["exports", "list", "-limit", "3"],
            "Unknown option letter 'l' in '-limit' for 'exports list'. Did you mean '--limit'?"
        ),
        (["-vqo", "x", "exports", "list"], "Unknown option letter 'o' in '-vqo'."),
    ])
    func bundleMistakesExitTwoNamingTheLetter(words: [String], says: String) async {
        let simulator = AvalaSimulator()
        let run = await CLIHarness(avala: simulator).run(words)
        #expect(run.status == .usage)
        #expect(run.errors.contains(says), "stderr was: \(run.errors)")
        #expect(simulator.requestLog.requests.isEmpty)
    }

    @Test func helpInABundleShowsTheHelp() async {
        let run = await CLIHarness(avala: AvalaSimulator()).run(["exports", "list", "-qh"])
        #expect(run.status == .success)
        #expect(run.output.hasPrefix(Commands.exportsList.summary))
    }

    // MARK: --version

    @Test(arguments: [
        ["--version"], ["exports", "--version"], ["exports", "get", "--version"],
        ["--json", "items", "list", "d", "-q", "--version"],
    ])
    func versionFlagPrintsWhatVersionPrintsWherever(words: [String]) async {
        let simulator = AvalaSimulator()
        let cli = CLIHarness(avala: simulator)
        let flag = await cli.run(words)
        let command = await cli.run(["version"])
        #expect(flag.status == .success, "stderr: \(flag.errors)")
        #expect(flag.output == command.output && flag.output == "export-gateway \(UserAgent.libraryVersion)")
        #expect(flag.errors.isEmpty)
        #expect(simulator.requestLog.requests.isEmpty, "nothing but the version runs")
    }

    @Test func versionFlagIsAGlobalOptionInHelpButHelpWins() async {
        let run = await CLIHarness(avala: AvalaSimulator()).run(["exports", "wait", "--help", "--version"])
        #expect(run.status == .success)
        #expect(run.output.contains("Global options:"))
        #expect(run.output.contains("  --version "))
    }

    @Test func versionFlagDoesNotExcuseAMistypedCommand() async {
        let run = await CLIHarness(avala: AvalaSimulator()).run(["exports", "lsit", "--version"])
        #expect(run.status == .usage)
        #expect(run.errors.contains("Did you mean 'list'?"))
    }
}
