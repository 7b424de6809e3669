import ExportGateway
import ExportGatewayLabelbox
import ExportGatewayTesting
import Foundation
import Testing

/// A `200` without `data`, or without a field its operation selects, is a `.decoding` error
/// naming the field's JSON path and what was there, through the gateway: never "0 exports".
@Suite("Labelbox required fields")
struct LabelboxRequiredFieldTests {
    /// A task with every field `GetUserCreatedTasksPyApi` selects, as the simulator sends it.
    static let task: [String: JSONValue] = [
        "id": "t1", "name": "Export v2", "status": "COMPLETE", "type": "export-data-rows", "result": .null,
        "errors": .null, "metadata": .null, "completionPercentage": 100.0, "createdAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": "2024-01-01T00:00:02.000Z",
    ]

    let labelbox = LabelboxFixture()

    /// A gateway that already knows its user, so the next request is the one under test.
    func warmGateway() async throws -> Gateway {
        let gateway = labelbox.gateway()
        _ = try await gateway.exports().collect(upTo: 100_000)
        return gateway
    }

    func error(_ call: () async throws -> Void) async throws -> GatewayError {
        let error = try await #require(throws: GatewayError.self) { try await call() }
        #expect(error.provider == .labelbox)
        return error
    }

    @Test(
        arguments: [
            ([:], "Required field `data` is missing; found an empty object"),
            (["data": .null], "`data` should be an object, but found null"),
            (["data": [:]], "Required field `data.user` is missing; found an empty object"),
            (["data": ["user": [:]]], "Required field `data.user.createdTasks` is missing; found an empty object"),
            (
                ["data": ["user": ["createdTasks": .null]]],
                "`data.user.createdTasks` should be an array, but found null"
            ),
        ] as [(JSONValue, String)])
    func taskListWithoutItsListIsADecodingError(body: JSONValue, message: String) async throws {
        let gateway = try await warmGateway()
        labelbox.simulator.injectAnswer(.json(200, body))
        let error = try await error { _ = try await gateway.exports().collect(upTo: 100_000) }
        #expect(error.kind == .decoding && error.message.hasPrefix(message), "\(error.message)")
        #expect("\(error)".contains("could not list exports: unexpected response (POST /graphql)"))
    }

    @Test func aNullUserIsNotFound() async throws {
        // The SDK's ResourceNotFoundError: a user Labelbox does not know, not a broken answer.
        let gateway = try await warmGateway()
        labelbox.simulator.injectAnswer(.json(200, ["data": ["user": .null]]))
        #expect(try await error { _ = try await gateway.exports().collect(upTo: 10) }.kind == .notFound)
    }

    @Test(arguments: LabelboxGraphQLFields.task)
    func everySelectedTaskFieldMustBePresent(field: String) async throws {
        let gateway = try await warmGateway()
        var task = Self.task
        task[field] = nil
        labelbox.simulator.injectAnswer(.json(200, ["data": ["user": ["createdTasks": [.object(task)]]]]))
        let error = try await error { _ = try await gateway.export("t1") }
        #expect(error.kind == .decoding)
        #expect(error.message.hasPrefix("Required field `data.user.createdTasks[0].\(field)` is missing"))
    }

    @Test(
        arguments: [
            ("status", .null, "`data.user.createdTasks[0].status` should be a string, but found null"),
            ("id", 7, "`data.user.createdTasks[0].id` should be a string, but found 7"),
            ("type", .null, "`data.user.createdTasks[0].type` should be a string, but found null"),
            ("createdAt", 1_700_000_000, "`data.user.createdTasks[0].createdAt` should be a string"),
        ] as [(String, JSONValue, String)])
    func taskFieldsOfTheWrongTypeAreNamed(field: String, value: JSONValue, message: String) async throws {
        let gateway = try await warmGateway()
        var task = Self.task
        task[field] = value
        labelbox.simulator.injectAnswer(.json(200, ["data": ["user": ["createdTasks": [.object(task)]]]]))
        let error = try await error { _ = try await gateway.export("t1") }
        #expect(error.kind == .decoding && error.message.hasPrefix(message), "\(error.message)")
    }

    @Test func nullableTaskFieldsMayBeNull() async throws {
        let gateway = try await warmGateway()
        var task = Self.task
        for field in ["name", "createdAt", "updatedAt", "completionPercentage"] { task[field] = .null }
        labelbox.simulator.injectAnswer(.json(200, ["data": ["user": ["createdTasks": [.object(task)]]]]))
        let export = try await gateway.export("t1")
        #expect(export.status == .completed && export.name == nil && export.createdAt == nil)
    }

    @Test(arguments: ["id", "email", "picture", "lastLoginAt"])
    func theUserAnswerNeedsEverySelectedField(field: String) async throws {
        var user: [String: JSONValue] = [:]
        for name in LabelboxGraphQLFields.user { user[name] = .string(name) }
        user[field] = nil
        labelbox.simulator.injectAnswer(.json(200, ["data": ["user": .object(user)]]))
        let error = try await error { _ = try await labelbox.gateway().exports().collect(upTo: 10) }
        #expect(error.kind == .decoding && error.message.hasPrefix("Required field `data.user.\(field)` is missing"))
    }

    @Test func aCreateAnswerWithoutTaskIDIsADecodingError() async throws {
        let gateway = try await warmGateway()
        let dataset = labelbox.simulator.seedDataset(named: "d", itemCount: 1)
        labelbox.simulator.injectAnswer(.json(200, ["data": ["exportDataRowsInCatalog": ["isStreamable": true]]]))
        let error = try await error {
            _ = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
        }
        #expect(error.kind == .decoding)
        #expect(error.message.hasPrefix("Required field `data.exportDataRowsInCatalog.taskId` is missing"))
    }

    @Test(
        arguments: [
            (["data": ["task": [:]]], "Required field `data.task.exportMetadataHeader` is missing"),
            (
                ["data": ["task": ["exportMetadataHeader": ["totalLines": 3]]]],
                "Required field `data.task.exportMetadataHeader.totalSize` is missing"
            ),
            (
                ["data": ["task": ["exportMetadataHeader": ["totalSize": "big"]]]],
                "`data.task.exportMetadataHeader.totalSize` should be an integer or a numeric string"
            ),
            (
                ["data": ["task": ["exportMetadataHeader": ["totalSize": 9, "totalLines": [1]]]]],
                "`data.task.exportMetadataHeader.totalLines` should be"
            ),
        ] as [(JSONValue, String)])
    func theStreamHeaderNeedsItsSize(body: JSONValue, message: String) async throws {
        let (ready, _) = try await labelbox.completedExport(rows: 3)
        labelbox.simulator.injectAnswer(.json(200, body))
        let error = try await error { _ = try await labelbox.gateway().recordStreamInfo(of: ready) }
        #expect(error.kind == .decoding && error.message.hasPrefix(message), "\(error.message)")
    }

    @Test(
        arguments: [
            (["offsets": ["start": 0, "end": 9]], "Required field `data.task.exportFileFromOffset.file` is missing"),
            (
                ["file": "https://s.example/c", "offsets": .null],
                "`data.task.exportFileFromOffset.offsets` should be an object, but found null"
            ),
            (
                ["file": "https://s.example/c", "offsets": ["start": 0]],
                "Required field `data.task.exportFileFromOffset.offsets.end` is missing"
            ),
            (
                ["file": "https://s.example/c", "offsets": ["start": 9, "end": 0]],
                "`data.task.exportFileFromOffset.offsets` is not a byte range"
            ),
            (
                ["file": "chunk-0", "offsets": ["start": 0, "end": 9]],
                "`data.task.exportFileFromOffset.file` should be an absolute URL"
            ),
        ] as [(JSONValue, String)])
    func aChunkNeedsItsFileAndOffsets(chunk: JSONValue, message: String) async throws {
        let (ready, _) = try await labelbox.completedExport(rows: 3)
        labelbox.simulator.injectAnswer(.json(200, ["data": ["task": ["exportFileFromOffset": chunk]]]), after: 1)
        let error = try await error { _ = try await labelbox.gateway().lines(of: ready).collect(upTo: 10) }
        #expect(error.kind == .decoding && error.message.hasPrefix(message), "\(error.message)")
    }

    @Test(
        arguments: [
            (["data_row": ["row_data": "https://x/1.jpg"]], "Required field `data_row.id` is missing"),
            (["data_row": ["id": "r1", "global_key": 5]], "`data_row.global_key` should be a string, but found 5"),
            (["data_row": "r1"], "`data_row` should be an object, but found the string \"r1\""),
            (
                ["data_row": ["id": "r1"], "projects": ["p1": ["project_details": ["workflow_status": 1]]]],
                "`projects.p1.project_details.workflow_status` should be a string"
            ),
        ] as [(JSONValue, String)])
    func aResultRowNeedsItsDataRowID(row: JSONValue, message: String) async throws {
        let export = Export(id: "t1", provider: .labelbox, status: .completed, rawStatus: "COMPLETE")
        let error = try #require(throws: GatewayError.self) {
            try LabelboxProvider().record(from: RecordRow(value: row, export: export, offset: 0))
        }
        #expect(error.kind == .decoding && error.message.hasPrefix(message), "\(error.message)")
    }
}

/// The fields Labelbox's queries select, as the SDK 7.17.0 sends them.
enum LabelboxGraphQLFields {
    static let task = LabelboxSimulatorTests.taskFieldSet.sorted()
    static let user = [
        "createdAt", "email", "isExternalUser", "isViewer", "lastLoginAt", "nickname", "name", "picture", "id",
        "updatedAt",
    ]
}
