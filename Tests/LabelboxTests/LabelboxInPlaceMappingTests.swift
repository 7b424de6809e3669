import ExportGateway
import ExportGatewayLabelbox
import ExportGatewayTesting
import Foundation
import Testing

/// A streamed row is mapped in place, from its text; a row made from a parsed value is mapped
/// from the tree. Both must give the same item, or the same error.
@Suite("Labelbox rows mapped in place")
struct LabelboxInPlaceMappingTests {
    static let export = Export(
        id: ExportID(rawValue: "e"), provider: .labelbox, status: .completed, rawStatus: "COMPLETE")

    @Test(
        arguments: [
            [:], ["data_row_details": true, "metadata_fields": true, "attachments": true, "embeddings": true],
        ] as [[String: JSONValue]])
    func streamedRowsGiveTheItemsTheTreeGives(options: [String: JSONValue]) async throws {
        let labelbox = LabelboxFixture(chunkSize: 900, chunkBoundary: .character)
        let gateway = labelbox.gateway(downloadChunkSize: 700)
        let (export, _) = try await labelbox.completedExport(rows: 30, options: options, gateway: gateway)
        let lines = try await gateway.lines(of: export).collect(upTo: 100)
        let items = try await gateway.records(of: export).collect(upTo: 100)
        try #require(lines.count == 30 && items.count == 30)
        for (line, item) in zip(lines, items) {
            let fromTree = try LabelboxProvider().record(
                from: RecordRow(value: line.value, bytes: line.bytes, export: export, offset: line.offset))
            Self.expectSame(item, fromTree)
            #expect(item.providerFieldsJSON == line.bytes)
        }
    }

    @Test func projectRowsGiveTheItemsTheTreeGives() async throws {
        let labelbox = LabelboxFixture()
        let gateway = labelbox.gateway()
        let project = labelbox.simulator.seedProject(named: "labeled", itemCount: 12)
        let created = try await gateway.createExport(
            ExportRequest(source: .project(project), providerOptions: ["project_details": true, "label_details": true]))
        let ready = try await gateway.wait(for: created, timeout: .seconds(60))
        let lines = try await gateway.lines(of: ready).collect(upTo: 100)
        let items = try await gateway.records(of: ready).collect(upTo: 100)
        try #require(lines.count == 12 && items.count == 12)
        for (line, item) in zip(lines, items) {
            let fromTree = try LabelboxProvider().record(
                from: RecordRow(value: line.value, bytes: line.bytes, export: ready, offset: line.offset))
            Self.expectSame(item, fromTree)
            #expect(item.rawStatus != nil)
        }
    }

    /// Rows at the edges of what the mapping accepts: each gives the same item, or the same
    /// message, read in place and from the tree.
    @Test(arguments: [
        #"{"data_row": {"id": "dr1"}}"#,
        #"{"data_row": {"id": "dr\u0031", "row_data": "https:\/\/h\/x.jpg", "external_id": "x\"y"}}"#,
        #"{"data_row": {"id": "dr1", "id": "dr2", "global_key": null, "external_id": "e"}}"#,
        #"{"data_row": {"id": "dr1", "global_key": "g", "external_id": 5}}"#,
        #"{"data_row": {"id": "dr1", "global_key": 5}}"#,
        #"{"data_row": {"id": "dr1", "row_data": "s3://bucket/x.jpg"}}"#,
        #"{"data_row": {"id": "dr1", "row_data": "https://h/with space.jpg"}}"#,
        #"{"data_row": {"id": "dr1", "row_data": 12}}"#,
        #"{"data_row": {"id": "dr1", "details": null}}"#,
        #"{"data_row": {"id": "dr1", "details": "yesterday"}}"#,
        #"{"data_row": {"id": "dr1", "details": {"dataset_id": 3}}}"#,
        #"{"data_row": {"id": "dr1", "details": {"created_at": "not a date", "dataset_id": "d"}}}"#,
        #"{"data_row": {"id": "dr1", "details": {"created_at": "2024-04-08T16:21:26.250+00:00"}}}"#,
        #"{"data_row": {"id": 7}}"#,
        #"{"data_row": {"global_key": "g"}}"#,
        #"{"data_row": ["dr1"]}"#,
        #"{"data_rows": {"id": "dr1"}}"#,
        #"["not", "an", "object"]"#,
        #"{"data_row": {"id": "dr1"}, "projects": null}"#,
        #"{"data_row": {"id": "dr1"}, "projects": {}}"#,
        #"{"data_row": {"id": "dr1"}, "projects": []}"#,
        #"{"data_row": {"id": "dr1"}, "projects": {"p2": {"project_details": {"workflow_status": "IN_REVIEW"}}, "p1": {"project_details": {"workflow_status": "DONE"}}}}"#,
        #"{"data_row": {"id": "dr1"}, "projects": {"p1": null}}"#,
        #"{"data_row": {"id": "dr1"}, "projects": {"p1": {"project_details": "x"}}}"#,
        #"{"data_row": {"id": "dr1"}, "projects": {"p1": {"project_details": {"workflow_status": 3}}}}"#,
        #"{"data_row": {"id": "dr1"}, "projects": {"p1": {"project_details": {"workflow_status": "SOMETHING_NEW"}}}}"#,
        #"{"data_row": {"id": "dr1"}, "projects": {"é": {"project_details": {"workflow_status": "DONE"}}, "z": {}}}"#,
        #"{"data_row": {"id": "dr1"}, "projects": {"p\u0031": {"project_details": {"workflow_status": "DONE"}}, "p0x": {}}}"#,
        #"{"data_row": {"id": "dr1"}, "metadata_fields": [{"name": "split"}], "metadata_fields": null}"#,
    ])
    func edgeRowsGiveTheSameItemOrTheSameError(text: String) throws {
        let bytes = Data(text.utf8)
        let inPlace = Result { try LabelboxProvider().record(from: Self.streamedRow(bytes)) }
        let fromTree = Result {
            try LabelboxProvider().record(
                from: RecordRow(value: try JSONValue(parsing: bytes), bytes: bytes, export: Self.export, offset: 0))
        }
        switch (inPlace, fromTree) {
        case (.success(let item), .success(let expected)):
            Self.expectSame(item, expected)
        case (.failure(let error as GatewayError), .failure(let expected as GatewayError)):
            #expect(error.message == expected.message)
            #expect(error.kind == .decoding)
        default:
            Issue.record("in place: \(inPlace); from the tree: \(fromTree)")
        }
    }

    @Test func anItemReadInPlaceDecodesItsFieldsWhenAskedAndCanBeChanged() throws {
        let text =
            #"{"data_row": {"id": "dr1", "row_data": "https://h/x.jpg"}, "metadata_fields": [1], "projects": {"p": {}}}"#
        var item = try LabelboxProvider().record(from: Self.streamedRow(Data(text.utf8)))
        #expect(item.mediaURL == URL(string: "https://h/x.jpg"))
        #expect(item.metadata == [1])
        #expect(item.annotations == ["p": [:]])
        #expect(item.providerFields == (try JSONValue(parsing: Data(text.utf8))))
        #expect(item.providerFieldsJSON == Data(text.utf8))

        let copy = item
        item.metadata = ["replaced"]
        item.mediaURL = nil
        #expect(item.metadata == ["replaced"] && item.mediaURL == nil)
        #expect(copy.metadata == [1], "a copy keeps what it had")
        #expect(item != copy)
        item.providerFields = ["other": true]
        #expect(item.providerFieldsJSON == nil)
        #expect(item.annotations == ["p": [:]], "annotations still come from the row the item was read from")
    }

    @Test func aRowsValueAndTextCanBeReplacedApart() throws {
        let bytes = Data(#"{"data_row": {"id": "dr1"}}"#.utf8)
        var row = try Self.streamedRow(bytes)
        row.value = ["data_row": ["id": "dr9"]]
        #expect(row.bytes == bytes, "the text stays")
        #expect(try LabelboxProvider().record(from: row).id.rawValue == "dr9", "the replaced value is what is mapped")
        row.bytes = Data("{}".utf8)
        #expect(row.value == ["data_row": ["id": "dr9"]], "the value stays")
    }

    static func streamedRow(_ bytes: Data) throws -> RecordRow {
        RecordRow(text: try JSONText(checking: bytes), export: export, offset: 0)
    }

    static func expectSame(_ item: Item, _ expected: Item, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(item == expected, sourceLocation: sourceLocation)
        #expect(item.id == expected.id && item.key == expected.key && item.dataset == expected.dataset)
        #expect(item.status == expected.status && item.rawStatus == expected.rawStatus)
        #expect(item.mediaURL == expected.mediaURL && item.createdAt == expected.createdAt)
        #expect(item.metadata == expected.metadata && item.annotations == expected.annotations)
        #expect(item.providerFields == expected.providerFields)
        #expect(Set([item, expected]).count == 1)
    }
}
