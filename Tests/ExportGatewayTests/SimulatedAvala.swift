import ExportGateway
import ExportGatewayTesting
import Foundation

/// A gateway wired to a fresh Avala simulator and a virtual clock: the vehicle for the
/// core's waiting, retry and download tests (any adapter would do; Avala is the first).
struct SimulatedAvala {
    let simulator = AvalaSimulator()
    let clock = VirtualClock()

    func gateway(
        retryPolicy: RetryPolicy = .standard, downloadChunkSize: Int = 8 << 20, pageSize: Int = 100,
        downloadConcurrency: Int = GatewayOptions().downloadConcurrency
    ) -> Gateway {
        simulator.gateway(
            options: GatewayOptions(
                pageSize: pageSize, pollInterval: .seconds(2), maxPollInterval: .seconds(10), retryPolicy: retryPolicy,
                downloadChunkSize: downloadChunkSize, clock: clock, downloadConcurrency: downloadConcurrency))
    }

    /// Creates an export of a new dataset, scripted as given.
    func export(_ script: ExportScript, items: Int = 12, gateway: Gateway? = nil) async throws -> Export {
        let dataset = simulator.seedDataset(named: "core-\(UUID().uuidString.prefix(8).lowercased())", itemCount: items)
        simulator.scriptNextExport(script)
        return try await (gateway ?? self.gateway()).createExport(
            ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
    }

    static func temporaryFile(_ name: String = "result.zip") -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("eg-\(UUID().uuidString)").appendingPathComponent(
            name)
    }
}
