import ExportGateway
import ExportGatewayLabelStudio
import ExportGatewayTesting
import Foundation
import Testing

/// A pipeline over real sockets and URLSession: tokens renewed, the stored JSON in ranges,
/// a converted ZIP whose body ends when the connection closes, records streamed.
@Suite struct LabelStudioLoopbackGatewayTests {
    @Test func aPipelineRenewsItsTokenAndDownloadsWhatTheAPIServes() async throws {
        let server = try SimulatorServer.start { api, storage in
            LabelStudioSimulator(
                apiBaseURL: api, storageBaseURL: storage, accessTokenLifetime: 5, zipsDifferPerRequest: true)
        }
        let simulator = server.simulator
        let gateway = simulator.gateway(
            transport: URLSessionTransport(idleTimeout: 60),
            options: GatewayOptions(pollInterval: .seconds(1), downloadChunkSize: 4096, clock: VirtualClock()))
        let project = DatasetRef(rawValue: simulator.seedDataset(named: "Loopback", itemCount: 120))

        let stored = try await gateway.createExport(ExportRequest(source: .dataset(project)))
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("eg-ls-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: json) }
        try await gateway.download(stored, to: json)
        #expect(try JSONValue(parsing: Data(contentsOf: json)).arrayValue?.count == 120)

        // The server's clock passes the token's five seconds: the next request is refused
        // once, and one more exchange mends it.
        simulator.advanceTime(by: 10)
        let coco = try await gateway.createExport(ExportRequest(source: .dataset(project), format: .coco))
        let zip = FileManager.default.temporaryDirectory.appendingPathComponent("eg-ls-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: zip) }
        try await gateway.download(coco, to: zip)
        #expect(ZipArchive.entries(of: try Data(contentsOf: zip))?.isEmpty == false)

        let records = try await gateway.records(of: stored).collect(upTo: 1000)
        #expect(records.count == 120)

        let log = simulator.requestLog.requests
        let exchanges = log.filter { SimulatedRequest.rawPath(of: $0.url) == "/api/token/refresh/" }
        // At least the first exchange and the one after expiry. Exactly two in-process
        // (LabelStudioTokenTests); over real sockets on a loaded machine a transfer retry may
        // move the gateway's virtual clock past the renewal point too, which renews once more.
        // Every refusal is mended by one exchange, never more.
        #expect(exchanges.count >= 2)
        #expect(log.filter { $0.status == 401 }.count <= exchanges.count - 1)
        let downloads = log.filter { SimulatedRequest.rawPath(of: $0.url).hasSuffix("/download") }
        #expect(downloads.allSatisfy { $0.carriedCredential })
        #expect(downloads.contains { $0.headers["Range"] == nil && $0.status == 200 }, "the ZIP in one plain request")
        #expect(downloads.filter { $0.headers["Range"] != nil && $0.headers["Range"] != "bytes=0-0" }.count > 2)
        #expect(simulator.requestLog.requests(to: server.storageOrigin).isEmpty)
        await server.stop()
    }
}
