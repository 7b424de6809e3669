import ExportGateway
import ExportGatewayPictograph
import ExportGatewayTesting
import Foundation
import Testing

/// A `200` that lacks what every Pictograph answer shape carries is a `.decoding` error
/// naming the field's JSON path and what was there, through the gateway: never "0 exports".
@Suite("Pictograph required fields")
struct PictographRequiredFieldTests {
    /// A complete export object, as the simulator sends it.
    static let export: JSONValue = [
        "id": "3f2b9c1e-8a7d-4e21-9b0c-5d6e7f8a9b01", "dataset_id": "9a1c2d3e", "dataset_name": "street-scenes",
        "name": "nightly", "format": "coco", "status": "completed", "created_at": "2024-01-15T10:30:00Z",
        "file_size": 3, "download_url": "https://storage.example/export.zip?sig=1",
    ]

    let pictograph = Pictograph()

    func decodingError(_ call: () async throws -> Void) async throws -> GatewayError {
        let error = try await #require(throws: GatewayError.self) { try await call() }
        #expect(error.kind == .decoding && error.provider == .pictograph)
        return error
    }

    @Test(
        arguments: [
            ([:], "Required field `data` is missing; found an empty object"),
            (
                ["pagination": ["has_more": true]],
                "Required field `data` is missing; found an object with the keys `pagination`"
            ),
            (["data": .null], "`data` should be an array, but found null"),
            (["data": [:], "pagination": ["has_more": false]], "`data` should be an array, but found an empty object"),
            ("OK", "The top level should be an object, but found the string \"OK\""),
        ] as [(JSONValue, String)])
    func exportListWithoutDataIsADecodingError(body: JSONValue, message: String) async throws {
        pictograph.simulator.injectAnswer(.json(200, body), method: .get)
        let error = try await decodingError { _ = try await pictograph.gateway().exports().collect(upTo: 100_000) }
        #expect(error.message.hasPrefix(message), "\(error.message)")
        #expect("\(error)".contains("could not list exports: unexpected response (GET /api/v1/developer/exports/)"))
    }

    @Test(arguments: ["id", "name", "status", "created_at"])
    func everyShapeOfAnExportNeeds(field: String) async throws {
        var bare = try #require(Self.export.objectValue)
        bare[field] = nil
        for (body, path) in [(JSONValue.object(bare), field), (["data": .object(bare)], "data.\(field)")] {
            pictograph.simulator.injectAnswer(.json(200, body), method: .get)
            let error = try await decodingError { _ = try await pictograph.gateway().export("e1") }
            #expect(error.message.hasPrefix("Required field `\(path)` is missing"), "\(error.message)")
        }
        pictograph.simulator.injectAnswer(.json(200, [.object(bare)]), method: .get)
        let listed = try await decodingError { _ = try await pictograph.gateway().exports().collect(upTo: 10) }
        #expect(listed.message.hasPrefix("Required field `[0].\(field)` is missing"), "\(listed.message)")
    }

    @Test(
        arguments: [
            (["data": .null], "`data` should be an object, but found null"),
            (
                ["data": ["id": "e1", "name": "n", "status": .null, "created_at": "x"]],
                "`data.status` should be a string"
            ),
            (
                ["data": ["id": true, "name": "n", "status": "pending", "created_at": "x"]],
                "`data.id` should be a string"
            ),
            (
                ["data": ["id": "", "name": "n", "status": "pending", "created_at": "x"]],
                "`data.id` should be a non-empty"
            ),
        ] as [(JSONValue, String)])
    func exportReadNamesTheFieldAndWhatWasThere(body: JSONValue, message: String) async throws {
        pictograph.simulator.injectAnswer(.json(200, body), method: .get)
        let error = try await decodingError { _ = try await pictograph.gateway().export("e1") }
        #expect(error.message.hasPrefix(message), "\(error.message)")
    }

    @Test(
        arguments: [
            ("file_size", "many", "`data.file_size` should be an integer, but found the string \"many\""),
            ("dataset_name", 5, "`data.dataset_name` should be a string, but found 5"),
            ("download_url", ["u"], "`data.download_url` should be a string, but found an array of 1 elements"),
            ("error_message", [:], "`data.error_message` should be a string, but found an empty object"),
        ] as [(String, JSONValue, String)])
    func optionalFieldsOfAnotherTypeAreNamed(field: String, value: JSONValue, message: String) async throws {
        var export = try #require(Self.export.objectValue)
        export[field] = value
        pictograph.simulator.injectAnswer(.json(200, ["data": .object(export)]), method: .get)
        let error = try await decodingError { _ = try await pictograph.gateway().export("e1") }
        #expect(error.message == message + ".", "\(error.message)")
    }

    @Test func theDocsMinimalExportIsRead() async throws {
        // The docs' create answer: `{id, name, status, created_at}` only, bare.
        let body: JSONValue = ["id": "e1", "name": "n", "status": "pending", "created_at": "2024-01-15T10:30:00Z"]
        pictograph.simulator.injectAnswer(.json(200, body), method: .get)
        let export = try await pictograph.gateway().export("e1")
        #expect(export.id == "e1" && export.status == .pending && export.source == nil && export.format == nil)
    }

    @Test(
        arguments: [
            (["data": ["expires_at": "2024-01-15T11:35:00Z"]], "Required field `data.download_url` is missing"),
            (["data": ["download_url": .null]], "`data.download_url` should be a string, but found null"),
            (["data": ["download_url": "/export.zip"]], "`data.download_url` should be an absolute URL"),
            (["data": ["download_url": "https://s.example/e.zip", "file_size": "3"]], "`data.file_size` should be"),
        ] as [(JSONValue, String)])
    func downloadAnswerNeedsItsURL(body: JSONValue, message: String) async throws {
        var export = try await pictograph.gateway().createExport(
            ExportRequest(source: .dataset(pictograph.dataset("d")), name: "x"))
        export.downloadLocation = nil
        pictograph.simulator.injectAnswer(.json(200, body), method: .get)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try await decodingError {
            try await pictograph.gateway().download(export, to: folder.appendingPathComponent("e.zip"))
        }
        #expect(error.message.hasPrefix(message), "\(error.message)")
    }

    @Test(
        arguments: [
            (["data": ["succeeded": ["e1"]]], "Required field `data.not_found` is missing"),
            (["data": ["not_found": []]], "Required field `data.succeeded` is missing"),
            (["data": ["succeeded": .null, "not_found": []]], "`data.succeeded` should be an array, but found null"),
            (["data": ["succeeded": [1], "not_found": []]], "`data.succeeded[0]` should be a string, but found 1"),
        ] as [(JSONValue, String)])
    func bulkDeleteAnswerNeedsBothLists(body: JSONValue, message: String) async throws {
        pictograph.simulator.injectAnswer(.json(200, body), method: .post)
        let error = try await decodingError { _ = try await pictograph.gateway().deleteExports(["e1", "e2"]) }
        #expect(error.message.hasPrefix(message), "\(error.message)")
    }

    @Test func bulkDeleteReadsTheLegacyDeletedList() async throws {
        pictograph.simulator.injectAnswer(
            .json(200, ["deleted": ["e1"], "not_found": ["e2"], "count": 1]), method: .post)
        let result = try await pictograph.gateway().deleteExports(["e1", "e2"])
        #expect(result.deleted == ["e1"] && result.notFound == ["e2"])
    }
}
