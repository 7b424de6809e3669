import DecoderRobustness
import ExportGateway
import ExportGatewayLabelStudio
import ExportGatewayTesting
import Foundation
import Testing

/// Answers without what they must carry are `.decoding` errors naming the field, and broken
/// variants of the simulator's own answers (``WireMutants``) end as a value or a typed error.
@Suite struct LabelStudioRobustnessTests {
    /// A simulator with one completed snapshot and a warmed-up gateway (its token held).
    struct Setup {
        let ls = LabelStudio()
        let gateway: Gateway
        let project: DatasetRef
        let ready: Export

        init() async throws {
            gateway = ls.gateway()
            project = ls.project(items: 6)
            ready = try await gateway.createExport(ExportRequest(source: .dataset(project)))
        }

        /// The simulator's answer to `path` (from the server root), read with a fresh token.
        func answer(_ path: String) async throws -> JSONValue {
            let response = try await LabelStudioClient(ls.simulator).send(.get, path)
            try #require(response.isSuccess)
            return try JSONValue(parsing: response.body)
        }

        /// Answers the next request under `prefix` with a mutant.
        func inject(_ method: HTTPMethod, _ prefix: String) -> (HTTPResponse) -> Void {
            { ls.simulator.injectAnswer($0, method: method, pathPrefix: prefix) }
        }
    }

    @Test(arguments: [
        (#"{"id": 1, "title": "t"}"#, "`status`"), (#"{"status": "completed"}"#, "`id`"),
        (#"{"id": "1", "status": "completed"}"#, "`id`"), (#"[]"#, "The top level"),
    ])
    func aSnapshotWithoutWhatItMustCarryIsADecodingError(body: String, named: String) async throws {
        let setup = try await Setup()
        setup.ls.simulator.injectAnswer(
            HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Data(body.utf8)),
            method: .get, pathPrefix: "/api/projects/")
        let error = try await #require(throws: GatewayError.self) { try await setup.gateway.export(setup.ready.id) }
        #expect(error.kind == .decoding && error.message.contains(named) && error.operation == .export)
    }

    @Test func aTasksPageWithoutTasksIsNotAnEmptyPage() async throws {
        let setup = try await Setup()
        setup.ls.simulator.injectAnswer(.json(200, ["total": 6]), method: .get, pathPrefix: "/api/tasks/")
        let error = try await #require(throws: GatewayError.self) {
            try await setup.gateway.items(in: setup.project).collect(upTo: 100)
        }
        #expect(error.kind == .decoding && error.message.contains("`tasks`"))
    }

    @Test func aRefreshAnswerWithoutAnAccessTokenIsADecodingError() async throws {
        let ls = LabelStudio()
        ls.simulator.injectAnswer(.json(200, ["refresh": "x"]), method: .post, pathPrefix: "/api/token/refresh/")
        let error = try await #require(throws: GatewayError.self) { try await ls.gateway().exports().collect(upTo: 10) }
        #expect(error.kind == .decoding && error.message.contains("`access`"))
        #expect(error.requestLine == "POST /api/token/refresh/")
    }

    @Test func snapshotAnswers() async throws {
        let setup = try await Setup()
        let id = try #require(setup.ready.providerFields["id"]?.intValue)
        let answer = try await setup.answer("/api/projects/\(setup.project.rawValue)/exports/\(id)")
        let tally = await expectRobust(
            WireMutants.derive(from: answer, count: 250, seed: 21), inject: setup.inject(.get, "/api/projects/")
        ) {
            _ = try await setup.gateway.export(setup.ready.id)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func taskPageAnswers() async throws {
        let setup = try await Setup()
        let answer = try await setup.answer("/api/tasks/?project=\(setup.project.rawValue)&page=1&page_size=100")
        let tally = await expectRobust(
            WireMutants.derive(from: answer, count: 250, seed: 22), inject: setup.inject(.get, "/api/tasks/")
        ) {
            _ = try await setup.gateway.items(in: setup.project).collect(upTo: 200_000)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }

    @Test func snapshotListAnswers() async throws {
        let setup = try await Setup()
        let answer = try await setup.answer("/api/projects/\(setup.project.rawValue)/exports/")
        let tally = await expectRobust(
            WireMutants.derive(from: answer, count: 200, seed: 23),
            inject: setup.inject(.get, "/api/projects/\(setup.project.rawValue)/exports/")
        ) {
            _ = try await setup.gateway.exports().collect(upTo: 200_000)
        }
        #expect(tally.values > 0 && tally.errors[.decoding, default: 0] > 0, "\(tally)")
    }
}
