import ExportGateway
import ExportGatewayLabelbox
import ExportGatewayTesting
import Foundation
import Testing

/// Record streams that fetch pieces ahead of the consumer (``GatewayOptions/recordReadAhead``)
/// read exactly what a strictly sequential stream reads, and stop fetching when the consumer stops.
@Suite("Labelbox record streams read ahead")
struct LabelboxReadAheadTests {
    /// 1024-byte chunks cut anywhere (inside lines and characters): pieces of 64 bytes align
    /// with them, so the pieces a prefix of the stream needs can be counted.
    static let chunkSize = 1024

    @Test(
        "Rows and offsets are those of a sequential read, whatever the window and piece size",
        arguments: [1, 2, 4, 8], [7, 64])
    func readAheadKeepsStreamOrder(window: Int, pieceSize: Int) async throws {
        let labelbox = LabelboxFixture(chunkSize: Self.chunkSize, chunkBoundary: .byte)
        let sequential = labelbox.gateway(recordReadAhead: 1)
        let (export, _) = try await labelbox.completedExport(rows: 20, gateway: sequential)
        let expected = try await sequential.lines(of: export).collect(upTo: 1000)
        let gateway = labelbox.gateway(downloadChunkSize: pieceSize, recordReadAhead: window)
        #expect(try await gateway.lines(of: export).collect(upTo: 1000) == expected)
        let records = try await gateway.records(of: export).collect(upTo: 1000)
        let sequentialRecords = try await sequential.records(of: export).collect(upTo: 1000)
        #expect(records.map(\.id) == sequentialRecords.map(\.id))
    }

    @Test func aStreamResumedAheadOfTheWindowGivesTheSameTail() async throws {
        let labelbox = LabelboxFixture(chunkSize: Self.chunkSize, chunkBoundary: .character)
        let gateway = labelbox.gateway(downloadChunkSize: 64, recordReadAhead: 4)
        let (export, _) = try await labelbox.completedExport(rows: 45, gateway: gateway)
        let all = try await gateway.lines(of: export).collect(upTo: 1000)
        #expect(all.count == 45)
        for index in stride(from: 0, to: all.count, by: 6) {
            let rest = try await gateway.lines(of: export, startingAt: all[index].nextOffset).collect(upTo: 1000)
            #expect(rest == Array(all[(index + 1)...]), "resumed after row \(index)")
        }
    }

    @Test(arguments: [2, 8])
    func leavingTheLoopStopsFetchingWithinTheWindow(window: Int) async throws {
        let (labelbox, gateway, export) = try await Self.sixtyRows(window: window)
        let before = labelbox.storageRequests.count
        var seen: [RecordLine] = []
        for try await line in gateway.lines(of: export) {
            seen.append(line)
            if seen.count == 3 { break }
        }
        await Self.expectFetchingStopped(
            after: seen[2], window: window, requests: { labelbox.storageRequests.count - before })
    }

    @Test(arguments: [2, 8])
    func cancellingTheConsumerStopsFetchingWithinTheWindow(window: Int) async throws {
        let (labelbox, gateway, export) = try await Self.sixtyRows(window: window)
        let before = labelbox.storageRequests.count
        let consumer = Task { () -> (rows: [RecordLine], error: (any Error)?) in
            var rows: [RecordLine] = []
            do {
                for try await line in gateway.lines(of: export) {
                    rows.append(line)
                    if rows.count == 3 { withUnsafeCurrentTask { $0?.cancel() } }
                }
            } catch {
                return (rows, error)
            }
            return (rows, nil)
        }
        let (rows, error) = await consumer.value
        #expect(error is CancellationError, "\(String(describing: error))")
        #expect(rows.count >= 3 && rows.count < 60)
        // The rows the piece holding row 3 completes still come; nothing after the window is asked for.
        await Self.expectFetchingStopped(
            after: rows[2], window: window, requests: { labelbox.storageRequests.count - before })
    }

    @Test(arguments: [1, 4])
    func aChunkExpiringInsideTheWindowIsLocatedAfresh(window: Int) async throws {
        let labelbox = LabelboxFixture(chunkSize: Self.chunkSize, chunkBoundary: .byte)
        let sequential = labelbox.gateway(recordReadAhead: 1)
        let (export, _) = try await labelbox.completedExport(rows: 60, gateway: sequential)
        let expected = try await sequential.lines(of: export).collect(upTo: 1000)
        let lookups = { labelbox.operations.filter { $0 == "GetExportFileFromOffsetPyApi" }.count }
        let firstLookups = lookups()
        // The third chunk's URL has expired when its first piece asks for it; the pieces
        // after it are in flight or queued by then.
        labelbox.simulator.injectFault(
            .expiredSignedURL, on: .storage, pathPrefix: try Self.chunkPath(2, of: labelbox), count: 1)
        let gateway = labelbox.gateway(downloadChunkSize: 64, recordReadAhead: window)
        #expect(try await gateway.lines(of: export).collect(upTo: 1000) == expected)
        #expect(labelbox.storageRequests.filter { $0.status == 403 }.count == 1)
        // One lookup more than a clean read: the expired chunk's, made again (with a window, the
        // chunks the pieces after it had already located may be located again too).
        let extra = lookups() - 2 * firstLookups
        #expect(window == 1 ? extra == 1 : extra >= 1, "\(extra) extra lookups")
    }

    @Test(arguments: [1, 4])
    func aChunkThatStaysExpiredFailsAfterEveryEarlierRow(window: Int) async throws {
        let labelbox = LabelboxFixture(chunkSize: Self.chunkSize, chunkBoundary: .byte)
        let sequential = labelbox.gateway(recordReadAhead: 1)
        let (export, _) = try await labelbox.completedExport(rows: 60, gateway: sequential)
        let expected = try await sequential.lines(of: export).collect(upTo: 1000)
        labelbox.simulator.injectFault(
            .expiredSignedURL, on: .storage, pathPrefix: try Self.chunkPath(2, of: labelbox), count: 1000)
        let gateway = labelbox.gateway(downloadChunkSize: 64, recordReadAhead: window)
        var rows: [RecordLine] = []
        do {
            for try await line in gateway.lines(of: export) { rows.append(line) }
            Issue.record("a chunk that stays expired was read")
        } catch let error as GatewayError {
            #expect(error.httpStatus == 403)
            #expect(error.provider == .labelbox)
        }
        let thirdChunkStart = Int64(2 * Self.chunkSize)
        #expect(rows == Array(expected.prefix { $0.nextOffset <= thirdChunkStart }))
    }

    /// A completed export of 60 rows in 1024-byte chunks, and a gateway reading it in 64-byte
    /// pieces, `window` at once.
    private static func sixtyRows(window: Int) async throws -> (LabelboxFixture, Gateway, Export) {
        let labelbox = LabelboxFixture(chunkSize: chunkSize, chunkBoundary: .byte)
        let gateway = labelbox.gateway(downloadChunkSize: 64, recordReadAhead: window)
        let (export, _) = try await labelbox.completedExport(rows: 60, gateway: gateway)
        return (labelbox, gateway, export)
    }

    /// Expects the storage requests to stop within the window past the 64-byte piece that
    /// completed `line`, the last line the consumer asked for.
    private static func expectFetchingStopped(
        after line: RecordLine, window: Int, requests: () -> Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let piecesRead = Int((line.nextOffset + 63) / 64)
        let fetched = await settledCount(requests)
        #expect(
            fetched <= piecesRead + window - 1, "\(fetched) storage requests for \(piecesRead) pieces read",
            sourceLocation: sourceLocation)
    }

    /// The path of the `index`th chunk the stream's storage requests went to, in stream order.
    private static func chunkPath(_ index: Int, of labelbox: LabelboxFixture) throws -> String {
        var paths: [String] = []
        for request in labelbox.storageRequests where !paths.contains(request.url.path) {
            paths.append(request.url.path)
        }
        return try #require(paths.dropFirst(index).first)
    }

    /// `count()` once it has stopped changing: requests already started may still finish.
    private static func settledCount(_ count: () -> Int) async -> Int {
        var last = count()
        var unchanged = 0
        while unchanged < 200 {
            await Task.yield()
            let now = count()
            unchanged = now == last ? unchanged + 1 : 0
            last = now
        }
        return last
    }
}
