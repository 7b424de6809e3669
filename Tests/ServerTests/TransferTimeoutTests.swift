import ExportGateway
import ExportGatewayProviders
import ExportGatewayTesting
import Foundation
import Testing

/// Over real sockets: a body that stops arriving fails at the transport's idle timeout, and
/// one that trickles below the low-speed limit fails too; both errors name the operation and
/// the host and say what to do, and nothing is left on disk.
@Suite struct TransferTimeoutTests {
    @Test func aStalledDownloadFailsAtTheIdleTimeoutNamingTheHost() async throws {
        let error = try await downloadError(
            fault: .stalledBody(for: .seconds(4)), transport: URLSessionTransport(idleTimeout: 0.5))
        #expect(error.kind == .transport)
        #expect(error.message.contains("No byte arrived from 127.0.0.1"), "\(error)")
        #expect(error.operation == .download && error.provider == .avala)
    }

    @Test func aTricklingDownloadFailsBelowTheLowSpeedLimit() async throws {
        let limit = URLSessionTransport.LowSpeedLimit(bytesPerSecond: 100_000, duration: .milliseconds(100))
        let error = try await downloadError(
            fault: .slowBody(bytesPerWrite: 32, interval: .milliseconds(20)),
            transport: URLSessionTransport(idleTimeout: 10, lowSpeedLimit: limit))
        #expect(error.kind == .transport)
        #expect(error.message.contains("ran below 100000 bytes/s"), "\(error)")
        #expect(error.operation == .download)
    }

    private func downloadError(fault: SimulatedFault, transport: URLSessionTransport) async throws -> GatewayError {
        let server = try SimulatorServer.start { api, storage in
            AvalaSimulator(apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage)
        }
        defer { Task { await server.stop() } }
        // The export is made through an unhurried transport; only the download meets the limit.
        let setup = server.simulator.gateway(transport: URLSessionTransport())
        let gateway = server.simulator.gateway(
            transport: transport, options: GatewayOptions(retryPolicy: .never, clock: VirtualClock()))
        let dataset = DatasetRef(rawValue: server.simulator.seedDataset(named: "slow", itemCount: 40))
        server.simulator.scriptNextExport(.completes(afterPolls: 0))
        let ready = try await setup.wait(
            for: setup.createExport(ExportRequest(source: .dataset(dataset))), timeout: .seconds(60))
        server.simulator.injectFault(fault, on: .storage, count: 5)
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("eg-\(UUID().uuidString).zip")
        do {
            _ = try await gateway.download(ready, to: destination)
        } catch let error as GatewayError {
            #expect(!FileManager.default.fileExists(atPath: destination.path))
            #expect(!FileManager.default.fileExists(atPath: destination.path + ".part"))
            return error
        }
        throw ConformanceFailure("the download finished despite \(fault)")
    }
}
