import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// The simulator behind real sockets: what a client meets on the wire, which the in-process
/// transport cannot show (a body that ends when the connection closes).
@Suite("Label Studio simulator: over loopback")
struct LabelStudioLoopbackTests {
    func server(
        _ configure: @escaping (URL, URL) -> LabelStudioSimulator = {
            LabelStudioSimulator(apiBaseURL: $0, storageBaseURL: $1)
        }
    ) throws -> SimulatorServer<LabelStudioSimulator> {
        try SimulatorServer.start { api, storage in configure(api, storage) }
    }

    @Test func closeDelimitedDownloadArrivesWholeThroughURLSession() async throws {
        let server = try server()
        var client = LabelStudioClient(server.simulator)
        client.transport = URLSessionTransport()
        #expect(server.simulator.apiBaseURL == server.apiOrigin)
        let project = server.simulator.seedDataset(named: "Loopback", itemCount: 1_000)
        let export = try await client.createExport(project)
        let id = try #require(export["id"]?.intValue)
        let path = "/api/projects/\(project)/exports/\(id)/download"
        let inProcess = try await LabelStudioClient(server.simulator).send(.get, path).body

        for _ in 0..<2 {
            // Twice over one transport: the closed connection must not be reused.
            let response = try await client.send(.get, path)
            #expect(response.status == 200)
            #expect(response.headers["Content-Length"] == nil, "the body ends with the connection")
            #expect(response.headers["Connection"] == "close")
            #expect(response.body.count > 500_000 && response.body == inProcess)
            #expect(response.headers["Set-Cookie"]?.hasPrefix("sessionid=") == true)
        }
        let ranged = try await client.send(.get, path, headers: ["Range": "bytes=-100"])
        #expect(ranged.status == 206 && ranged.body == inProcess.suffix(100))
        #expect(ranged.headers["Content-Length"] == "100")
        let html = try await client.send(.get, path + "/")
        #expect(LabelStudioClient.isHTMLNotFound(html))
        // Nothing ever goes to the storage origin: the file comes from the API, with its credential.
        #expect(server.simulator.requestLog.requests(to: server.storageOrigin).isEmpty)
        await server.stop()
    }

    @Test func slowCreateIsHeldOnTheWireAndMovesTheSimulatedClock() async throws {
        // A twentieth of a second: the server's pause is real over sockets, so keep it short.
        let server = try server { LabelStudioSimulator(apiBaseURL: $0, storageBaseURL: $1, createDuration: 0.05) }
        var client = LabelStudioClient(server.simulator)
        client.transport = URLSessionTransport()
        let project = server.simulator.seedDataset(named: "Slow over loopback", itemCount: 3)
        let before = server.simulator.host.time.now
        let created = try await client.createExport(project)
        #expect(created["status"] == "completed")
        #expect(server.simulator.host.time.now.timeIntervalSince(before) >= 0.049)
        let id = try #require(created["id"]?.intValue)
        #expect(try await client.send(.get, "/api/projects/\(project)/exports/\(id)/download").status == 200)
        await server.stop()
    }

    /// Seen on 1.23.2: the 204 of a deleted export says `Content-Length: 0` on the wire.
    @Test func deletedExportAnswers204WithContentLengthZeroOnTheWire() async throws {
        let server = try server()
        var client = LabelStudioClient(server.simulator)
        client.transport = URLSessionTransport()
        let project = server.simulator.seedDataset(named: "Delete over loopback", itemCount: 2)
        let id = try #require(try await client.createExport(project)["id"]?.intValue)
        let deleted = try await client.send(.delete, "/api/projects/\(project)/exports/\(id)")
        #expect(deleted.status == 204 && deleted.body.isEmpty)
        #expect(deleted.headers["Content-Length"] == "0")
        await server.stop()
    }

    @Test func refreshedAccessTokenWorksOverTheWire() async throws {
        let server = try server()
        let transport = URLSessionTransport()
        let refresh = HTTPRequest(
            method: .post, url: server.apiOrigin.appendingPathComponent("api/token/refresh/"),
            headers: ["Content-Type": "application/json"],
            body: Data("{\"refresh\": \"\(server.simulator.apiKey)\"}".utf8))
        let answer = try await transport.send(refresh)
        let access = try #require(try JSONValue(parsing: answer.body)["access"]?.stringValue)
        let projects = try await transport.send(
            HTTPRequest(
                url: server.apiOrigin.appendingPathComponent("api/projects/"),
                headers: ["Authorization": "Bearer \(access)"]))
        #expect(projects.status == 200)
        let entry = try #require(server.simulator.requestLog.requests.last)
        #expect(entry.headers["Authorization"] == "Bearer [redacted]")
        await server.stop()
    }
}
