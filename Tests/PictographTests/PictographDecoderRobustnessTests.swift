import DecoderRobustness
import ExportGateway
import ExportGatewayPictograph
import ExportGatewayTesting
import Foundation
import Testing

/// The Pictograph adapter fed broken variants of the simulator's own answers
/// (``WireMutants``), in the SDK's envelope and the docs' bare shapes, each through the
/// gateway call that reads it: every one ends as a value or a typed ``GatewayError``, never
/// a crash, a hang or an untyped error.
@Suite("Pictograph decoder robustness")
struct PictographDecoderRobustnessTests {
    /// A simulator holding two exports of one dataset (one completed), and a gateway over it.
    struct Setup {
        let pictograph = Pictograph()
        let gateway: Gateway
        let dataset: DatasetRef
        let completed: Export

        init() async throws {
            gateway = pictograph.gateway()
            dataset = pictograph.dataset("fuzz")
            let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "done"))
            completed = try await gateway.wait(for: created, timeout: .seconds(600))
            _ = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "pending"))
        }

        /// The simulator's answer to the last request the gateway sent.
        var lastAnswer: JSONValue {
            get throws {
                let response = try #require(pictograph.recorder.exchanges.last?.response)
                try #require(response.isSuccess)
                return try JSONValue(parsing: response.body)
            }
        }

        /// Answers the next request with `method` with a mutant.
        func inject(_ method: HTTPMethod) -> (HTTPResponse) -> Void {
            { pictograph.simulator.injectAnswer($0, method: method) }
        }
    }

    @Test(arguments: [false, true])
    func exportListAnswers(bare: Bool) async throws {
        let setup = try await Setup()
        _ = try await setup.gateway.exports().collect(upTo: 100)
        let answer = try setup.lastAnswer
        let mutants = WireMutants.derive(from: bare ? try #require(answer["data"]) : answer, count: 300, seed: 11)
        let tally = await expectRobust(mutants, inject: setup.inject(.get)) {
            _ = try await setup.gateway.exports().collect(upTo: 200_000)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test(arguments: [false, true])
    func exportAnswers(bare: Bool) async throws {
        let setup = try await Setup()
        let id = setup.completed.id
        _ = try await setup.gateway.export(id)
        let answer = try setup.lastAnswer
        let mutants = WireMutants.derive(from: bare ? try #require(answer["data"]) : answer, count: 250, seed: 12)
        let tally = await expectRobust(mutants, inject: setup.inject(.get)) {
            _ = try await setup.gateway.export(id)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func createAnswers() async throws {
        let setup = try await Setup()
        _ = try await setup.gateway.createExport(ExportRequest(source: .dataset(setup.dataset), name: "seed"))
        let mutants = WireMutants.derive(from: try setup.lastAnswer, count: 200, seed: 13)
        let tally = await expectRobust(mutants, inject: setup.inject(.post)) {
            _ = try await setup.gateway.createExport(ExportRequest(source: .dataset(setup.dataset), name: "fuzzed"))
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func downloadLocationAnswers() async throws {
        let setup = try await Setup()
        var export = setup.completed
        export.downloadLocation = nil
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("export.zip")
        try await setup.gateway.download(export, to: destination)
        let mutants = WireMutants.derive(from: try #require(setup.pictograph.lastLocationAnswer), count: 150, seed: 14)
        // A location that still reads sends the download to storage, which refuses a URL
        // the mutant changed (not found, forbidden) or serves a file that is not the size
        // the mutant announced (integrity).
        let tally = await expectRobust(
            mutants, allowed: [.decoding, .notFound, .permissionDenied, .integrity], inject: setup.inject(.get)
        ) {
            try await setup.gateway.download(export, to: destination)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func bulkDeleteAnswers() async throws {
        let setup = try await Setup()
        let ids = [setup.completed.id, ExportID(rawValue: unknownID)]
        _ = try await setup.gateway.deleteExports(ids)
        let mutants = WireMutants.derive(from: try setup.lastAnswer, count: 200, seed: 15)
        let tally = await expectRobust(mutants, inject: setup.inject(.post)) {
            _ = try await setup.gateway.deleteExports(ids)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test(
        arguments: [
            (
                404,
                [
                    "error": ["code": "not_found", "message": "Export 'x' not found", "details": [:]],
                    "detail": "Export 'x' not found",
                ], GatewayError.Kind.notFound
            ),
            (
                422,
                [
                    "error": [
                        "code": "validation_error", "message": "Request validation failed",
                        "details": [
                            "errors": [["loc": ["body", "name"], "msg": "Field required", "type": "missing"]]
                        ],
                    ],
                    "detail": [["loc": ["body", "name"], "msg": "Field required", "type": "missing"]],
                ], .invalidRequest
            ),
        ] as [(Int, JSONValue, GatewayError.Kind)])
    func errorAnswers(status: Int, body: JSONValue, kind: GatewayError.Kind) {
        // Whatever the body, the status decides the kind; the body only adds the message and fields.
        let provider = PictographProvider()
        for mutant in WireMutants.derive(from: body, count: 300, seed: 16) {
            let error = provider.error(from: HTTPResponse(status: status, body: mutant.body))
            #expect(error?.kind == kind, "\(mutant.label)")
        }
    }
}

extension Pictograph {
    /// The last answer of `GET .../download` the simulator sent.
    fileprivate var lastLocationAnswer: JSONValue? {
        recorder.exchanges.last { $0.request.url.path.hasSuffix("/download") }?.response.flatMap {
            try? JSONValue(parsing: $0.body)
        }
    }
}
