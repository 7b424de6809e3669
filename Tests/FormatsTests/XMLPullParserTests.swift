import ExportGateway
import Foundation
import Testing

@Suite struct XMLPullParserTests {
    private func events(_ text: String, maxDepth: Int = 64) throws -> [XMLPullParser.Event] {
        var parser = XMLPullParser(Data(text.utf8), file: "test.xml", maxDepth: maxDepth)
        var events: [XMLPullParser.Event] = []
        while let event = try parser.next() { events.append(event) }
        return events
    }

    private func failure(_ text: String, maxDepth: Int = 64) -> GatewayError? {
        do {
            _ = try events(text, maxDepth: maxDepth)
            return nil
        } catch let error as GatewayError {
            return error
        } catch {
            return nil
        }
    }

    @Test func elementsTextAndAttributesComeInDocumentOrder() throws {
        let parsed = try events("<a x=\"1\" y='two'><b>hi</b><c/></a>")
        #expect(
            parsed == [
                .start(name: "a", attributes: ["x": "1", "y": "two"]), .start(name: "b", attributes: [:]),
                .text("hi"), .end(name: "b"), .start(name: "c", attributes: [:]), .end(name: "c"), .end(name: "a"),
            ])
    }

    @Test func namedEntitiesAndCharacterReferencesAreDecoded() throws {
        let parsed = try events("<a t=\"&quot;q&quot;\">&lt;&gt;&amp;&apos;&#233;&#x1F600;</a>")
        #expect(parsed[0] == .start(name: "a", attributes: ["t": "\"q\""]))
        #expect(parsed[1] == .text("<>&'é😀"))
    }

    @Test func declarationCommentsAndProcessingInstructionsAreSkipped() throws {
        let parsed = try events(
            "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- head -->\n<a><?pi x?>v<!-- in -->w</a>\n<!-- tail -->\n"
        )
        #expect(parsed == [.start(name: "a", attributes: [:]), .text("v"), .text("w"), .end(name: "a")])
    }

    @Test func cdataIsTextWithoutEntityDecoding() throws {
        let parsed = try events("<a><![CDATA[x < y && &amp;]]></a>")
        #expect(parsed[1] == .text("x < y && &amp;"))
    }

    @Test func doctypeIsSkippedAndItsEntitiesAreNeverExpanded() throws {
        let document = """
            <!DOCTYPE a [ <!ENTITY boom "kaboom"> <!ELEMENT a (#PCDATA)> ]>
            <a>safe</a>
            """
        #expect(try events(document) == [.start(name: "a", attributes: [:]), .text("safe"), .end(name: "a")])
        let error = failure("<!DOCTYPE a [ <!ENTITY boom \"kaboom\"> ]>\n<a>&boom;</a>")
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("unknown entity &boom;") == true)
    }

    @Test func malformedDocumentsNameTheFileAndLine() throws {
        let cases: [(String, Int)] = [
            ("<a>\n<b>\n</a>", 3),
            ("<a>\n\n<b>x</b>", 3),
            ("<a>&nope;</a>", 1),
            ("<a>\n&amp</a>", 2),
            ("<a x=1></a>", 1),
            ("<a></a><b></b>", 1),
            ("text", 1),
            ("", 1),
            ("<a><!-- never closed</a>", 1),
            ("<a>\n<1b/></a>", 2),
        ]
        for (document, line) in cases {
            let error = failure(document)
            #expect(error?.kind == .decoding, "\(document)")
            #expect(
                error?.message.hasPrefix("test.xml, line \(line):") == true, "\(document): \(String(describing: error))"
            )
        }
    }

    @Test func invalidUTF8IsRefused() {
        var parser = XMLPullParser(Data([0x3C, 0x61, 0x3E, 0xFF, 0xFE, 0x3C, 0x2F, 0x61, 0x3E]), file: "bad.xml")
        #expect(throws: GatewayError.self) {
            while try parser.next() != nil {}
        }
    }

    @Test func nestingDeeperThanTheLimitIsRefused() throws {
        let deep = String(repeating: "<a>", count: 10) + String(repeating: "</a>", count: 10)
        #expect(try events(deep, maxDepth: 10).count == 20)
        let error = failure(deep, maxDepth: 9)
        #expect(error?.message.contains("deeper than 9") == true)
    }

    @Test func nonASCIINamesAndTextSurvive() throws {
        let parsed = try events("<annotation><name>vélo</name><ñame>x</ñame></annotation>")
        #expect(parsed.contains(.text("vélo")))
        #expect(parsed.contains(.start(name: "ñame", attributes: [:])))
    }
}
