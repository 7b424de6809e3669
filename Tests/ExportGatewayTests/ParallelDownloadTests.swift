import ExportGateway
import ExportGatewayTesting
import Foundation
import Synchronization
import Testing

/// Several ranged GETs in flight at once: whatever order they finish in, the file comes out
/// byte for byte, failures and expired URLs are handled as one range at a time handles them,
/// and nothing half-written is left behind.
@Suite struct ParallelDownloadTests {
    private static let chunkSize = 1000

    private func gateway(
        _ avala: SimulatedAvala, concurrency: Int, retryPolicy: RetryPolicy = .standard
    ) -> Gateway {
        avala.simulator.gateway(
            options: GatewayOptions(
                retryPolicy: retryPolicy, downloadChunkSize: Self.chunkSize, clock: avala.clock,
                downloadConcurrency: concurrency))
    }

    /// A completed export and its bytes, fetched in one request.
    private func completedExport(_ avala: SimulatedAvala, items: Int = 60) async throws -> (Export, Data) {
        let created = try await avala.export(.completes(afterPolls: 0), items: items)
        let ready = try await avala.gateway().wait(for: created, timeout: .seconds(60))
        let whole = SimulatedAvala.temporaryFile()
        try await avala.gateway().download(ready, to: whole)
        avala.simulator.requestLog.removeAll()
        return (ready, try Data(contentsOf: whole))
    }

    private func storage(_ avala: SimulatedAvala) -> [RequestLog.Entry] {
        avala.simulator.requestLog.requests(to: avala.simulator.storageBaseURL)
    }

    @Test(arguments: [1, 2, 4])
    func theBytesAreTheSameAtAnyConcurrency(concurrency: Int) async throws {
        let avala = SimulatedAvala()
        let (ready, expected) = try await completedExport(avala)
        try #require(expected.count % Self.chunkSize != 0 && expected.count > 8 * Self.chunkSize)
        let destination = SimulatedAvala.temporaryFile()
        let reports = Mutex<[DownloadProgress]>([])
        let file = try await gateway(avala, concurrency: concurrency).download(ready, to: destination) { progress in
            reports.withLock { $0.append(progress) }
        }
        #expect(try Data(contentsOf: destination) == expected)
        #expect(file.byteCount == Int64(expected.count))
        let pieces = (expected.count + Self.chunkSize - 1) / Self.chunkSize
        #expect(
            storage(avala).count == pieces && storage(avala).allSatisfy { $0.status == 206 && !$0.carriedCredential })
        let seen = reports.withLock { $0 }
        #expect(seen.count == pieces)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.bytesWritten < $1.bytesWritten })
        #expect(seen.last == DownloadProgress(bytesWritten: Int64(expected.count), totalBytes: Int64(expected.count)))
        #expect(!FileManager.default.fileExists(atPath: destination.path + ".part"))
    }

    @Test func aRangeFailingOnceWhileOthersAreInFlightIsAskedForAgain() async throws {
        let avala = SimulatedAvala()
        let (ready, expected) = try await completedExport(avala)
        avala.simulator.injectFault(.serverError, on: .storage, count: 1, after: 3)
        let destination = SimulatedAvala.temporaryFile()
        try await gateway(avala, concurrency: 4).download(ready, to: destination)
        #expect(try Data(contentsOf: destination) == expected)
        let requests = storage(avala)
        let failed = try #require(requests.first { $0.status == 500 })
        #expect(requests.filter { $0.status == 500 }.count == 1)
        #expect(requests.filter { $0.headers["Range"] == failed.headers["Range"] }.map(\.status) == [500, 206])
    }

    @Test func anExpiredURLMidDownloadIsRefreshedOnceForAllRangesInFlight() async throws {
        let avala = SimulatedAvala()
        let (ready, expected) = try await completedExport(avala)
        let destination = SimulatedAvala.temporaryFile()
        let expired = Mutex(false)
        try await gateway(avala, concurrency: 4).download(ready, to: destination) { _ in
            // The signed URL expires after the first range is written.
            let isFirst = expired.withLock { seen in
                defer { seen = true }
                return !seen
            }
            if isFirst { avala.simulator.advanceTime(by: 7200) }
        }
        #expect(try Data(contentsOf: destination) == expected)
        #expect(storage(avala).contains { $0.status == 403 })
        let locationRequests = avala.simulator.requestLog.requests(to: avala.simulator.apiBaseURL)
        #expect(locationRequests.count == 1, "one fresh location, shared by every range sent with the old one")
    }

    @Test func aFailureThatPersistsStopsAtOnceAndLeavesTheDestinationAlone() async throws {
        let avala = SimulatedAvala()
        let (ready, _) = try await completedExport(avala)
        let destination = SimulatedAvala.temporaryFile()
        try FileManager.default.createDirectory(
            at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: destination)
        avala.simulator.injectFault(.serverError, on: .storage, count: 1000, after: 2)
        let error = try await #require(throws: GatewayError.self) {
            try await gateway(avala, concurrency: 4, retryPolicy: .never).download(ready, to: destination)
        }
        #expect(error.operation == .download)
        #expect(try Data(contentsOf: destination) == Data("old".utf8))
        #expect(!FileManager.default.fileExists(atPath: destination.path + ".part"))
        // Two ranges pass, then every one fails: besides those two, only the ranges already
        // in flight when the first failure is seen were asked for.
        let requests = storage(avala)
        #expect(requests.filter { $0.status == 206 }.count == 2)
        #expect(requests.count <= 2 + 4)
    }

    @Test func cancelingMidDownloadRemovesThePart() async throws {
        let avala = SimulatedAvala()
        let (ready, expected) = try await completedExport(avala)
        let destination = SimulatedAvala.temporaryFile()
        let gateway = gateway(avala, concurrency: 4)
        let download = Task {
            try await gateway.download(ready, to: destination) { progress in
                // The download's task is canceled once a few ranges are on disk.
                if progress.bytesWritten >= Int64(3 * Self.chunkSize) { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        await #expect(throws: CancellationError.self) { try await download.value }
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        #expect(!FileManager.default.fileExists(atPath: destination.path + ".part"))
        #expect(storage(avala).count < expected.count / Self.chunkSize, "no range asked for after the cancel")
    }

    @Test func aHostIgnoringRangesIsAskedOnce() async throws {
        let avala = SimulatedAvala()
        let bytes = Data((0..<5500).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        avala.simulator.injectAnswer(
            HTTPResponse(status: 200, body: bytes), method: .get, pathPrefix: "/api/v1/files/", count: 100)
        let destination = SimulatedAvala.temporaryFile()
        let file = try await gateway(avala, concurrency: 4).download(
            fileExport(at: avala.simulator.apiBaseURL.appendingPathComponent("files/r.bin")), to: destination)
        #expect(file.byteCount == 5500)
        #expect(try Data(contentsOf: destination) == bytes)
        #expect(avala.simulator.requestLog.requests.filter { $0.url.path.hasPrefix("/api/v1/files/") }.count == 1)
    }

    @Test func aHostThatStopsHonoringRangesWhileSeveralAreInFlightGivesTheWholeFile() async throws {
        let avala = SimulatedAvala()
        let bytes = Data((0..<5500).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        let files = "/api/v1/files/"
        avala.simulator.injectAnswer(
            HTTPResponse(status: 206, headers: ["Content-Range": "bytes 0-999/5500"], body: bytes.prefix(1000)),
            method: .get, pathPrefix: files)
        avala.simulator.injectAnswer(
            HTTPResponse(status: 200, body: bytes), method: .get, pathPrefix: files, count: 100)
        let destination = SimulatedAvala.temporaryFile()
        let file = try await gateway(avala, concurrency: 4).download(
            fileExport(at: avala.simulator.apiBaseURL.appendingPathComponent("files/r.bin")), to: destination)
        #expect(file.byteCount == 5500)
        #expect(try Data(contentsOf: destination) == bytes)
        let fetches = avala.simulator.requestLog.requests.filter { $0.url.path.hasPrefix(files) }
        #expect(fetches.count >= 2 && fetches.count <= 1 + 4)
    }

    private func fileExport(at url: URL) -> Export {
        Export(
            id: "e1", provider: .avala, status: .completed, rawStatus: "exported",
            downloadLocation: DownloadLocation(url: url))
    }
}
