import ExportGateway
import Foundation
import Synchronization
import Testing

@testable import ExportGatewayTesting

/// Records every exchange a transport makes, so a flow run over loopback can be replayed
/// request by request against an in-process twin.
final class RecordingTransport: HTTPTransport {
    let base: any HTTPTransport
    private let exchanges = Mutex<[(HTTPRequest, HTTPResponse)]>([])

    init(_ base: any HTTPTransport) { self.base = base }

    var recorded: [(HTTPRequest, HTTPResponse)] { exchanges.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = try await base.send(request)
        exchanges.withLock { $0.append((request, response)) }
        return response
    }
}

func avalaServer() throws -> SimulatorServer<AvalaSimulator> {
    try SimulatorServer.start { api, storage in
        AvalaSimulator(apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage)
    }
}

func pictographServer() throws -> SimulatorServer<PictographSimulator> {
    try SimulatorServer.start { api, storage in PictographSimulator(apiBaseURL: api, storageBaseURL: storage) }
}

@Suite("Simulators over loopback")
struct SimulatorServerTests {
    @Test func apiAndStorageListenOnDifferentPortsOfLoopback() async throws {
        let server = try avalaServer()
        #expect(server.apiOrigin.host == "127.0.0.1" && server.storageOrigin.host == "127.0.0.1")
        #expect(server.api.port != server.storage.port)
        #expect(server.simulator.apiBaseURL.absoluteString == "\(server.apiOrigin.absoluteString)/api/v1")
        #expect(server.simulator.storageBaseURL == server.storageOrigin)
        await server.stop()
    }

    @Test func simulatorNotAtTheGivenOriginsIsRefused() throws {
        #expect(throws: LoopbackServerError.self) {
            _ = try SimulatorServer.start { _, _ in AvalaSimulator() }
        }
    }

    @Test func storageRangesAndHeadPassThroughFaithfully() async throws {
        let server = try avalaServer()
        let content = Data((0..<1000).map { UInt8($0 % 251) })
        server.simulator.host.storage.put(content, at: "results/file.bin")
        let url = server.simulator.host.storage.signedURL(for: "results/file.bin").url
        let transport = URLSessionTransport()

        let ranged = try await transport.send(
            HTTPRequest(url: url, headers: ["Range": "bytes=10-19", "Accept-Encoding": "identity"]))
        #expect(ranged.status == 206)
        #expect(ranged.body == content.subdata(in: 10..<20))
        #expect(ranged.headers["Content-Range"] == "bytes 10-19/1000")
        #expect(ranged.headers["Content-Length"] == "10")

        let suffix = try await transport.send(HTTPRequest(url: url, headers: ["Range": "bytes=-5"]))
        #expect(suffix.status == 206 && suffix.body == content.suffix(5))

        let unsatisfiable = try await transport.send(HTTPRequest(url: url, headers: ["Range": "bytes=5000-"]))
        #expect(unsatisfiable.status == 416)
        #expect(unsatisfiable.headers["Content-Range"] == "bytes */1000")
        #expect(unsatisfiable.body.isEmpty)

        let head = try await transport.send(HTTPRequest(method: .head, url: url))
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(head.headers["Content-Length"] == "1000")
        #expect(head.headers["Accept-Ranges"] == "bytes" && head.headers["ETag"] != nil)

        let whole = try await transport.send(HTTPRequest(url: url))
        #expect(whole.status == 200 && whole.body == content)
        await server.stop()
    }

    @Test func apiKeySentToStorageIsRefusedThere() async throws {
        let server = try avalaServer()
        server.simulator.host.storage.put(Data("x".utf8), at: "k")
        let url = server.simulator.host.storage.signedURL(for: "k").url
        let response = try await URLSessionTransport().send(
            HTTPRequest(url: url, headers: ["X-Avala-Api-Key": server.simulator.apiKey]))
        #expect(response.status == 400)
        #expect(server.simulator.requestLog.requests(to: server.storageOrigin).last?.carriedCredential == true)
        await server.stop()
    }

    @Test func droppedConnectionFaultClosesWithoutAnswer() async throws {
        let server = try avalaServer()
        server.simulator.injectFault(.dropConnection, on: .api, method: .get, count: 1)
        let client = try await RawHTTPConnection.open(port: server.api.port)
        try await client.send(
            "GET /api/v1/exports/ HTTP/1.1\r\nHost: x\r\nX-Avala-Api-Key: \(server.simulator.apiKey)\r\n\r\n")
        #expect(try await client.readResponse() == nil)
        client.close()
        let again = try await RawHTTPConnection.open(port: server.api.port)
        try await again.send(
            "GET /api/v1/exports/ HTTP/1.1\r\nHost: x\r\nX-Avala-Api-Key: \(server.simulator.apiKey)\r\n\r\n")
        #expect(try await again.readResponse()?.status == 200)
        again.close()
        await server.stop()
    }

    @Test func rateLimitFaultKeepsItsRetryAfterOverLoopback() async throws {
        let server = try pictographServer()
        server.simulator.injectFault(.rateLimited(retryAfterSeconds: 7), on: .api, count: 1)
        let request = HTTPRequest(
            url: server.apiOrigin.appendingPathComponent("api/v1/developer/exports"),
            headers: ["X-API-Key": server.simulator.apiKey])
        let response = try await URLSessionTransport().send(request)
        #expect(response.status == 429 && response.headers["Retry-After"] == "7")
        #expect(try await URLSessionTransport().send(request).status == 200)
        await server.stop()
    }

    /// The whole create, wait, download and listing flow over loopback, every exchange then
    /// replayed in order against an in-process twin: same status, same body, same headers.
    @Test(arguments: ["avala", "pictograph"])
    func loopbackAnswersEqualInProcessAnswers(_ vendor: String) async throws {
        let recorder = RecordingTransport(URLSessionTransport())
        let rig =
            if vendor == "avala" {
                try ParityRig(server: avalaServer(), transport: recorder) {
                    AvalaSimulator(apiBaseURL: $0.apiBaseURL, storageBaseURL: $0.storageBaseURL)
                }
            } else {
                try ParityRig(server: pictographServer(), transport: recorder) {
                    PictographSimulator(apiBaseURL: $0.apiBaseURL, storageBaseURL: $0.storageBaseURL)
                }
            }
        let (gateway, dataset, twinTransport) = (rig.gateway, rig.dataset, rig.twin)
        let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "parity"))
        let ready = try await gateway.wait(for: created, timeout: .seconds(60), pollInterval: .seconds(1))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-parity-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await gateway.download(ready, to: folder.appendingPathComponent("result.zip"))
        _ = try await gateway.exports(pageSize: 2).collect(upTo: 100_000)
        if gateway.capabilities.itemKinds.contains(.item) {
            _ = try await gateway.items(in: dataset).collect(upTo: 100_000)
        }
        _ = try? await gateway.export("00000000-0000-4000-8000-00000000dead")
        await rig.stop()

        let exchanges = recorder.recorded
        #expect(exchanges.count > 6, "the flow made only \(exchanges.count) requests")
        #expect(exchanges.contains { $0.1.status == 206 }, "the download made no ranged request")
        for (request, overLoopback) in exchanges {
            let inProcess = try await twinTransport.send(request)
            let what = "\(request.method) \(request.url.absoluteString)"
            #expect(overLoopback.status == inProcess.status, "\(what)")
            #expect(overLoopback.body == inProcess.body, "\(what): bodies differ")
            for field in inProcess.headers where field.name.lowercased() != "content-length" {
                #expect(overLoopback.headers[field.name] == field.value, "\(what): \(field.name)")
            }
            #expect(overLoopback.headers["Content-Length"] == String(inProcess.body.count), "\(what)")
        }
    }
}

/// A simulator over loopback with a gateway on it, and an in-process twin on the same base
/// URLs seeded the same way, so every exchange can be replayed and compared.
struct ParityRig {
    let gateway: Gateway
    let dataset: DatasetRef
    let twin: SimulatorTransport
    let stop: @Sendable () async -> Void

    init<Simulator: VendorSimulator>(
        server: SimulatorServer<Simulator>, transport: any HTTPTransport, twin makeTwin: (Simulator) -> Simulator
    ) {
        let twin = makeTwin(server.simulator)
        dataset = DatasetRef(rawValue: server.simulator.seedDataset(named: "parity", itemCount: 30))
        twin.seedDataset(named: "parity", itemCount: 30)
        self.twin = twin.transport
        gateway = server.simulator.gateway(
            transport: transport, options: GatewayOptions(pageSize: 7, downloadChunkSize: 4096, clock: VirtualClock()))
        stop = { await server.stop() }
    }
}
