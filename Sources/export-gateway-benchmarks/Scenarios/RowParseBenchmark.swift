import ExportGateway
import ExportGatewayLabelbox
import ExportGatewayTesting
import Foundation

/// What ``benchmarkRowParsing(rowCount:)`` measured.
struct RowParseFigures: Sendable {
    /// The rows parsed and mapped.
    var rowCount: Int
    /// Their mean size in bytes, newline excluded.
    var meanRowBytes: Double
    /// Seconds to parse and map them all (the rows already in memory).
    var parseSeconds: Double
    /// CPU seconds of the same: the figure to compare on a machine busy with other work.
    var parseCPUSeconds: Double
    /// Seconds for the same rows through `records(of:)` on the in-process simulator:
    /// fetching and splitting included.
    var streamSeconds: Double

    /// Rows parsed and mapped per second.
    var parseRowsPerSecond: Double { Double(rowCount) / parseSeconds }
    /// Rows per second through `records(of:)`.
    var streamRowsPerSecond: Double { Double(rowCount) / streamSeconds }
}

/// Parses and maps `rowCount` Labelbox data rows in-process, as a record stream does with
/// each line (checked as JSON, then the adapter's `record(from:)`, which reads it in place), on the rows the
/// LabelboxSimulator exports for a dataset (~300 bytes each): the per-row cost with no I/O.
/// Then reads the same export through `records(of:)`, for the cost with fetching.
func benchmarkRowParsing(rowCount: Int) async throws -> RowParseFigures {
    let labelbox = LabelboxSimulator(pollsToComplete: 1, chunkSize: 16 << 20)
    let dataset = DatasetRef(rawValue: labelbox.seedDataset(named: "rows", itemCount: rowCount))
    let gateway = labelbox.gateway(options: GatewayOptions(downloadChunkSize: 4 << 20, clock: VirtualClock()))
    let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
    let ready = try await gateway.wait(for: created, timeout: .seconds(60))

    // Every line in memory first, so only parsing and mapping are timed.
    var bounds: [Range<Int64>] = []
    bounds.reserveCapacity(rowCount)
    for try await line in gateway.lines(of: ready) { bounds.append(line.offset..<line.nextOffset) }
    let rows = try await lineBytes(ready, gateway: gateway, bounds: bounds)
    let totalBytes = rows.reduce(0) { $0 + $1.count }

    let provider = LabelboxProvider()
    let clock = ContinuousClock()
    var checksum = 0
    // More passes only to profile the loop (perf record, callgrind); the figures are the first.
    let passes = ProcessInfo.processInfo.environment["EXPORT_GATEWAY_BENCH_PARSE_PASSES"].flatMap { Int($0) } ?? 1
    var parseSeconds = 0.0
    var parseCPUSeconds = 0.0
    for pass in 0..<max(passes, 1) {
        let started = clock.now
        let cpuStarted = threadCPUSeconds()
        for (index, slice) in rows.enumerated() {
            // As a record stream does: the line copied out of its piece, checked, mapped.
            let text = try JSONText(checking: Data(slice))
            let item = try provider.record(from: RecordRow(text: text, export: ready, offset: bounds[index].lowerBound))
            if pass == 0 { checksum &+= item.id.rawValue.utf8.count }
        }
        if pass == 0 {
            parseSeconds = (clock.now - started).seconds
            parseCPUSeconds = threadCPUSeconds() - cpuStarted
        }
    }

    let streamStarted = clock.now
    var streamed = 0
    for try await item in gateway.records(of: ready) { streamed &+= item.id.rawValue.utf8.count }
    let streamSeconds = (clock.now - streamStarted).seconds
    guard streamed == checksum else { throw BenchmarkFailure("records(of:) gave other rows than the lines parsed.") }

    return RowParseFigures(
        rowCount: rows.count, meanRowBytes: Double(totalBytes) / Double(max(rows.count, 1)),
        parseSeconds: parseSeconds, parseCPUSeconds: parseCPUSeconds, streamSeconds: streamSeconds)
}

/// The exact bytes of each line (newline excluded): slices of the downloaded stream at the
/// offsets `lines` gave, as a record stream's lines are slices of its piece.
private func lineBytes(_ export: Export, gateway: Gateway, bounds: [Range<Int64>]) async throws -> [Data] {
    let destination = FileManager.default.temporaryDirectory.appendingPathComponent(
        "eg-bench-rows-\(UUID().uuidString).ndjson")
    defer { try? FileManager.default.removeItem(at: destination) }
    _ = try await gateway.download(export, to: destination)
    let whole = try Data(contentsOf: destination)
    return bounds.map { bound in
        var end = Int(bound.upperBound)
        while end > Int(bound.lowerBound), whole[end - 1] == 0x0A || whole[end - 1] == 0x0D { end -= 1 }
        return whole[Int(bound.lowerBound)..<end]
    }
}

/// The CPU time of the calling thread, in seconds.
private func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
