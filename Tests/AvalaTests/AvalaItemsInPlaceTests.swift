import ExportGateway
import ExportGatewayAvala
import ExportGatewayTesting
import Foundation
import Testing

/// A listed page is read in place (each item keeps its own text, decoded when read); an item
/// read alone is decoded whole. Both must give the same item, and a page with a member of
/// the wrong type must still fail naming it.
@Suite("Avala pages read in place")
struct AvalaItemsInPlaceTests {
    let simulator = AvalaSimulator()

    @Test(arguments: ItemKind.allCases)
    func listedItemsAreTheItemsReadOneByOne(kind: ItemKind) async throws {
        let gateway = simulator.gateway()
        let dataset = DatasetRef(rawValue: simulator.seedDataset(named: "same", itemCount: 7, sequenceCount: 3))
        let listed = try await gateway.items(in: dataset, kind: kind, pageSize: 4).collect(upTo: 100)
        try #require(listed.count == (kind == .sequence ? 3 : 7))
        for item in listed {
            let read = try await gateway.item(item.id, kind: kind, in: dataset)
            let text = try #require(item.providerFieldsJSON, "a listed item keeps its object's text")
            #expect(try JSONValue(parsing: text) == item.providerFields)
            // A sequence's own read embeds its frames, which a listing leaves out.
            Self.expectSame(item, read, comparingFields: kind == .item)
        }
    }

    static let elements: [JSONValue] = [
        ["uid": "i1"],
        ["uid": "i\u{31}é", "key": .null, "status": .null, "metadata": .null, "annotations": .null],
        ["uid": "i1", "key": "a \"b\".jpg", "status": "SOMETHING_NEW", "metadata": ["w": 3, "tags": ["x"]]],
        ["uid": "i1", "url": "", "data_url": "https://h/data.jpg", "annotations": [["label": "car"]]],
        ["uid": "i1", "url": "not a url with spaces", "data_url": .null, "featured_image": "https://h/f.jpg"],
        ["uid": "i1", "featured_image": "https://h/f.jpg", "created_at": "2024-04-08T16:21:26.250+00:00"],
        ["uid": "i1", "created_at": "yesterday", "metadata": 5, "annotations": "text"],
    ]

    @Test(arguments: elements, ItemKind.allCases)
    func anEdgeElementListedIsTheItemReadAlone(element: JSONValue, kind: ItemKind) async throws {
        let gateway = simulator.gateway()
        let dataset = DatasetRef(rawValue: simulator.seedDataset(named: "edges", itemCount: 1))
        let page: JSONValue = ["next": .null, "previous": .null, "results": [element]]
        simulator.injectAnswer(.json(200, page), method: .get, pathPrefix: "/api/v1/datasets/")
        let listed = try await gateway.items(in: dataset, kind: kind).collect(upTo: 10)
        simulator.injectAnswer(.json(200, element), method: .get, pathPrefix: "/api/v1/datasets/")
        let read = try await gateway.item(ItemID(rawValue: "i1"), kind: kind, in: dataset)
        try #require(listed.count == 1)
        Self.expectSame(listed[0], read)
    }

    @Test(
        arguments: [
            (["uid": "i2", "featured_image": 5], "`results[1].featured_image` should be a string, but found 5"),
            (["uid": ""], "`results[1].uid` should be a non-empty string"),
            (["uid": "i2", "created_at": false], "`results[1].created_at` should be a string, but found false"),
            ("i2", "`results[1]` should be an object, but found the string \"i2\""),
        ] as [(JSONValue, String)])
    func aWrongMemberInAPageIsStillNamed(element: JSONValue, message: String) async throws {
        let dataset = DatasetRef(rawValue: simulator.seedDataset(named: "wrong", itemCount: 1))
        let page: JSONValue = ["next": .null, "results": [["uid": "i1"], element]]
        simulator.injectAnswer(.json(200, page), method: .get, pathPrefix: "/api/v1/datasets/")
        do {
            let items = try await simulator.gateway().items(in: dataset).collect(upTo: 10)
            Issue.record("listed \(items) from a page with a wrong member")
        } catch let error as GatewayError {
            #expect(error.kind == .decoding)
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    @Test func aPageThatIsNotJSONSaysSo() async throws {
        let dataset = DatasetRef(rawValue: simulator.seedDataset(named: "text", itemCount: 1))
        simulator.injectAnswer(
            HTTPResponse(
                status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"results": [}"#.utf8)),
            method: .get, pathPrefix: "/api/v1/datasets/")
        do {
            _ = try await simulator.gateway().items(in: dataset).collect(upTo: 10)
            Issue.record("listed items from a broken page")
        } catch let error as GatewayError {
            #expect(error.kind == .decoding && error.message.contains("is not JSON: invalid JSON at byte 13"))
        }
    }

    static func expectSame(
        _ item: Item, _ expected: Item, comparingFields: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        if comparingFields {
            #expect(item == expected, sourceLocation: sourceLocation)
            #expect(item.providerFields == expected.providerFields)
        }
        #expect(item.id == expected.id && item.kind == expected.kind && item.key == expected.key)
        #expect(item.status == expected.status && item.rawStatus == expected.rawStatus)
        #expect(item.mediaURL == expected.mediaURL && item.createdAt == expected.createdAt)
        #expect(item.metadata == expected.metadata && item.annotations == expected.annotations)
    }
}
