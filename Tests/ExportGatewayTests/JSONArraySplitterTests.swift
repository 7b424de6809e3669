import Foundation
import Testing

@testable import ExportGateway

/// The incremental JSON-array splitter behind record streams that are one stored JSON file:
/// however the bytes are cut into pieces, the same elements come out, each with where it
/// starts and where the next one's framing starts.
@Suite struct JSONArraySplitterTests {
    /// A one-line array in a vendor's separators, with every awkward thing an element can hold.
    static let oneLine = Data(
        #"[{"id": 1, "data": {"text": "a, b] } { \"quoted\" \\"}, "tags": ["x", "y"]}, {"id": 2, "é": "ü→"}, 3, "four,]", [5, [6]], null, true]"#
            .utf8)
    /// The same records pretty-printed over many lines, as a minimal JSON export is.
    static let pretty = Data(
        """
        [
          {
            "id": 1
          },
          {
            "id": 2
          }
        ]

        """.utf8)

    private func split(_ stream: Data, cutsAt cuts: [Int], resumingAt start: Int = 0) throws -> [RecordSlice] {
        var splitter = JSONArraySplitter(resuming: start > 0)
        var from = start
        if start > 0 { splitter.resume(after: stream[start - 1]) }
        var found: [RecordSlice] = []
        for cut in cuts.filter({ $0 > from && $0 < stream.count }) + [stream.count] {
            found += try splitter.elements(in: stream.subdata(in: from..<cut), at: Int64(from))
            from = cut
        }
        #expect(try splitter.finish(at: Int64(stream.count)) == nil)
        return found
    }

    private func values(_ slices: [RecordSlice]) throws -> [JSONValue] {
        try slices.map { try JSONValue(parsing: $0.bytes) }
    }

    @Test func aWholeArrayGivesEachElementWithItsOffsets() throws {
        let slices = try split(Self.oneLine, cutsAt: [])
        let expected = try JSONValue(parsing: Self.oneLine)
        #expect(try values(slices) == expected.arrayValue)
        for slice in slices {
            #expect(Self.oneLine.subdata(in: Int(slice.offset)..<Int(slice.offset) + slice.bytes.count) == slice.bytes)
            let separator = Self.oneLine[Int(slice.nextOffset) - 1]
            #expect(separator == UInt8(ascii: ",") || separator == UInt8(ascii: "]"))
        }
        #expect(slices.last?.nextOffset == Int64(Self.oneLine.count))
    }

    @Test(arguments: [oneLine, pretty])
    func everyCutIntoTwoPiecesGivesTheSameElements(_ stream: Data) throws {
        let whole = try split(stream, cutsAt: [])
        for cut in 1..<stream.count {
            let pieces = try split(stream, cutsAt: [cut])
            #expect(pieces.map(\.offset) == whole.map(\.offset), "cut at \(cut)")
            #expect(pieces.map(\.nextOffset) == whole.map(\.nextOffset), "cut at \(cut)")
            #expect(try values(pieces) == values(whole), "cut at \(cut)")
        }
    }

    @Test func oneByteAtATimeGivesTheSameElements() throws {
        let whole = try split(Self.oneLine, cutsAt: [])
        let bytewise = try split(Self.oneLine, cutsAt: Array(1..<Self.oneLine.count))
        #expect(try values(bytewise) == values(whole))
        #expect(bytewise.map(\.nextOffset) == whole.map(\.nextOffset))
    }

    @Test(arguments: [oneLine, pretty])
    func resumingAtEachNextOffsetGivesTheRest(_ stream: Data) throws {
        let whole = try split(stream, cutsAt: [])
        for (index, slice) in whole.enumerated() {
            let rest = try split(stream, cutsAt: [Int(slice.nextOffset) + 3], resumingAt: Int(slice.nextOffset))
            #expect(try values(rest) == values(Array(whole[(index + 1)...])))
        }
    }

    @Test(arguments: ["[]", " [ ] \n", "[\n]"])
    func anEmptyArrayHasNoElements(_ text: String) throws {
        #expect(try split(Data(text.utf8), cutsAt: [1]).isEmpty)
    }

    @Test(arguments: [
        ("[1,]", "an element"), ("{\"a\": 1}", "the `[` that opens the array"),
        ("[1] x", "nothing after the array's `]`"),
        ("[1 2]", "`,` or `]` after an element"), ("[,1]", "an element"),
    ])
    func malformedArraysAreDecodingErrorsThatSayWhere(_ text: String, expecting: String) {
        var splitter = JSONArraySplitter()
        let error = #expect(throws: GatewayError.self) {
            _ = try splitter.elements(in: Data(text.utf8), at: 0)
            _ = try splitter.finish(at: Int64(text.utf8.count))
        }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains(expecting) == true, "\(error?.message ?? "")")
    }

    @Test(arguments: ["[{\"id\": 1}, {\"id\"", "[{\"id\": 1}", "   "])
    func aStreamThatEndsInsideTheArrayIsTruncated(_ text: String) throws {
        var splitter = JSONArraySplitter()
        _ = try splitter.elements(in: Data(text.utf8), at: 0)
        let error = #expect(throws: GatewayError.self) { try splitter.finish(at: Int64(text.utf8.count)) }
        #expect(error?.kind == .decoding)
    }

    @Test func anElementPastTheBoundIsRefusedNotHeld() throws {
        var splitter = JSONArraySplitter()
        _ = try splitter.elements(in: Data("[\"".utf8), at: 0)
        let piece = Data(repeating: UInt8(ascii: "a"), count: 1 << 20)
        let error = #expect(throws: GatewayError.self) {
            for index in 0...(LineSplitter.maxLineBytes >> 20) {
                _ = try splitter.elements(in: piece, at: 2 + Int64(index) << 20)
            }
        }
        #expect(error?.message.contains("longer than") == true)
    }
}
