import ExportGateway
import ExportGatewayTesting
import Foundation

/// The server child: one vendor simulator behind the loopback server, seeded with one
/// dataset, served until the parent closes standard input.
enum Serve {
    static func run(_ arguments: ChildArguments) async throws {
        let vendor = try arguments.string("serve")
        let items = try arguments.int("items")
        let latency = Duration.milliseconds(try arguments.int("latency-ms"))
        let served: ServedSimulator
        let stop: @Sendable () async -> Void
        switch vendor {
        case "labelbox":
            let chunkBytes = arguments.optionalInt("chunk-bytes") ?? 16 << 20
            let server = try SimulatorServer.start(latency: SimulatedLatency(roundTrip: latency)) { api, storage in
                LabelboxSimulator(apiBaseURL: api, storageBaseURL: storage, pollsToComplete: 1, chunkSize: chunkBytes)
            }
            let dataset = server.simulator.seedDataset(named: "benchmark", itemCount: items)
            served = ServedSimulator(
                vendor: vendor, apiBaseURL: server.simulator.apiBaseURL, apiKey: server.simulator.apiKey,
                dataset: dataset)
            stop = { await server.stop() }
        case "avala":
            let server = try SimulatorServer.start(latency: SimulatedLatency(roundTrip: latency)) { api, storage in
                AvalaSimulator(
                    apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage, pollsToComplete: 1)
            }
            let dataset = server.simulator.seedDataset(named: "benchmark", itemCount: items)
            served = ServedSimulator(
                vendor: vendor, apiBaseURL: server.simulator.apiBaseURL, apiKey: server.simulator.apiKey,
                dataset: dataset)
            stop = { await server.stop() }
        default:
            throw BenchmarkFailure("No simulator named \(vendor) to serve.")
        }
        let data = try JSONEncoder().encode(served)
        ChildProtocol.emit(ChildProtocol.serverPrefix + String(decoding: data, as: UTF8.self))
        await untilStandardInputCloses()
        await stop()
    }

    /// Returns when the parent closes our standard input (or exits).
    private static func untilStandardInputCloses() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                _ = FileHandle.standardInput.readDataToEndOfFile()
                continuation.resume()
            }
        }
    }
}
