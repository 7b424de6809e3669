import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// A record stream's rows are checked once and read in place (``JSONText``): the check must
/// refuse exactly what the parser refuses, and a member read in place must be the member the
/// parsed tree holds.
@Suite("JSON text read in place")
struct JSONTextTests {
    static let sampleRow = #"""
        {"data_row": {"id": "ck\u0031", "row_data": "https://h/a b.jpg", "global_key": null,
          "details": {"dataset_id": "ds", "created_at": "2024-04-08T16:21:26.000+00:00"}},
         "media_attributes": {"height": 480, "width": 640, "ratio": -1.5e-3, "ok": true},
         "projects": {"p2": {"labels": [{"text": "say \"hi\" \\ }]{["}]}, "p1": {"project_details": {"workflow_status": "DONE"}}},
         "dup": 1, "dup": [2], "esc\u0061ped": "é😀", "empty": {}, "list": []}
        """#

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", #"{"a" 1}"#, #"{"a": 1,}"#, #"{"a": 1} x"#, #""abc"#, "\"a\u{01}b\"", #""\q""#,
        #""\u12G4""#, #""\u12""#, "01", "-", "1.", "1e", "1e+", "tru", "nul", "[", "[1 2]", #"{1: 2}"#,
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        "1e99999", "-0.0e-400", "92233720368547758080", #"{"a": [true, false, null, "\/\b\f\n\r\t"]}"#, "  [ ]  ",
    ])
    func checkingRefusesExactlyWhatParsingRefuses(text: String) {
        Self.expectSameVerdict(Data(text.utf8))
    }

    @Test func checkingAgreesWithParsingOnMutatedRows() {
        var random = SplitMix64(seed: 13)
        let row = Array(Self.sampleRow.utf8)
        let alphabet = Array(#"{}[]":,\ "0123456789.eE+-tfnu"#.utf8) + [0x01, 0x0A, 0xC3]
        for _ in 0..<3000 {
            var mutated = row
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let at = Int.random(in: 0..<mutated.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: mutated[at] = alphabet.randomElement(using: &random)!
                case 1: mutated.remove(at: at)
                default: mutated.insert(alphabet.randomElement(using: &random)!, at: at)
                }
            }
            Self.expectSameVerdict(Data(mutated))
        }
    }

    @Test func membersReadInPlaceAreTheMembersOfTheParsedTree() throws {
        let text = try JSONText(checking: Data(Self.sampleRow.utf8))
        let tree = try JSONValue(parsing: Data(Self.sampleRow.utf8))
        let root = try #require(text.root)
        for (name, value) in try #require(tree.objectValue) {
            #expect(root.member(name)?.value == value, "member \(name)")
        }
        #expect(root.member("dup")?.value == [2], "a repeated name keeps its last value, as the tree does")
        #expect(root.member("escaped")?.string == "é😀", "an escaped name matches its decoded text")
        #expect(root.member("missing") == nil)
        let dataRow = try #require(root.member("data_row"))
        #expect(dataRow.member("id")?.string == "ck1", "escapes in a string are decoded")
        #expect(dataRow.member("global_key")?.isNull == true)
        #expect(dataRow.member("row_data")?.string == "https://h/a b.jpg")
        #expect(dataRow.member("id")?.member("x") == nil, "a string has no members")
        #expect(dataRow.member("details")?.string == nil, "an object is not a string")
        let projects = try #require(root.member("projects"))
        #expect(projects.rawMemberNames == ["p2", "p1"], "in text order")
        #expect(projects.member("p1")?.member("project_details")?.member("workflow_status")?.string == "DONE")
        #expect(root.member("empty")?.rawMemberNames == [])
        #expect(root.member("list")?.rawMemberNames == nil)

        let several = dataRow.members(JSONMemberNames("row_data", "nothing", "id"))
        #expect(several[0]?.string == "https://h/a b.jpg" && several[1] == nil && several[2]?.string == "ck1")
    }

    @Test func membersOfGeneratedObjectsMatchTheTree() throws {
        var random = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let object = Self.randomObject(depth: 3, using: &random)
            let tree = JSONValue.object(object)
            let text = try JSONText(checking: tree.serialized(sortingKeys: false))
            let root = try #require(text.root)
            for (name, value) in object {
                #expect(root.member(name)?.value == value)
            }
            #expect(text.value == tree)
        }
    }

    @Test func textNotCheckedIsNotWalked() {
        let text = JSONText(bytes: Data("not json".utf8), value: ["a": 1])
        #expect(text.root == nil)
        #expect(text.value == ["a": 1])
    }

    private static func expectSameVerdict(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        let parsed = Result { try JSONValue(parsing: data) }
        let checked = Result { try JSONText(checking: data) }
        switch (parsed, checked) {
        case (.success(let value), .success(let text)):
            #expect(text.value == value, sourceLocation: sourceLocation)
        case (.failure(let parseError as JSONParseError), .failure(let checkError as JSONParseError)):
            #expect(
                parseError.offset == checkError.offset && parseError.reason == checkError.reason,
                "parser: \(parseError); check: \(checkError) for \(String(decoding: data, as: UTF8.self))",
                sourceLocation: sourceLocation)
        default:
            Issue.record(
                "parser \(parsed), check \(checked) for \(String(decoding: data, as: UTF8.self))",
                sourceLocation: sourceLocation)
        }
    }

    private static func randomObject(depth: Int, using random: inout SplitMix64) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        let names = ["a", "b", "id", "i\"d", "back\\slash", "é", "{", "", "x y"]
        for _ in 0..<Int.random(in: 0...5, using: &random) {
            object[names.randomElement(using: &random)!] = randomValue(depth: depth, using: &random)
        }
        return object
    }

    private static func randomValue(depth: Int, using random: inout SplitMix64) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .int(Int64.random(in: -1_000_000...1_000_000, using: &random))
        case 3: return .double(Double(Int.random(in: -999...999, using: &random)) / 8)
        case 4:
            return .string(
                ["", "plain", "q\"uote", "}]", "\\", "line\nbreak", "\u{01}"].randomElement(using: &random)!)
        case 5: return .string("https://h/\(Int.random(in: 0...99, using: &random))")
        case 6:
            return .array(
                (0..<Int.random(in: 0...3, using: &random)).map { _ in randomValue(depth: depth - 1, using: &random) })
        default: return .object(randomObject(depth: depth - 1, using: &random))
        }
    }
}

/// An item read in place makes its media URL only when asked; a writer that wants the URL's
/// text may take the vendor's text as it is only where `URL` would give back that same text.
@Suite("Media URL text of items read in place")
struct MediaURLTextTests {
    static let samples = [
        "https://assets.labelbox.sim/00001/scene-00000001.jpg", "http://h/a b.jpg", "https://h/%41%zz", "https://h/%4",
        "https://h:8080/x", "https://h:99999/x", "https://user@h/x", "https://[::1]/x", "https://h/x#frag",
        "https://h/x?a=b&c=%20d;e", "https://h/é.jpg", "https://-h/x", "https://h", "https://h?x", "http:///x",
        "https://h/x[1]", "https://h/x|y", "https://h/x\\y", "HTTPS://H/X", "ftp://h/x", "", "https://h/~user/(1)!*'",
    ]

    @Test func theTextGivenIsAlwaysWhatTheURLWouldSay() throws {
        var random = SplitMix64(seed: 11)
        let alphabet = Array("ab09-._~:/?#[]@!$&'()*+,;=% \"<>\\^`{|}é".unicodeScalars)
        var texts = Self.samples
        for _ in 0..<3000 {
            let tail = String(
                String.UnicodeScalarView(
                    (0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
            texts.append(["https://h", "http://", "https://a.b/"].randomElement(using: &random)! + tail)
        }
        let row = JSONText(bytes: Data("{}".utf8), value: [:])
        for text in texts {
            let item = Item(
                id: ItemID(rawValue: "i"), mediaURLCandidates: [text], metadata: nil, annotations: nil, row: row)
            #expect(item.mediaURLString == item.mediaURL?.absoluteString, "\(text)")
            #expect(item.mediaURL == URL(string: text).flatMap { text.isEmpty ? nil : $0 }, "\(text)")
        }
    }
}
