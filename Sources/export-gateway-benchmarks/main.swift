import ExportGateway
import ExportGatewayTesting
import Foundation

// Benchmarks for the paths whose cost grows with an export's size (paging a large dataset's
// items, downloading a large result file, streaming a large export's records) and for the
// loopback server's request rate. Run in release:
//     swift run -c release export-gateway-benchmarks [items] [download-items] [stream-rows]
// Figures are printed; compare them as ratios within one run.

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let pagedItemCount = arguments.first ?? 200_000
let downloadItemCount = arguments.dropFirst().first ?? 100_000
let streamRowCount = arguments.dropFirst(2).first ?? 1_000_000

print("ExportGateway benchmarks (in-process Avala simulator; resident memory from /proc/self/statm)")

// 1. Paging: memory must not grow with the number of items iterated.
do {
    let avala = AvalaSimulator()
    let dataset = DatasetRef(rawValue: avala.seedDataset(named: "paging", itemCount: pagedItemCount))
    let gateway = avala.gateway(options: GatewayOptions(pageSize: 1000, clock: VirtualClock()))
    let sampler = PeakSampler()
    let before = Memory.residentBytes
    var residentAtTenth: Int64 = 0
    let clock = ContinuousClock()
    let started = clock.now
    var count = 0
    for try await _ in gateway.items(in: dataset) {
        count += 1
        if count % 1000 == 0 { sampler.sample() }
        if count == pagedItemCount / 10 { residentAtTenth = Memory.residentBytes }
    }
    let elapsed = seconds(clock.now - started)
    let after = Memory.residentBytes
    print("")
    print("paging \(count) items in pages of 1000")
    print(String(format: "  %.2f s, %.0f items/s", elapsed, Double(count) / elapsed))
    print(
        "  resident: before \(megabytes(before)), after 10% \(megabytes(residentAtTenth)), peak \(megabytes(sampler.value)), after 100% \(megabytes(after))"
    )
    print(
        String(
            format: "  growth from 10%% to 100%% of the items: %.2fx the growth over the first 10%%",
            Double(after - residentAtTenth) / Double(max(residentAtTenth - before, 1))))
}

// 2. Download: memory during a download must depend on the chunk size, not the file size.
for chunkSize in [1 << 20, 8 << 20] {
    let avala = AvalaSimulator(pollsToComplete: 1)
    let dataset = DatasetRef(rawValue: avala.seedDataset(named: "download", itemCount: downloadItemCount))
    let gateway = avala.gateway(
        options: GatewayOptions(pageSize: 1000, downloadChunkSize: chunkSize, clock: VirtualClock()))
    let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
    let ready = try await gateway.wait(for: created, timeout: .seconds(60))  // the simulator builds the file here
    let destination = FileManager.default.temporaryDirectory.appendingPathComponent("eg-bench-\(UUID().uuidString).zip")
    defer { try? FileManager.default.removeItem(at: destination) }
    let sampler = PeakSampler()
    let before = Memory.residentBytes
    let clock = ContinuousClock()
    let started = clock.now
    let file = try await gateway.download(ready, to: destination) { _ in sampler.sample() }
    let elapsed = seconds(clock.now - started)
    let growth = max(sampler.value - before, 0)
    print("")
    print("download of \(megabytes(file.byteCount)) in ranges of \(megabytes(Int64(chunkSize)))")
    print(String(format: "  %.2f s, %.0f MB/s", elapsed, Double(file.byteCount) / 1_000_000 / elapsed))
    print("  resident growth during the download: \(megabytes(growth)) peak over \(megabytes(before))")
    print(
        String(
            format: "  growth / file size: %.3f; growth / chunk size: %.2f",
            Double(growth) / Double(file.byteCount), Double(growth) / Double(chunkSize)))
}

// 3. Record streams: memory must not grow with the rows streamed.
try await benchmarkRecordStream(rowCount: streamRowCount)

// 4. Loopback server: requests per second an Avala simulator sustains behind SimulatorServer,
// keep-alive, through URLSessionTransport (the client shares the machine's cores with the
// server, so this is a lower bound on the server alone).
do {
    let server = try SimulatorServer.start { api, storage in
        AvalaSimulator(apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage)
    }
    let transport = URLSessionTransport()
    let request = HTTPRequest(
        url: server.simulator.apiBaseURL.appendingPathComponent("exports/"),
        headers: ["X-Avala-Api-Key": server.simulator.apiKey])
    let requestCount = 6000
    for concurrency in [1, 8, 32] {
        _ = try await transport.send(request)  // warm the connection pool
        let clock = ContinuousClock()
        let started = clock.now
        let failures = try await sendConcurrently(
            request, count: requestCount, concurrency: concurrency, through: transport)
        let elapsed = seconds(clock.now - started)
        print("")
        print(
            "loopback server: \(requestCount) GET /api/v1/exports/ from \(concurrency) concurrent client(s), keep-alive"
        )
        print(
            String(format: "  %.2f s, %.0f requests/s, %d non-200", elapsed, Double(requestCount) / elapsed, failures))
    }
    await server.stop()
}

/// Sends `request` `count` times from `concurrency` workers; returns how many answers were not 200.
nonisolated func sendConcurrently(
    _ request: HTTPRequest, count: Int, concurrency: Int, through transport: URLSessionTransport
) async throws -> Int {
    try await withThrowingTaskGroup(of: Int.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var failed = 0
                for _ in stride(from: worker, to: count, by: concurrency) {
                    if try await transport.send(request).status != 200 { failed += 1 }
                }
                return failed
            }
        }
        return try await group.reduce(0, +)
    }
}
