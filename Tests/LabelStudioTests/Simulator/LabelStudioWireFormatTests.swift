import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayTesting

/// The pieces the simulator writes bytes with: MD5, Python-style JSON, DRF timestamps.
@Suite("Label Studio simulator: wire formats")
struct LabelStudioWireFormatTests {
    @Test func md5MatchesTheReferenceDigests() {
        #expect(MD5.hex(Data()) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex(Data("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(
            MD5.hex(Data("The quick brown fox jumps over the lazy dog".utf8)) == "9e107d9d372bb6826bd81d3542a419d6")
        // Across a 64-byte block boundary.
        #expect(MD5.hex(Data(repeating: UInt8(ascii: "a"), count: 64)) == "014842d480b571495a4a0363793f7367")
    }

    @Test func orderedJSONWritesPythonsThreeStyles() {
        let value: OrderedJSON = ["b": 1, "a": [1.5, "x\n\"y\"", nil, true], "c": [:], "d": []]
        #expect(
            String(decoding: value.written(.compact), as: UTF8.self)
                == #"{"b":1,"a":[1.5,"x\n\"y\"",null,true],"c":{},"d":[]}"#)
        #expect(
            String(decoding: value.written(.python), as: UTF8.self)
                == #"{"b": 1, "a": [1.5, "x\n\"y\"", null, true], "c": {}, "d": []}"#)
        #expect(
            String(decoding: value.written(.indented(2)), as: UTF8.self)
                == "{\n  \"b\": 1,\n  \"a\": [\n    1.5,\n    \"x\\n\\\"y\\\"\",\n    null,\n    true\n  ],\n  \"c\": {},\n  \"d\": []\n}"
        )
    }

    @Test func timestampsAreISOWithMicrosecondsUnlessThereAreNone() {
        #expect(LabelStudioFixtures.timestamp(SimulatedTime.start) == "2025-01-15T09:30:00Z")
        #expect(LabelStudioFixtures.timestamp(SimulatedTime.start + 0.25) == "2025-01-15T09:30:00.250000Z")
        #expect(LabelStudioFixtures.minuteStamp(SimulatedTime.start) == "2025-01-15-09-30")
    }

    @Test func fixtureTotalsAgreeWithTheTasks() {
        for count in [0, 1, 2, 49, 50, 51, 250, 1_003] {
            let project = LabelStudioSimulator.Project(
                id: 1, title: "t", description: "", kind: .imageBoxes, taskCount: count, firstTaskID: 1,
                createdAt: SimulatedTime.start, createdBy: 1)
            let tasks = (0..<count).map { LabelStudioFixtures.task($0, of: project) }
            let totals = LabelStudioFixtures.totals(of: project)
            #expect(totals.annotations == tasks.reduce(0) { $0 + $1.completedCount })
            #expect(totals.skipped == tasks.reduce(0) { $0 + $1.cancelledCount })
            #expect(totals.predictions == tasks.reduce(0) { $0 + $1.predictions.count })
        }
    }

    /// django-ranged-fileresponse 0.1.2, as 1.23.2 serves it (its code read, its answers seen).
    @Test func byteRangesFollowRangedFileResponse() {
        let partial: [(String, Range<Int>)] = [
            ("bytes=0-99", 0..<100), ("bytes=-2000", 0..<1000), ("bytes=999-", 999..<1000), ("BYTES=0-9", 0..<10),
            (" bytes = 5 - 9 ", 5..<10), ("bytes=+5-9", 5..<10), ("bytes=1_0-1_9", 10..<20), ("bytes=0-0", 0..<1),
            ("bytes=-5_0", 950..<1000), ("bytes=10-99999", 10..<1000),
        ]
        for (header, range) in partial {
            #expect(LabelStudioSimulator.byteRange(header, size: 1000) == .partial(range), "\(header)")
        }
        for header in [
            "bytes=1000-", "bytes=5-4", "bytes=a-b", "bytes=1-2,4-5", "chars=0-1", "bytes=", "bytes=-", "bytes",
            "bytes=0-9,", "bytes=5", "bytes=--5", "bytes=0--5", "bytes=1.5-2", "bytes=2000-",
        ] {
            #expect(LabelStudioSimulator.byteRange(header, size: 1000) == .whole, "\(header)")
        }
        for header in ["bytes=-0", "bytes=1000-1000", "bytes=1500-2000", "bytes=1000-1001"] {
            #expect(LabelStudioSimulator.byteRange(header, size: 1000) == .unsatisfiable, "\(header)")
        }
    }
}
