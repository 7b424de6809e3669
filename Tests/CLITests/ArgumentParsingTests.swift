import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

@testable import export_gateway

/// Options and arguments read back as typed values.
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
        #expect(run.errors.contains("Option '--limit' expects a whole number (1 or more), not '0'."))
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
}
