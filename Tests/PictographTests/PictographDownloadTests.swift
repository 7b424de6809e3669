import ExportGateway
import ExportGatewayPictograph
import ExportGatewayTesting
import Foundation
import Testing

// MARK: - Downloading

extension PictographProviderTests {
    @Suite("downloading")
    struct Downloading {
        @Test func freshLocationComesFromTheDownloadRoute() async throws {
            let pictograph = Pictograph(pollsToComplete: 2)
            let dataset = pictograph.dataset("street scenes", items: 12)
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(dataset), name: "nightly", format: .coco, includeMedia: true))
            let ready = try await gateway.wait(for: created, timeout: .seconds(600))
            #expect(ready.status == .completed)

            // Without a known location the gateway asks the adapter for a fresh one.
            var stale = ready
            stale.downloadLocation = nil
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let destination = folder.appendingPathComponent("nightly.zip")
            let file = try await gateway.download(stale, to: destination)
            let bytes = try Data(contentsOf: destination)
            #expect(file.byteCount == Int64(bytes.count))
            #expect(ZipArchive.entries(of: bytes)?.isEmpty == false)

            let downloads = pictograph.requests(.get, "/\(ready.id.rawValue)/download")
            try #require(downloads.count == 1)
            #expect(downloads[0].url.query == nil)
            let answer = try #require(
                pictograph.recorder.exchanges.last { $0.request.url.path.hasSuffix("/download") }?.response)
            let data = try JSONValue(parsing: answer.body)["data"]
            #expect(data?["file_size"]?.intValue == Int64(bytes.count), "file_size is the downloaded size")
            #expect(data?["expires_at"]?.stringValue.flatMap(ISO8601.date(from:)) != nil)
            let storage = pictograph.simulator.requestLog.requests(to: pictograph.simulator.storageBaseURL)
            #expect(!storage.isEmpty && storage.allSatisfy { !$0.carriedCredential && $0.headers["X-API-Key"] == nil })
        }

        @Test func knownLocationDownloadsWithTheAnnouncedSize() async throws {
            let pictograph = Pictograph(pollsToComplete: 1)
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(pictograph.dataset("known", items: 5))))
            let ready = try await gateway.wait(for: created, timeout: .seconds(60))
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let destination = folder.appendingPathComponent("known.zip")
            let file = try await gateway.download(ready, to: destination)
            let size = Int64(try Data(contentsOf: destination).count)
            #expect(file.byteCount == size && ready.downloadLocation?.byteCount == size)
            #expect(pictograph.requests(.get, "/\(ready.id.rawValue)/download").isEmpty)
        }

        @Test func expiredSignatureIsRefreshedThroughTheDownloadRoute() async throws {
            let pictograph = Pictograph(pollsToComplete: 1)
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(pictograph.dataset("late", items: 3))))
            let ready = try await gateway.wait(for: created, timeout: .seconds(60))
            pictograph.simulator.advanceTime(by: 7 * 86_400)
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = try await gateway.download(ready, to: folder.appendingPathComponent("late.zip"))
            #expect(file.byteCount == ready.downloadLocation?.byteCount)
            #expect(pictograph.requests(.get, "/\(ready.id.rawValue)/download").count == 1)
        }

        @Test func unfinishedExportHasNoDownloadYet() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.scriptNextExport(.hangs(rawStatus: nil))
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("busy"))))
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let error = try await #require(throws: GatewayError.self) {
                try await gateway.download(created, to: folder.appendingPathComponent("busy.zip"))
            }
            #expect(error.provider == .pictograph)
            #expect(error.httpStatus == 409)
            #expect(pictograph.simulator.requestLog.requests(to: pictograph.simulator.storageBaseURL).isEmpty)
        }
    }
}
