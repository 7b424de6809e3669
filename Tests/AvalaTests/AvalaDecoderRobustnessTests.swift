import DecoderRobustness
import ExportGateway
import ExportGatewayAvala
import ExportGatewayTesting
import Foundation
import Testing

/// The Avala adapter fed broken variants of the simulator's own answers (``WireMutants``),
/// each through the gateway call that reads it: every one ends as a value or a typed
/// ``GatewayError``, never a crash, a hang or an untyped error.
@Suite("Avala decoder robustness")
struct AvalaDecoderRobustnessTests {
    /// A simulator holding a dataset of items and sequences and two exports (one completed,
    /// with a download URL), and a gateway over it.
    struct Setup {
        let simulator = AvalaSimulator()
        let gateway: Gateway
        let dataset: DatasetRef
        let datasetUID: String
        let completed: Export

        init() async throws {
            gateway = simulator.gateway()
            dataset = DatasetRef(rawValue: simulator.seedDataset(named: "fuzz", itemCount: 4, sequenceCount: 2))
            datasetUID = try #require(simulator.datasetUID(for: dataset.rawValue))
            let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
            completed = try await gateway.wait(for: created, timeout: .seconds(600))
            _ = try await gateway.createExport(ExportRequest(source: .dataset(dataset), format: .yolo))
        }

        /// The simulator's own answer to `GET <api base><path>`.
        func answer(_ path: String) async throws -> JSONValue {
            var request = HTTPRequest(method: .get, url: URL(string: simulator.apiBaseURL.absoluteString + path)!)
            request.headers["X-Avala-Api-Key"] = simulator.apiKey
            let response = try await simulator.transport.send(request)
            try #require(response.status == 200)
            return try JSONValue(parsing: response.body)
        }

        /// Answers the next `GET` under `/api/v1` + `prefix` with `response`.
        func inject(_ prefix: String, method: HTTPMethod = .get) -> (HTTPResponse) -> Void {
            { simulator.injectAnswer($0, method: method, pathPrefix: "/api/v1" + prefix) }
        }
    }

    @Test func exportListAnswers() async throws {
        let setup = try await Setup()
        let mutants = WireMutants.derive(from: try await setup.answer("/exports/?limit=100"), count: 400, seed: 1)
        let tally = await expectRobust(mutants, inject: setup.inject("/exports/")) {
            _ = try await setup.gateway.exports().collect(upTo: 200_000)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func exportAnswers() async throws {
        let setup = try await Setup()
        let id = setup.completed.id
        let mutants = WireMutants.derive(from: try await setup.answer("/exports/\(id)/"), count: 300, seed: 2)
        let tally = await expectRobust(mutants, inject: setup.inject("/exports/")) {
            _ = try await setup.gateway.export(id)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func createAnswers() async throws {
        let setup = try await Setup()
        let project = setup.simulator.seedProject(named: "fuzz-project", itemCount: 1)
        let created = try await setup.gateway.createExport(ExportRequest(source: .project(project)))
        let mutants = WireMutants.derive(from: try await setup.answer("/exports/\(created.id)/"), count: 200, seed: 3)
        let tally = await expectRobust(mutants, inject: setup.inject("/exports/", method: .post)) {
            _ = try await setup.gateway.createExport(ExportRequest(source: .project(project)))
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test(arguments: ItemKind.allCases)
    func itemListAnswers(kind: ItemKind) async throws {
        let setup = try await Setup()
        let collection = kind == .item ? "items" : "sequences"
        let answer = try await setup.answer("/datasets/\(setup.dataset.rawValue)/\(collection)/?limit=100")
        let mutants = WireMutants.derive(from: answer, count: 300, seed: 4)
        let tally = await expectRobust(mutants, inject: setup.inject("/datasets/")) {
            _ = try await setup.gateway.items(in: setup.dataset, kind: kind).collect(upTo: 200_000)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func sequenceAnswers() async throws {
        // A sequence's detail view embeds its frames: the deepest answer Avala sends.
        let setup = try await Setup()
        let sequence = try #require(
            try await setup.gateway.items(in: setup.dataset, kind: .sequence).collect(upTo: 10).first)
        let answer = try await setup.answer("/datasets/\(setup.dataset.rawValue)/sequences/\(sequence.id)/")
        let mutants = WireMutants.derive(from: answer, count: 200, seed: 5)
        let tally = await expectRobust(mutants, inject: setup.inject("/datasets/")) {
            _ = try await setup.gateway.item(sequence.id, kind: .sequence, in: setup.dataset)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func datasetLookupAnswers() async throws {
        let setup = try await Setup()
        let byUID = DatasetRef(rawValue: setup.datasetUID)
        let mutants = WireMutants.derive(
            from: try await setup.answer("/datasets/\(setup.datasetUID)/"), count: 200, seed: 6)
        // A mutated owner or slug that still reads addresses another dataset, which Avala
        // does not know: not found.
        let tally = await expectRobust(mutants, allowed: [.decoding, .notFound], inject: setup.inject("/datasets/")) {
            _ = try await setup.gateway.items(in: byUID).collect(upTo: 200_000)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test(
        arguments: [
            (404, ["detail": "Not found."], GatewayError.Kind.notFound),
            (400, ["name": ["This field is required."], "format": ["\"x\" is not a valid choice."]], .invalidRequest),
        ] as [(Int, JSONValue, GatewayError.Kind)])
    func errorAnswers(status: Int, body: JSONValue, kind: GatewayError.Kind) {
        // Whatever the body, the status decides the kind; the body only adds the message.
        let provider = AvalaProvider()
        for mutant in WireMutants.derive(from: body, count: 300, seed: 7) {
            let error = provider.error(from: HTTPResponse(status: status, body: mutant.body))
            #expect(error?.kind == kind, "\(mutant.label)")
        }
    }
}
