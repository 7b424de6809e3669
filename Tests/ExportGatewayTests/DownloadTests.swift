import ExportGateway
import ExportGatewayTesting
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct DownloadTests {
    private func completedExport(_ avala: SimulatedAvala, items: Int = 40) async throws -> Export {
        let created = try await avala.export(.completes(afterPolls: 1), items: items)
        return try await avala.gateway().wait(for: created, timeout: .seconds(60))
    }

    @Test func downloadWritesTheWholeFileAndNeverSendsTheKeyToStorage() async throws {
        let avala = SimulatedAvala()
        let ready = try await completedExport(avala)
        let destination = SimulatedAvala.temporaryFile()
        let file = try await avala.gateway().download(ready, to: destination)
        let bytes = try Data(contentsOf: destination)
        #expect(Int64(bytes.count) == file.byteCount)
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))  // a ZIP
        let storage = avala.simulator.requestLog.requests.filter { $0.url.host == avala.simulator.storageBaseURL.host }
        #expect(!storage.isEmpty)
        #expect(storage.allSatisfy { !$0.carriedCredential })
        #expect(!FileManager.default.fileExists(atPath: destination.path + ".part"))
    }

    @Test func smallChunksProduceTheSameBytesAndReportProgress() async throws {
        let avala = SimulatedAvala()
        let ready = try await completedExport(avala, items: 60)
        let whole = SimulatedAvala.temporaryFile()
        try await avala.gateway().download(ready, to: whole)
        let chunked = SimulatedAvala.temporaryFile()
        let reports = Mutex<[DownloadProgress]>([])
        try await avala.gateway(downloadChunkSize: 512).download(ready, to: chunked) { progress in
            reports.withLock { $0.append(progress) }
        }
        #expect(try Data(contentsOf: whole) == Data(contentsOf: chunked))
        let seen = reports.withLock { $0 }
        #expect(seen.count > 1)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.bytesWritten < $1.bytesWritten })
        #expect(seen.last?.fractionCompleted == 1)
    }

    @Test func expiredSignedURLIsRefreshedOnce() async throws {
        let avala = SimulatedAvala()
        let ready = try await completedExport(avala)
        avala.simulator.advanceTime(by: 7200)
        let destination = SimulatedAvala.temporaryFile()
        let file = try await avala.gateway().download(ready, to: destination)
        #expect(file.byteCount > 0)
        let storageStatuses = avala.simulator.requestLog.requests(to: avala.simulator.storageBaseURL).map(\.status)
        #expect(storageStatuses.first == 403)
        #expect(storageStatuses.dropFirst().allSatisfy { $0 == 200 || $0 == 206 } && storageStatuses.count >= 2)
    }

    @Test func replacesAnExistingFileOnlyWhenComplete() async throws {
        let avala = SimulatedAvala()
        let ready = try await completedExport(avala)
        let destination = SimulatedAvala.temporaryFile()
        try FileManager.default.createDirectory(
            at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: destination)
        // The first two ranges arrive, then storage fails: a half-written .part must not
        // replace the old file. One range at a time, so the requests come in order (several in
        // flight: ParallelDownloadTests).
        avala.simulator.injectFault(.serverError, on: .storage, count: 100, after: 2)
        await #expect(throws: GatewayError.self) {
            try await avala.gateway(retryPolicy: .never, downloadChunkSize: 1024, downloadConcurrency: 1).download(
                ready, to: destination)
        }
        let storage = avala.simulator.requestLog.requests(to: avala.simulator.storageBaseURL)
        #expect(storage.map(\.status) == [206, 206, 500])
        #expect(try Data(contentsOf: destination) == Data("old".utf8))
        #expect(!FileManager.default.fileExists(atPath: destination.path + ".part"))
    }

    @Test func aFolderIsRefusedAsDestination() async throws {
        let avala = SimulatedAvala()
        let ready = try await completedExport(avala)
        let folder = SimulatedAvala.temporaryFile().deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        await #expect(throws: GatewayError.self) { try await avala.gateway().download(ready, to: folder) }
    }
}

/// A destination that is not a regular file is never replaced by the download's rename.
@Suite struct SpecialDestinationTests {
    @Test func downloadingToDevNullWritesIntoTheDeviceAndLeavesIt() async throws {
        let avala = SimulatedAvala()
        let ready = try await avala.gateway().wait(for: avala.export(.completes(afterPolls: 0)), timeout: .seconds(60))
        let null = URL(fileURLWithPath: "/dev/null")
        let file = try await avala.gateway(downloadChunkSize: 1024).download(ready, to: null)
        #expect(file.byteCount > 0)
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "/dev/null is still a device")
        #expect(!FileManager.default.fileExists(atPath: "/dev/null.part"))
    }

    @Test func aSymbolicLinkIsFollowedSoTheLinkStaysALink() async throws {
        let avala = SimulatedAvala()
        let ready = try await avala.gateway().wait(for: avala.export(.completes(afterPolls: 0)), timeout: .seconds(60))
        let folder = SimulatedAvala.temporaryFile("x").deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = folder.appendingPathComponent("real.zip")
        let link = folder.appendingPathComponent("link.zip")
        try Data("old".utf8).write(to: real)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)

        let file = try await avala.gateway().download(ready, to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == real.path)
        #expect(try Data(contentsOf: real).count == Int(file.byteCount))
    }
}
