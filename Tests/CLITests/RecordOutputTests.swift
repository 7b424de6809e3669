import ExportGateway
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
        let created = await cli.run(["exports", "create", dataset, "--option", "data_row_details=true", "-q"])
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
}
