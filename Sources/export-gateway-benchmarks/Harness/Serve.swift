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
        // The simulator in one generic place, so each vendor is only its constructor.
        func serve<Simulator: VendorSimulator>(
            _ make: (URL, URL) -> Simulator
        ) throws -> (ServedSimulator, @Sendable () async -> Void) {
            let server = try SimulatorServer.start(latency: SimulatedLatency(roundTrip: latency), simulator: make)
            let dataset = server.simulator.seedDataset(named: "benchmark", itemCount: items)
            let served = ServedSimulator(
                vendor: vendor, apiBaseURL: server.simulator.apiBaseURL, apiKey: server.simulator.apiKey,
                dataset: dataset)
            return (served, { await server.stop() })
        }
        let (served, stop): (ServedSimulator, @Sendable () async -> Void)
        switch vendor {
        case "labelbox":
            // Chunks of 16 MiB: few chunk lookups, so the figures are about reading rows.
            (served, stop) = try serve {
                LabelboxSimulator(apiBaseURL: $0, storageBaseURL: $1, pollsToComplete: 1, chunkSize: 16 << 20)
            }
        case "avala":
            (served, stop) = try serve {
                AvalaSimulator(
                    apiBaseURL: $0.appendingPathComponent("api/v1"), storageBaseURL: $1, pollsToComplete: 1)
            }
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
