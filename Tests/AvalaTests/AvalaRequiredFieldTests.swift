import ExportGateway
import ExportGatewayAvala
import ExportGatewayTesting
import Foundation
import Testing

/// A `200` that lacks what Avala always sends is a `.decoding` error naming the field's JSON
/// path and what was there, through the gateway: never "0 exports" or an export of blanks.
@Suite("Avala required fields")
struct AvalaRequiredFieldTests {
    /// List answers without their list, and how the error describes what was there.
    static let listless: [(body: JSONValue, found: String)] = [
        ([:], "`results` is missing; found an empty object"),
        (["detail": "x"], "`results` is missing; found an object with the keys `detail`"),
        (["results": .null, "next": .null], "`results` should be an array, but found null"),
        (["results": ["uid": "e1"]], "`results` should be an array, but found an object with the keys `uid`"),
    ]

    let simulator = AvalaSimulator()

    func gateway() -> Gateway { simulator.gateway() }

    func decodingError(_ call: () async throws -> Void) async throws -> GatewayError {
        let error = try await #require(throws: GatewayError.self) { try await call() }
        #expect(error.kind == .decoding && error.provider == .avala)
        return error
    }

    @Test(arguments: listless)
    func exportListWithoutResultsIsADecodingError(body: JSONValue, found: String) async throws {
        simulator.injectAnswer(.json(200, body), method: .get, pathPrefix: "/api/v1/exports/")
        let error = try await decodingError { _ = try await gateway().exports().collect(upTo: 100_000) }
        #expect(error.message.contains(found), "\(error.message)")
        #expect("\(error)".contains("could not list exports: unexpected response (GET /api/v1/exports/)"))
    }

    @Test(arguments: listless, ItemKind.allCases)
    func itemListWithoutResultsIsADecodingError(answer: (body: JSONValue, found: String), kind: ItemKind) async throws {
        let dataset = DatasetRef(rawValue: simulator.seedDataset(named: "listless", itemCount: 2, sequenceCount: 2))
        simulator.injectAnswer(.json(200, answer.body), method: .get, pathPrefix: "/api/v1/datasets/")
        let error = try await decodingError {
            _ = try await gateway().items(in: dataset, kind: kind).collect(upTo: 100)
        }
        #expect(error.message.contains(answer.found), "\(error.message)")
        #expect(error.operation == .itemsPage && error.resource == .dataset(dataset))
    }

    @Test func anElementWithoutItsUIDIsNamedByItsIndex() async throws {
        let page: JSONValue = ["next": .null, "results": [["uid": "e1"], ["name": "no uid"]]]
        simulator.injectAnswer(.json(200, page), method: .get, pathPrefix: "/api/v1/exports/")
        let error = try await decodingError { _ = try await gateway().exports().collect(upTo: 100) }
        #expect(error.message == "Required field `results[1].uid` is missing; found an object with the keys `name`.")
    }

    @Test(
        arguments: [
            (["name": "x"], "Required field `uid` is missing"),
            (["uid": .null], "`uid` should be a string, but found null"),
            (["uid": 7], "`uid` should be a string, but found 7"),
            (["uid": ""], "`uid` should be a non-empty string, but found the string \"\""),
            (["uid": "e1", "status": 3], "`status` should be a string, but found 3"),
            (["uid": "e1", "download_url": ["https://x"]], "`download_url` should be a string, but found an array"),
            (["uid": "e1", "total_task_count": "many"], "`total_task_count` should be an integer"),
            (["uid": "e1", "datasets": [1]], "`datasets[0]` should be a string, but found 1"),
            (["uid": "e1", "created_at": false], "`created_at` should be a string, but found false"),
            (.array([]), "The top level should be an object, but found an empty array"),
        ] as [(JSONValue, String)])
    func exportReadNamesTheFieldAndWhatWasThere(body: JSONValue, message: String) async throws {
        simulator.injectAnswer(.json(200, body), method: .get, pathPrefix: "/api/v1/exports/")
        let error = try await decodingError { _ = try await gateway().export("e1") }
        #expect(error.message.hasPrefix(message), "\(error.message)")
    }

    @Test func optionalFieldsMayBeAbsentOrNull() async throws {
        // Avala's SDK model allows a missing or null status, and DOC-REST omits `updated_at`.
        let body: JSONValue = ["uid": "e1", "status": .null, "download_url": .null, "total_task_count": .null]
        simulator.injectAnswer(.json(200, body), method: .get, pathPrefix: "/api/v1/exports/")
        let export = try await gateway().export("e1")
        #expect(export.id == "e1" && export.status == .unknown("") && export.downloadLocation == nil)
        #expect(export.progress == nil && export.updatedAt == nil && export.name == nil)
    }

    @Test func createAnswerWithoutUIDIsADecodingError() async throws {
        let project = simulator.seedProject(named: "p", itemCount: 1)
        simulator.injectAnswer(.json(201, ["status": "requested"]), method: .post)
        let error = try await decodingError {
            _ = try await gateway().createExport(ExportRequest(source: .project(project)))
        }
        #expect(error.message.contains("`uid`") && error.operation == .createExport)
    }

    @Test func itemWithoutUIDIsADecodingError() async throws {
        let dataset = DatasetRef(rawValue: simulator.seedDataset(named: "items", itemCount: 2))
        simulator.injectAnswer(.json(200, ["key": "a.jpg"]), method: .get, pathPrefix: "/api/v1/datasets/")
        let error = try await decodingError { _ = try await gateway().item("i1", in: dataset) }
        #expect(error.message == "Required field `uid` is missing; found an object with the keys `key`.")
    }

    @Test(
        arguments: [
            (["uid": "d1", "owner_name": "o"], "Required field `slug` is missing"),
            (["slug": "s", "owner_name": "o"], "Required field `uid` is missing"),
            (["uid": "d1", "slug": "s", "owner_name": 5], "`owner_name` should be a string, but found 5"),
            (["uid": "d1", "slug": "s", "owner_name": .null], "has an empty or null `owner_name`"),
        ] as [(JSONValue, String)])
    func datasetLookupNeedsItsAddress(body: JSONValue, message: String) async throws {
        let uid = try #require(simulator.datasetUID(for: simulator.seedDataset(named: "by-uid", itemCount: 2)))
        simulator.injectAnswer(.json(200, body), method: .get, pathPrefix: "/api/v1/datasets/")
        let error = try await decodingError {
            _ = try await gateway().items(in: DatasetRef(rawValue: uid)).collect(upTo: 100)
        }
        #expect(error.message.contains(message), "\(error.message)")
    }
}
