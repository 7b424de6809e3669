import DecoderRobustness
import ExportGateway
import ExportGatewayLabelbox
import ExportGatewayTesting
import Foundation
import Testing

/// The Labelbox adapter fed broken variants of the simulator's own answers (``WireMutants``)
/// and of the RESULT rows it streams, each through the call that reads it: every one ends as
/// a value or a typed ``GatewayError``, never a crash, a hang or an untyped error.
@Suite("Labelbox decoder robustness")
struct LabelboxDecoderRobustnessTests {
    /// A simulator holding a completed project export with details, and a gateway over it
    /// that already knows its user.
    struct Setup {
        let labelbox = LabelboxFixture(chunkSize: 2_048)
        let gateway: Gateway
        let dataset: DatasetRef
        let ready: Export
        private let wire = LabelboxSimulatorTests()

        init() async throws {
            gateway = labelbox.gateway()
            dataset = DatasetRef(rawValue: labelbox.simulator.seedDataset(named: "fuzz", itemCount: 2))
            let project = labelbox.simulator.seedProject(named: "fuzz", itemCount: 6)
            let options: [String: JSONValue] = ["project_details": true, "data_row_details": true]
            let created = try await gateway.createExport(
                ExportRequest(source: .project(project), providerOptions: options))
            ready = try await gateway.wait(for: created, timeout: .seconds(600))
        }

        /// The simulator's whole answer to `document`.
        func answer(_ document: String, _ variables: JSONValue = [:]) async throws -> JSONValue {
            ["data": try await wire.data(document, variables, to: labelbox.simulator)]
        }

        /// The stream variables the SDK sends for the RESULT stream.
        func stream(_ extra: [String: JSONValue] = [:]) -> JSONValue {
            .object(["where": ["id": .string(ready.id.rawValue)], "streamType": "RESULT"].merging(extra) { $1 })
        }

        var userID: String {
            get async throws {
                try #require(try await answer(LabelboxSimulatorTests.getUser)["data"]?["user"]?["id"]?.stringValue)
            }
        }

        /// Answers the next GraphQL request, after letting `passes` through, with a mutant.
        func inject(after passes: Int = 0) -> (HTTPResponse) -> Void {
            { labelbox.simulator.injectAnswer($0, after: passes) }
        }
    }

    @Test func taskListAnswers() async throws {
        let setup = try await Setup()
        let page =
            "query GetUserCreatedTasksPyApi($param_0: ID!){user(where: {id: $param_0}){createdTasks(skip: 0 first: 20){\(LabelboxSimulatorTests.taskFields)}}}"
        let mutants = WireMutants.derive(
            from: try await setup.answer(page, ["param_0": .string(try await setup.userID)]), count: 300, seed: 21)
        // A `null` user is one Labelbox does not know.
        let tally = await expectRobust(mutants, allowed: [.decoding, .notFound], inject: setup.inject()) {
            _ = try await setup.gateway.exports().collect(upTo: 200_000)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func taskAnswers() async throws {
        let setup = try await Setup()
        let variables: JSONValue = [
            "param_0": .string(setup.ready.id.rawValue), "param_1": .string(try await setup.userID),
        ]
        let mutants = WireMutants.derive(
            from: try await setup.answer(LabelboxSimulatorTests.getTask, variables), count: 300, seed: 22)
        // Not found: a `null` user, an empty list, or a task whose `type` is no longer an export.
        let tally = await expectRobust(mutants, allowed: [.decoding, .notFound], inject: setup.inject()) {
            _ = try await setup.gateway.export(setup.ready.id)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func userAnswers() async throws {
        let setup = try await Setup()
        let mutants = WireMutants.derive(
            from: try await setup.answer(LabelboxSimulatorTests.getUser), count: 150, seed: 23)
        // A mutated user id that still reads is a user Labelbox does not know.
        let tally = await expectRobust(mutants, allowed: [.decoding, .notFound], inject: setup.inject()) {
            _ = try await setup.labelbox.gateway().exports().collect(upTo: 200_000)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func timezoneAnswers() async throws {
        let setup = try await Setup()
        let mutants = WireMutants.derive(
            from: try await setup.answer(LabelboxSimulatorTests.currentUser, .null), count: 100, seed: 24)
        let request = ExportRequest(
            source: .dataset(setup.dataset), providerOptions: ["last_activity_at": ["2024-01-01", .null]])
        let tally = await expectRobust(mutants, inject: setup.inject()) {
            _ = try await setup.labelbox.gateway().createExport(request)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func createAnswers() async throws {
        let setup = try await Setup()
        let input = LabelboxSimulatorTests.input(filters: [LabelboxSimulatorTests.datasetFilter(setup.dataset.rawValue)]
        )
        let mutants = WireMutants.derive(
            from: try await setup.answer(LabelboxSimulatorTests.catalogExport, input), count: 150, seed: 25)
        let tally = await expectRobust(mutants, inject: setup.inject()) {
            _ = try await setup.gateway.createExport(ExportRequest(source: .dataset(setup.dataset)))
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func streamHeaderAnswers() async throws {
        let setup = try await Setup()
        let mutants = WireMutants.derive(
            from: try await setup.answer(LabelboxSimulatorTests.header, setup.stream()), count: 200, seed: 26)
        // A `null` task is one this key cannot see.
        let tally = await expectRobust(mutants, allowed: [.decoding, .notFound], inject: setup.inject()) {
            _ = try await setup.gateway.recordStreamInfo(of: setup.ready)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func streamChunkAnswers() async throws {
        let setup = try await Setup()
        let answer = try await setup.answer(LabelboxSimulatorTests.fileFromOffset, setup.stream(["offset": "0"]))
        let mutants = WireMutants.derive(from: answer, count: 150, seed: 27)
        // A chunk that still reads sends the reader to storage and the core: a `null` chunk
        // or a changed file URL is not found, changed offsets miss the bytes asked for.
        let tally = await expectRobust(
            mutants, allowed: [.decoding, .notFound, .integrity], inject: setup.inject(after: 1)
        ) {
            _ = try await setup.gateway.lines(of: setup.ready).collect(upTo: 200_000)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func resultRows() async throws {
        let setup = try await Setup()
        let rows = try await setup.gateway.records(of: setup.ready).collect(upTo: 100).map(\.providerFields)
        // The row with the most fields (labels, details, workflow status) gives the most to break.
        let row = try #require(rows.max { WireMutants.allPaths(in: $0).count < WireMutants.allPaths(in: $1).count })
        // A row reaches the adapter already parsed: a line that is not JSON is the core's to refuse.
        let mutants = WireMutants.derive(from: row, count: 500, seed: 28).filter {
            (try? JSONValue(parsing: $0.body)) != nil
        }
        let provider = LabelboxProvider()
        var line = Data()
        let tally = await expectRobust(mutants, inject: { line = $0.body }) {
            _ = try provider.record(
                from: RecordRow(value: try JSONValue(parsing: line), export: setup.ready, offset: 0))
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func errorAnswers() {
        // Labelbox reports most errors inside a 200, so every answer goes through `error(from:)`.
        let body: JSONValue = [
            "data": .null,
            "errors": [
                [
                    "message": "bad input", "extensions": ["code": "MALFORMED_REQUEST"],
                    "errors": [["errorMessage": "taskName too long"]],
                ],
                ["message": "later", "extensions": ["code": "INTERNAL_SERVER_ERROR", "exception": ["status": 503]]],
            ],
        ]
        let provider = LabelboxProvider()
        var mapped = 0
        for mutant in WireMutants.derive(from: body, count: 400, seed: 29) {
            for status in [200, 400, 429] {
                let error = provider.error(from: HTTPResponse(status: status, body: mutant.body))
                #expect(status == 200 || error != nil, "\(mutant.label)")
                if error != nil { mapped += 1 }
            }
        }
        #expect(mapped > 0)
    }
}
