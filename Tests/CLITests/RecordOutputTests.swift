import ExportGateway
import ExportGatewayLabelbox
import ExportGatewayTesting
import Foundation
import Testing

@testable import export_gateway

/// `exports records --json` writes the vendor's row as it came, where it has its text, and
/// prints what encoding the normalized item would print.
@Suite("export-gateway record output")
struct RecordOutputTests {
    @Test func recordsAsJSONPrintTheNormalizedItemsWithTheRowsAsSent() async throws {
        let simulator = LabelboxSimulator(pollsToComplete: 1, chunkSize: 900, chunkBoundary: .character)
        let dataset = simulator.seedDataset(named: "printed", itemCount: 120)
        let cli = CLIHarness(labelbox: simulator)
        let created = await cli.run([
            "exports", "create", dataset, "--option", "data_row_details=true", "--option", "metadata_fields=true", "-q",
        ])
        let id = try #require(created.lines.first)
        #expect(await cli.run(["exports", "wait", id, "--timeout", "10m"]).status == .success)

        let printed = await cli.run(["exports", "records", id, "--json"])
        #expect(printed.status == .success, "stderr: \(printed.errors)")
        let gateway = simulator.gateway(options: GatewayOptions(clock: VirtualClock()))
        let export = try await gateway.export(ExportID(rawValue: id))
        let items = try await gateway.records(of: export).collect(upTo: 1000)
        #expect(printed.lines.count == 120)
        for (line, item) in zip(printed.lines, items) {
            #expect(try JSONValue(parsing: Data(line.utf8)) == JSONRepresentation.item(item))
            // The simulator sends compact rows with sorted keys, as the tool encodes them.
            #expect(line == String(decoding: JSONRepresentation.item(item).serialized(), as: UTF8.self))
        }

        let ids = await cli.run(["exports", "records", id, "-q"])
        #expect(ids.lines == items.map(\.id.rawValue))
    }

    @Test func theRowTextGoesOutVerbatimUnlessItSpansLines() throws {
        let text = #"{ "z": 1, "data_row": {"id": "dr\u00e9", "url": "https:\/\/x"}, "a": [ ] }"#
        let item = Item(
            id: ItemID(rawValue: "dré"), key: "k.jpg", status: .completed, rawStatus: "DONE",
            createdAt: Date(timeIntervalSince1970: 0), providerFields: try JSONValue(parsing: Data(text.utf8)),
            providerFieldsJSON: Data(text.utf8))
        let line = String(decoding: JSONRepresentation.itemLine(item), as: UTF8.self)
        #expect(line.contains(#""providerFields":"# + text))
        #expect(try JSONValue(parsing: Data(line.utf8)) == JSONRepresentation.item(item))

        let spread = "{\n\"a\": 1\n}"
        let pretty = Item(
            id: ItemID(rawValue: "x"), providerFields: try JSONValue(parsing: Data(spread.utf8)),
            providerFieldsJSON: Data(spread.utf8))
        let encoded = JSONRepresentation.itemLine(pretty)
        #expect(encoded == JSONRepresentation.item(pretty).serialized())
        #expect(!encoded.contains(0x0A))

        let plain = Item(id: ItemID(rawValue: "y"), providerFields: ["b": 2])
        #expect(JSONRepresentation.itemLine(plain) == JSONRepresentation.item(plain).serialized())
    }

    /// Rows read in place keep `metadata` and `annotations` as text: the line holds that text
    /// and still says what the normalized item says, whatever those members hold.
    @Test(arguments: [
        #"{"data_row": {"id": "a"}, "metadata_fields": [ {"z": 1, "a": "x\ty"} ], "projects": {"p": {"labels": []}}}"#,
        #"{"data_row": {"id": "b"}, "metadata_fields": null, "projects": null}"#,
        #"{"data_row": {"id": "c"}}"#,
        #"{"data_row": {"id": "d"}, "metadata_fields": [1], "projects": {}}"#.replacingOccurrences(
            of: "[1]", with: "[\n1\n]"),
    ])
    func membersReadInPlaceGoOutAsTheirText(row: String) throws {
        let export = Export(
            id: ExportID(rawValue: "e"), provider: .labelbox, status: .completed, rawStatus: "COMPLETE")
        let item = try LabelboxProvider().record(
            from: RecordRow(text: try JSONText(checking: Data(row.utf8)), export: export, offset: 0))
        let line = JSONRepresentation.itemLine(item)
        #expect(!line.contains(0x0A))
        #expect(try JSONValue(parsing: line) == JSONRepresentation.item(item))
        if case .text(let metadata) = item.metadataText, !metadata.contains(0x0A) {
            #expect(
                String(decoding: line, as: UTF8.self).contains(
                    #""metadata":"# + String(decoding: metadata, as: UTF8.self)))
        }
    }
}
