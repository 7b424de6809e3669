import ExportGateway
import ExportGatewayLabelbox
import ExportGatewayTesting
import Foundation
import Testing

@Suite("Labelbox record streams")
struct LabelboxRecordTests {
    @Test(
        "Every row once, in order, whatever the chunk boundaries",
        arguments: [
            LabelboxSimulator.ChunkBoundary.line, .character, .byte, .single,
        ], [1, GatewayOptions().recordReadAhead])
    func recordsCoverTheExportExactlyOnce(boundary: LabelboxSimulator.ChunkBoundary, window: Int) async throws {
        let labelbox = LabelboxFixture(chunkSize: 777, chunkBoundary: boundary)
        let gateway = labelbox.gateway(downloadChunkSize: 500, recordReadAhead: window)
        let (export, _) = try await labelbox.completedExport(rows: 300, gateway: gateway)
        let records = try await gateway.records(of: export).collect(upTo: 100_000)
        #expect(records.count == 300)
        #expect(Set(records.map(\.id)).count == 300)
        // Every row carries a non-ASCII character; a chunk cut inside it must not corrupt it.
        let text = records.map { $0.providerFields.description }.joined()
        #expect(!text.contains("\u{FFFD}"))
        #expect(records.allSatisfy { $0.mediaURL != nil && $0.key != nil })
        let info = try #require(try await gateway.recordStreamInfo(of: export))
        #expect(info.totalLines == 300)
    }

    @Test(arguments: [1, GatewayOptions().recordReadAhead])
    func recordsArriveAfterOnePieceAndPiecesStayBounded(window: Int) async throws {
        let labelbox = LabelboxFixture(chunkSize: 64 * 1024)
        let pieceSize = 4096
        let gateway = labelbox.gateway(downloadChunkSize: pieceSize, recordReadAhead: window)
        let (export, _) = try await labelbox.completedExport(rows: 2000, gateway: gateway)
        var iterator = gateway.records(of: export).makeAsyncIterator()
        _ = try await iterator.next()
        // The first piece, and those asked for ahead of it while it was read.
        #expect(
            labelbox.storageRequests.count <= window,
            "the first record waited for \(labelbox.storageRequests.count) storage requests")
        var count = 1
        while try await iterator.next() != nil { count += 1 }
        #expect(count == 2000)
        let requested = labelbox.storageRequests.compactMap { $0.headers["Range"].flatMap(Self.rangeLength) }
        #expect(requested.count == labelbox.storageRequests.count)
        #expect(requested.allSatisfy { $0 <= pieceSize })
        #expect(labelbox.storageRequests.allSatisfy { !$0.carriedCredential })
    }

    @Test func piecesPerRowDoNotGrowWithTheExport() async throws {
        // Memory is one piece plus one partial line: the number of requests grows with bytes
        // at a fixed piece size, and each request's size does not grow at all.
        var perRowRequests: [Double] = []
        for rows in [500, 5000] {
            let labelbox = LabelboxFixture(chunkSize: 256 * 1024)
            let gateway = labelbox.gateway(downloadChunkSize: 8192)
            let (export, _) = try await labelbox.completedExport(rows: rows, gateway: gateway)
            var count = 0
            for try await _ in gateway.records(of: export) { count += 1 }
            #expect(count == rows)
            perRowRequests.append(Double(labelbox.storageRequests.count) / Double(rows))
        }
        #expect(abs(perRowRequests[0] - perRowRequests[1]) / perRowRequests[1] < 0.2, "\(perRowRequests)")
    }

    @Test func errorStreamIsReadSeparately() async throws {
        let labelbox = LabelboxFixture()
        labelbox.simulator.scriptNextExportErrors(count: 3)
        let gateway = labelbox.gateway()
        let (export, _) = try await labelbox.completedExport(rows: 10, gateway: gateway)
        let errors = try await gateway.errors(of: export).collect(upTo: 100_000)
        #expect(errors.count == 3)
        #expect(errors.allSatisfy { $0.objectValue != nil })
        #expect(try await gateway.records(of: export).collect(upTo: 100_000).count == 10)
        #expect(try await gateway.recordStreamInfo(of: export, stream: .errors)?.totalLines == 3)
    }

    @Test func cleanExportHasAnEmptyErrorStream() async throws {
        let labelbox = LabelboxFixture()
        let gateway = labelbox.gateway()
        let (export, _) = try await labelbox.completedExport(rows: 5, gateway: gateway)
        #expect(try await gateway.recordStreamInfo(of: export, stream: .errors) == nil)
        #expect(try await gateway.errors(of: export).collect(upTo: 100_000).isEmpty)
    }

    @Test func exportThatMatchedNothingIsAValidEmptyResult() async throws {
        let labelbox = LabelboxFixture()
        let gateway = labelbox.gateway()
        let (export, _) = try await labelbox.completedExport(
            rows: 5, options: ["global_keys": ["no-such-key"]], gateway: gateway)
        #expect(try await gateway.recordStreamInfo(of: export) == nil)
        #expect(try await gateway.records(of: export).collect(upTo: 100_000).isEmpty)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lb-empty-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try await gateway.download(export, to: folder.appendingPathComponent("empty.ndjson"))
        #expect(file.byteCount == 0)
        #expect(FileManager.default.fileExists(atPath: file.url.path))
    }

    @Test func idFilterSelectsExactlyThoseRows() async throws {
        let labelbox = LabelboxFixture()
        let gateway = labelbox.gateway()
        let (all, dataset) = try await labelbox.completedExport(rows: 50, gateway: gateway)
        let picked = Array(try await gateway.records(of: all).collect(upTo: 100_000).map(\.id).shuffled().prefix(7))
        let created = try await gateway.createExport(
            ExportRequest(
                source: .dataset(DatasetRef(rawValue: dataset)), filters: ExportFilters(itemIDs: picked)))
        let ready = try await gateway.wait(for: created, timeout: .seconds(60))
        #expect(Set(try await gateway.records(of: ready).collect(upTo: 100_000).map(\.id)) == Set(picked))
    }

    @Test(arguments: [1, GatewayOptions().recordReadAhead])
    func aConnectionThatStaysDownResumesFromTheLastOffset(window: Int) async throws {
        let labelbox = LabelboxFixture(chunkSize: 2048)
        let gateway = labelbox.gateway(downloadChunkSize: 1024, recordReadAhead: window)
        let (export, _) = try await labelbox.completedExport(rows: 200, gateway: gateway)
        let lookups = { labelbox.operations.filter { $0 == "GetExportFileFromOffsetPyApi" }.count }
        let expected = try await gateway.lines(of: export).collect(upTo: 100_000)
        let firstPassLookups = lookups()
        // More drops in a row than the retry policy's attempts: the piece is located afresh
        // and read from the same offset, not from the start. (Pieces fetched ahead share
        // the drops, so only a sequential read is sure to exhaust one piece's retries.)
        labelbox.simulator.injectFault(.dropConnection, on: .storage, count: 4, after: 3)
        let lines = try await gateway.lines(of: export).collect(upTo: 100_000)
        #expect(lines == expected)
        #expect(labelbox.storageRequests.filter { $0.status == nil }.count == 4)
        if window == 1 { #expect(lookups() - firstPassLookups == firstPassLookups + 1) }
    }

    @Test(arguments: [1, GatewayOptions().recordReadAhead])
    func anExpiredChunkURLIsLocatedAfreshMidStream(window: Int) async throws {
        // A chunk of more pieces than the window: some are asked for after the expiry.
        let labelbox = LabelboxFixture(chunkSize: 16 * 1024)
        let gateway = labelbox.gateway(downloadChunkSize: 1024, recordReadAhead: window)
        let (export, _) = try await labelbox.completedExport(rows: 100, gateway: gateway)
        var iterator = gateway.records(of: export).makeAsyncIterator()
        var ids: [ItemID] = []
        if let first = try await iterator.next() { ids.append(first.id) }
        labelbox.simulator.advanceTime(by: 86_400)  // every signed URL handed out so far has expired
        while let next = try await iterator.next() { ids.append(next.id) }
        #expect(ids.count == 100 && Set(ids).count == 100)
        #expect(labelbox.storageRequests.contains { $0.status == 403 })
    }

    @Test func linesResumeFromASavedOffset() async throws {
        let labelbox = LabelboxFixture(chunkSize: 1000, chunkBoundary: .character)
        let gateway = labelbox.gateway(downloadChunkSize: 333)
        let (export, _) = try await labelbox.completedExport(rows: 120, gateway: gateway)
        let all = try await gateway.lines(of: export).collect(upTo: 100_000)
        for index in [1, 37, 119] {
            let rest = try await gateway.lines(of: export, startingAt: all[index].offset).collect(upTo: 100_000)
            #expect(rest == Array(all[index...]))
        }
        #expect(try await gateway.lines(of: export, startingAt: all[119].nextOffset).collect(upTo: 100_000).isEmpty)
        do {
            _ = try await gateway.lines(of: export, startingAt: all[5].offset + 3).collect(upTo: 100_000)
            Issue.record("an offset inside a line was accepted")
        } catch let error as GatewayError {
            guard error.kind == .invalidRequest, case let fields = error.fieldErrors else { throw error }
            #expect(fields["offset"] != nil)
            #expect(error.provider == .labelbox)
        }
        do {
            _ = try await gateway.lines(of: export, startingAt: all[119].nextOffset + 1).collect(upTo: 100_000)
            Issue.record("an offset past the end was accepted")
        } catch let error as GatewayError {
            guard error.kind == .invalidRequest, case let fields = error.fieldErrors else { throw error }
            #expect(fields["offset"] != nil)
        }
    }

    @Test func recordsOfAnUnfinishedExportSayWaitFirst() async throws {
        let labelbox = LabelboxFixture()
        let gateway = labelbox.gateway()
        let dataset = labelbox.simulator.seedDataset(named: "early", itemCount: 3)
        let created = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
        do {
            _ = try await gateway.records(of: created).collect(upTo: 100_000)
            Issue.record("records of a running export were read")
        } catch let error as GatewayError {
            #expect(error.kind == .notReady)
            #expect(error.lastStatus == created.status)
            #expect(error.operation == .recordStreamInfo && error.resource == .export(created.id))
            #expect(error.message.contains("Wait"))
        }
    }

    @Test func downloadWritesTheResultsStreamAsOneVerifiedNDJSONFile() async throws {
        let labelbox = LabelboxFixture(chunkSize: 3000, chunkBoundary: .byte)
        let gateway = labelbox.gateway(downloadChunkSize: 1000)
        let (export, _) = try await labelbox.completedExport(rows: 150, gateway: gateway)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lb-dl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("rows.ndjson")
        let file = try await gateway.download(export, to: destination)
        let info = try #require(try await gateway.recordStreamInfo(of: export))
        #expect(file.byteCount == info.totalBytes)
        let lines = try String(contentsOf: destination, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 150)
        #expect(try lines.allSatisfy { try JSONValue(parsing: Data($0.utf8))["data_row"] != nil })
        #expect(!FileManager.default.fileExists(atPath: destination.path + ".part"))
        #expect(labelbox.storageRequests.allSatisfy { !$0.carriedCredential })
    }

    @Test func aProjectExportCarriesLabelsAndWorkflowStatus() async throws {
        let labelbox = LabelboxFixture()
        let gateway = labelbox.gateway()
        let project = labelbox.simulator.seedProject(named: "labeled", itemCount: 12)
        let created = try await gateway.createExport(
            ExportRequest(source: .project(project), providerOptions: ["project_details": true]))
        let ready = try await gateway.wait(for: created, timeout: .seconds(60))
        let records = try await gateway.records(of: ready).collect(upTo: 100_000)
        #expect(records.count == 12)
        #expect(records.allSatisfy { $0.annotations?[project]?["labels"] != nil })
        #expect(records.allSatisfy { $0.rawStatus != nil && $0.status != nil })
        #expect(Set(records.compactMap(\.status)).count > 1)
    }

    private static func rangeLength(_ header: String) -> Int? {
        guard header.hasPrefix("bytes=") else { return nil }
        let bounds = header.dropFirst(6).split(separator: "-").compactMap { Int($0) }
        return bounds.count == 2 ? bounds[1] - bounds[0] + 1 : nil
    }
}
