import ExportGateway
import ExportGatewayLabelbox
import ExportGatewayTesting
import Foundation
import Testing

/// A streamed row keeps the vendor's text beside the parsed value, so it can be written out
/// again without being encoded.
@Suite("Labelbox rows keep their text")
struct LabelboxRowTextTests {
    @Test func eachRecordKeepsTheExactTextOfItsLine() async throws {
        let labelbox = LabelboxFixture(chunkSize: 700, chunkBoundary: .character)
        let gateway = labelbox.gateway(downloadChunkSize: 450)
        let (export, _) = try await labelbox.completedExport(
            rows: 40, options: ["data_row_details": true, "metadata_fields": true], gateway: gateway)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rows-\(UUID().uuidString).ndjson")
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try await gateway.download(export, to: file)
        let stream = try Data(contentsOf: file)

        let lines = try await gateway.lines(of: export).collect(upTo: 1000)
        let items = try await gateway.records(of: export).collect(upTo: 1000)
        #expect(lines.count == 40 && items.count == 40)
        for (line, item) in zip(lines, items) {
            let stored = stream[Int(line.offset)..<Int(line.nextOffset) - 1]  // without the newline
            #expect(line.bytes == stored)
            #expect(try JSONValue(parsing: line.bytes) == line.value)
            #expect(item.providerFieldsJSON == line.bytes)
            #expect(item.providerFields == line.value)
        }
    }

    @Test func replacingTheFieldsDropsTheTextAndEqualityIgnoresIt() throws {
        let text = Data(#"{"data_row": {"id": "dr1"}, "extra": [1, 2]}"#.utf8)
        let fields = try JSONValue(parsing: text)
        var kept = Item(id: ItemID(rawValue: "dr1"), providerFields: fields, providerFieldsJSON: text)
        let parsedOnly = Item(id: ItemID(rawValue: "dr1"), providerFields: fields)
        #expect(kept.providerFieldsJSON == text)
        #expect(parsedOnly.providerFieldsJSON == nil)
        #expect(kept == parsedOnly)
        #expect(Set([kept, parsedOnly]).count == 1)

        kept.providerFields = ["data_row": ["id": "dr1"]]
        #expect(kept.providerFieldsJSON == nil, "the text no longer says what the fields hold")
        #expect(kept.providerFields == ["data_row": ["id": "dr1"]])
    }

    @Test func aLineMadeFromAValueHoldsItsSerializedText() throws {
        let line = RecordLine(value: ["a": 1, "b": [true, nil]], offset: 0, nextOffset: 20)
        #expect(try JSONValue(parsing: line.bytes) == line.value)
        let export = Export(id: ExportID(rawValue: "e"), provider: .labelbox, status: .completed, rawStatus: "COMPLETE")
        let row = RecordRow(value: line.value, export: export, offset: 0)
        #expect(try JSONValue(parsing: row.bytes) == row.value)
    }

    @Test(arguments: [
        "2024-04-08T16:21:26.000+00:00", "2024-02-29T23:59:59Z", "1999-12-31T00:00:00.000000-05:30",
        "2025-01-15T09:30:00+14:00", "0001-01-01T00:00:00Z", "2024-04-08T16:21:26.250+00:00",
        "2023-02-29T00:00:00Z", "2024-04-31T10:00:00Z", "2024-04-08T24:00:00Z", "2024-04-08 16:21:26Z",
        "2024-04-08T16:21:26", "2024-04-08T16:21:26.Z", "2024-04-08T16:21:26+0000",
    ])
    func timestampsReadWithoutAFormatterAgreeWithIt(text: String) {
        let formatted =
            (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: false)))
        #expect(ISO8601.date(from: text) == formatted)
    }
}

/// The simulator builds each chunk once and serves it again to every export with the same
/// rows: an export with other options must still get its own rows.
@Suite("Labelbox simulator chunk reuse")
struct LabelboxChunkReuseTests {
    @Test func exportsWithOtherOptionsGetTheirOwnRowsAndEqualExportsTheSameBytes() async throws {
        let labelbox = LabelboxFixture(chunkSize: 2000)
        let gateway = labelbox.gateway(downloadChunkSize: 700)
        let (plain, dataset) = try await labelbox.completedExport(rows: 25, gateway: gateway)
        let withMetadata = try await gateway.wait(
            for: try await gateway.createExport(
                ExportRequest(
                    source: .dataset(DatasetRef(rawValue: dataset)), providerOptions: ["metadata_fields": true])),
            timeout: .seconds(60))
        let plainAgain = try await gateway.wait(
            for: try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset)))),
            timeout: .seconds(60))

        let first = try await gateway.lines(of: plain).collect(upTo: 100).map(\.bytes)
        let metadata = try await gateway.lines(of: withMetadata).collect(upTo: 100)
        let second = try await gateway.lines(of: plainAgain).collect(upTo: 100).map(\.bytes)
        #expect(first.count == 25 && metadata.count == 25)
        #expect(first == second, "the same rows, byte for byte")
        #expect(metadata.allSatisfy { $0.value["metadata_fields"] != nil })
        #expect(first.allSatisfy { (try? JSONValue(parsing: $0))?["metadata_fields"] == nil })
    }
}
