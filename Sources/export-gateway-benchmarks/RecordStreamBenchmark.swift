import ExportGateway
import ExportGatewayTesting
import Foundation

/// Streams `rowCount` data rows of a Labelbox export through `records(of:)`: memory must not
/// grow with the number of rows read, and the first row must come after one piece, not after
/// the whole stream (the official SDK buffers the whole stream to disk first).
func benchmarkRecordStream(rowCount: Int, pieceSize: Int = 1 << 20) async throws {
    let labelbox = LabelboxSimulator(pollsToComplete: 1, chunkSize: 16 << 20)
    let dataset = DatasetRef(rawValue: labelbox.seedDataset(named: "stream", itemCount: rowCount))
    let gateway = labelbox.gateway(options: GatewayOptions(downloadChunkSize: pieceSize, clock: VirtualClock()))
    let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
    let ready = try await gateway.wait(for: created, timeout: .seconds(60))
    let totalBytes = try await gateway.recordStreamInfo(of: ready)?.totalBytes ?? 0

    let sampler = PeakSampler()
    let before = Memory.residentBytes
    var residentAtTenth: Int64 = 0
    let clock = ContinuousClock()
    let started = clock.now
    var firstRow: Duration = .zero
    var count = 0
    for try await _ in gateway.records(of: ready) {
        count += 1
        if count == 1 { firstRow = clock.now - started }
        if count % 10_000 == 0 { sampler.sample() }
        if count == rowCount / 10 { residentAtTenth = Memory.residentBytes }
    }
    let elapsed = seconds(clock.now - started)
    let after = Memory.residentBytes
    print("")
    print(
        "record stream of \(count) rows (\(megabytes(totalBytes)) of NDJSON) in pieces of \(megabytes(Int64(pieceSize)))"
    )
    print(
        String(
            format: "  %.2f s, %.0f rows/s, %.0f MB/s; first row after %.1f ms",
            elapsed, Double(count) / elapsed, Double(totalBytes) / 1_000_000 / elapsed, seconds(firstRow) * 1000))
    print(
        "  resident: before \(megabytes(before)), after 10% \(megabytes(residentAtTenth)), peak \(megabytes(sampler.value)), after 100% \(megabytes(after))"
    )
    print(
        String(
            format: "  peak growth / stream size: %.4f; growth from 10%% to 100%% of the rows: %.1f MB",
            Double(max(sampler.value - before, 0)) / Double(max(totalBytes, 1)),
            Double(after - residentAtTenth) / 1_000_000))

    // The same stream written to a file: what fetching the bytes costs without parsing them.
    let destination = FileManager.default.temporaryDirectory.appendingPathComponent(
        "eg-bench-\(UUID().uuidString).ndjson")
    defer { try? FileManager.default.removeItem(at: destination) }
    let downloadStarted = clock.now
    let file = try await gateway.download(ready, to: destination)
    let downloadElapsed = seconds(clock.now - downloadStarted)
    print(
        String(
            format: "  the same stream downloaded as a file: %.2f s (%.0f MB/s); parsing rows costs %.1fx the fetch",
            downloadElapsed, Double(file.byteCount) / 1_000_000 / downloadElapsed, elapsed / downloadElapsed))
}
