import ExportGateway
import ExportGatewayLabelStudio
import ExportGatewayTesting
import Foundation
import Testing

/// A snapshot's tasks streamed one by one from its stored JSON.
@Suite struct LabelStudioRecordTests {
    @Test func everyTaskOnceInBoundedPiecesFromTheAPI() async throws {
        let ls = LabelStudio()
        let gateway = ls.gateway(downloadChunkSize: 700)
        let ready = try await ls.completedExport(items: 40, with: gateway)
        let records = try await gateway.records(of: ready).collect(upTo: 1000)
        #expect(records.count == 40 && Set(records.map(\.id)).count == 40)
        #expect(
            records.allSatisfy {
                $0.dataset == ready.source.flatMap { if case .dataset(let d) = $0 { d } else { nil } }
            })
        let info = try #require(try await gateway.recordStreamInfo(of: ready))
        #expect(info.framing == .jsonArray && info.totalLines == 40)
        let file = try await gateway.download(ready, to: LabelStudio.temporaryFile())
        #expect(file.byteCount == info.totalBytes)
        #expect(try await gateway.errors(of: ready).collect(upTo: 10).isEmpty)
        // The size is asked for once per snapshot: one one-byte read.
        #expect(ls.downloads.filter { $0.headers["Range"] == "bytes=0-0" }.count == 1)
        #expect(ls.downloads.allSatisfy { $0.carriedCredential })
    }

    @Test func eachTaskKeepsItsOwnTextAsProviderFieldsJSON() async throws {
        let ls = LabelStudio()
        let gateway = ls.gateway(downloadChunkSize: 700)
        let ready = try await ls.completedExport(items: 12, with: gateway)
        let lines = try await gateway.lines(of: ready).collect(upTo: 100)
        let records = try await gateway.records(of: ready).collect(upTo: 100)
        #expect(records.count == lines.count)
        for (record, line) in zip(records, lines) {
            #expect(record.providerFieldsJSON == line.bytes)
            let text = try #require(record.providerFieldsJSON)
            #expect(try JSONValue(parsing: text) == record.providerFields)
        }
    }

    @Test func aStreamResumesAtASavedOffset() async throws {
        let ls = LabelStudio()
        let gateway = ls.gateway(downloadChunkSize: 512)
        let ready = try await ls.completedExport(items: 15, with: gateway)
        let lines = try await gateway.lines(of: ready).collect(upTo: 100)
        let saved = lines[6].nextOffset
        let rest = try await gateway.lines(of: ready, startingAt: saved).collect(upTo: 100)
        #expect(rest == Array(lines[7...]))
    }

    @Test func aConvertedExportStreamsTheStoredTasks() async throws {
        let ls = LabelStudio()
        let gateway = ls.gateway()
        let ready = try await ls.completedExport(items: 6, format: .yolo, with: gateway)
        let records = try await gateway.records(of: ready).collect(upTo: 100)
        #expect(records.count == 6)
        #expect(ls.downloads.allSatisfy { $0.url.query == nil || $0.url.query == "exportType=YOLO" })
    }
}
