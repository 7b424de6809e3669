import ExportGateway
import ExportGatewayLabelStudio
import ExportGatewayTesting
import Foundation
import Testing

/// Results come from the API itself, with the token: the stored JSON in ranges, a converted
/// format in one request.
@Suite struct LabelStudioDownloadGatewayTests {
    @Test func theStoredJSONComesFromTheAPIWithTheTokenInRanges() async throws {
        let ls = LabelStudio()
        let ready = try await ls.completedExport(items: 30)
        #expect(ready.downloadLocation?.isByteStable == true)
        let destination = LabelStudio.temporaryFile()
        let file = try await ls.gateway(downloadChunkSize: 2000).download(ready, to: destination)
        let bytes = try Data(contentsOf: destination)
        #expect(Int64(bytes.count) == file.byteCount)
        #expect(try JSONValue(parsing: bytes).arrayValue?.count == 30)
        #expect(!bytes.contains(0x0A), "the stored snapshot is one line")

        let downloads = ls.downloads
        #expect(downloads.count > 2)
        #expect(downloads.allSatisfy { $0.carriedCredential && $0.headers["Range"] != nil && $0.status == 206 })
        #expect(ls.simulator.requestLog.requests(to: ls.simulator.storageBaseURL).isEmpty)
    }

    @Test func aConvertedZipIsFetchedWholeAndAgainFromByteZeroAfterACut() async throws {
        let ls = LabelStudio(zipsDifferPerRequest: true)
        let ready = try await ls.completedExport(items: 20, format: .coco)
        #expect(ready.id.rawValue.hasSuffix("/COCO") && ready.format == "COCO")
        #expect(ready.downloadLocation?.isByteStable == false)
        #expect(ready.downloadLocation?.url.query == "exportType=COCO")
        ls.simulator.injectFault(.truncatedBody, method: .get, pathPrefix: "/api/projects/", count: 1)
        let destination = LabelStudio.temporaryFile("result.zip")
        try await ls.gateway(downloadChunkSize: 256).download(ready, to: destination)
        let archive = try Data(contentsOf: destination)
        #expect(ZipArchive.entries(of: archive)?.contains { $0.path == "result.json" } == true)
        let downloads = ls.downloads
        #expect(downloads.count == 2, "the cut answer, then the whole file again")
        #expect(downloads.allSatisfy { $0.headers["Range"] == nil && $0.carriedCredential })
    }

    @Test(arguments: [(ExportFormat.yolo, "YOLO"), (.pascalVOC, "VOC"), (.csv, "CSV"), ("JSON_MIN", "JSON_MIN")])
    func everyOfferedFormatDownloads(format: ExportFormat, word: String) async throws {
        let ls = LabelStudio()
        let ready = try await ls.completedExport(items: 8, format: format)
        #expect(ready.id.rawValue.hasSuffix("/\(word)"))
        let file = try await ls.gateway().download(ready, to: LabelStudio.temporaryFile())
        #expect(file.byteCount > 0)
        #expect(ls.downloads.last?.url.query == "exportType=\(word)")
    }

    @Test func aFormatTheProjectDoesNotOfferIsRefusedBeforeTheCreate() async throws {
        let ls = LabelStudio()
        let text = DatasetRef(rawValue: ls.simulator.seedTextProject(named: "reviews", itemCount: 4))
        for format in [ExportFormat.coco, "CONLL2003", "BOGUS"] {
            let error = try await #require(throws: GatewayError.self) {
                try await ls.gateway().createExport(ExportRequest(source: .dataset(text), format: format))
            }
            #expect(error.kind == .unsupported && error.feature == "format \(format)")
            #expect(error.message.contains("offers JSON, JSON_MIN, CSV, TSV"))
        }
        #expect(ls.requests(.post, under: "/api/projects/").isEmpty, "no snapshot was made")
    }

    @Test func anExportStillRunningIsNotReadyThenDownloads() async throws {
        let ls = LabelStudio(pollsToComplete: 3)
        let gateway = ls.gateway()
        let created = try await gateway.createExport(ExportRequest(source: .dataset(ls.project(items: 5))))
        #expect(created.status == .running && created.downloadLocation == nil)
        let error = try await #require(throws: GatewayError.self) {
            try await gateway.download(created, to: LabelStudio.temporaryFile())
        }
        #expect(error.kind == .notReady && error.lastStatus == .running)
        let ready = try await gateway.wait(for: created, timeout: .seconds(60))
        #expect(ready.status == .completed && ready.progress?.completed == 5)
        #expect(try await gateway.download(ready, to: LabelStudio.temporaryFile()).byteCount > 0)
    }

    @Test func aDownloadWithAnExpiredTokenIsMendedByOneExchange() async throws {
        let ls = LabelStudio(accessTokenLifetime: 5)
        let gateway = ls.gateway(downloadChunkSize: 1500)
        let ready = try await ls.completedExport(items: 20, with: gateway)
        ls.simulator.advanceTime(by: 10)
        let before = ls.exchanges.count
        try await gateway.download(ready, to: LabelStudio.temporaryFile())
        #expect(ls.exchanges.count == before + 1)
        #expect(ls.downloads.first?.status == 401 && ls.downloads.dropFirst().allSatisfy { $0.status == 206 })
    }

    @Test func aDeletedSnapshotIsNotFoundOnDownload() async throws {
        let ls = LabelStudio()
        let gateway = ls.gateway()
        let ready = try await ls.completedExport(with: gateway)
        try await gateway.deleteExport(ready.id)
        let error = try await #require(throws: GatewayError.self) {
            try await gateway.download(ready, to: LabelStudio.temporaryFile())
        }
        #expect(error.kind == .notFound && error.operation == .download)
        #expect(!error.message.contains("<") && error.message.count < 400)
    }
}
