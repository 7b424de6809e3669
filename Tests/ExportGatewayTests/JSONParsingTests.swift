import ExportGateway
import Foundation
import Testing

@Suite("JSONValue parsing and serialization")
struct JSONParsingTests {
    @Test func parsesEveryKindOfValue() throws {
        let text =
            #"{"a": [1, -2, 3.5, 1e3, -0.25E-2], "b": {"c": null, "d": true, "e": false}, "s": "x\"y\\z\/\n\t\u00e9\ud83d\ude00"}"#
        let value = try JSONValue(parsing: Data(text.utf8))
        #expect(value["a"] == [.int(1), .int(-2), .double(3.5), .double(1000), .double(-0.0025)])
        #expect(value["b"] == ["c": .null, "d": true, "e": false])
        #expect(value["s"] == .string("x\"y\\z/\n\té😀"))
    }

    @Test func integersBeyond64BitsBecomeDoubles() throws {
        #expect(try JSONValue(parsing: Data("9223372036854775807".utf8)) == .int(Int64.max))
        #expect(try JSONValue(parsing: Data("92233720368547758080".utf8)) == .double(92233720368547758080))
    }

    @Test func agreesWithJSONDecoderOnAVendorDocument() throws {
        let text = #"""
            {"next": "https://api.example/x/?cursor=%2B%2F%3D&limit=2", "previous": null,
             "results": [{"uid": "u1", "count": 12, "ratio": 0.5, "tags": ["a", "b"], "nested": {"deep": [[], {}]}}]}
            """#
        let fast = try JSONValue(parsing: Data(text.utf8))
        let slow = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(fast == slow)
    }

    @Test(arguments: [
        ("", 0, "unexpected end"),
        (#"{"a": 1} x"#, 9, "after the JSON value"),
        (#""abc"#, 4, "unterminated"),
        ("\"a\u{01}b\"", 2, "control character"),
        (#""\q""#, 3, "unknown escape"),
        ("[1,]", 3, "expected a value"),
        ("01", 1, "after the JSON value"),
        ("-", 1, "expected a digit"),
        ("tru", 0, "expected true"),
        (#"{"a" 1}"#, 5, "expected ':'"),
    ])
    func invalidTextNamesTheOffsetAndTheProblem(text: String, offset: Int, reason: String) {
        do {
            let value = try JSONValue(parsing: Data(text.utf8))
            Issue.record("parsed \(value) from invalid text \(text)")
        } catch let error as JSONParseError {
            #expect(error.offset == offset, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func hostileNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Data(deep.utf8)) }
    }

    @Test func serializationRoundTripsWithSortedKeysAndReadableURLs() throws {
        let value: JSONValue = [
            "z": 1, "a": ["url": "https://x/y?a=b", "text": "line\nquote\"back\\slash\u{01}"], "d": 0.5, "n": nil,
        ]
        let data = value.serialized()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix(#"{"a":{"text":"line\nquote\"back\\slash\u0001","url":"https://x/y?a=b"},"d":0.5"#))
        #expect(try JSONValue(parsing: data) == value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }

    @Test(arguments: [
        "", "plain", "q\"uote", "back\\slash", "line\nbreak\t\r", "\u{01}\u{1F}", "é😀", "https://h/x?a=b",
    ])
    func aStringAppendedAloneIsWrittenAsInAValue(text: String) {
        var bytes: [UInt8] = Array("prefix".utf8)
        JSONValue.appendString(text, to: &bytes)
        #expect(Data(bytes) == Data("prefix".utf8) + JSONValue.string(text).serialized())
    }
}
