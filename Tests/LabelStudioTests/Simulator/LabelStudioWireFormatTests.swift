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

    @Test func byteRangesFollowRangedFileResponse() {
        #expect(LabelStudioSimulator.byteRange("bytes=0-99", size: 1000) == 0..<100)
        #expect(LabelStudioSimulator.byteRange("bytes=-2000", size: 1000) == 0..<1000)
        #expect(LabelStudioSimulator.byteRange("bytes=999-", size: 1000) == 999..<1000)
        for header in ["bytes=1000-", "bytes=5-4", "bytes=a-b", "bytes=1-2,4-5", "chars=0-1", "bytes=", "bytes=-"] {
            #expect(LabelStudioSimulator.byteRange(header, size: 1000) == nil, "\(header)")
        }
    }
}
