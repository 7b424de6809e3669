import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayTesting

/// The faults only a socket can show as they are (a body cut, stalled or trickling, a
/// redirect a real client receives), over loopback: raw bytes where timing and framing
/// matter, URLSession where what a real client makes of them does. Waits are milliseconds.
@Suite("Simulated faults over loopback")
struct FaultsOverLoopbackTests {
    let content = Data((0..<1000).map { UInt8($0 % 251) })

    /// An Avala simulator over loopback with a 1,000-byte object on its storage origin.
    func serverWithFile() throws -> (server: SimulatorServer<AvalaSimulator>, url: URL) {
        let server = try avalaServer()
        server.simulator.host.storage.put(content, at: "results/file.bin")
        return (server, server.simulator.host.storage.signedURL(for: "results/file.bin").url)
    }

    /// Sends a GET for `url` (path and query) on a new raw connection to `port`.
    func rawGet(_ url: URL, port: Int) async throws -> RawHTTPConnection {
        let client = try await RawHTTPConnection.open(port: port)
        try await client.send("GET \(url.path)?\(url.query ?? "") HTTP/1.1\r\nHost: x\r\n\r\n")
        return client
    }

    func code(of error: any Error) -> URLError.Code? { (error as? URLError)?.code }

    @Test func truncatedBodyDeclaresTheWholeBodySendsHalfAndCloses() async throws {
        let (server, url) = try serverWithFile()
        server.simulator.injectFault(.truncatedBody, on: .storage, count: 2)
        let client = try await rawGet(url, port: server.storage.port)
        let head = try #require(try await client.readHead())
        #expect(head.status == 200 && head.header("Content-Length") == "1000")
        #expect(try await client.readToEnd() == Array(content.prefix(500)))
        client.close()
        // What URLSession makes of that wire is what the in-process transport throws.
        let overLoopback = await #expect(throws: URLError.self) {
            try await URLSessionTransport().send(HTTPRequest(url: url))
        }
        let inProcess = SimulatorTransport.truncation(remaining: 500)
        #expect(overLoopback?.code == inProcess.code)
        #expect(overLoopback?.localizedDescription == inProcess.localizedDescription)
        #expect(try await URLSessionTransport().send(HTTPRequest(url: url)).body == content)
        await server.stop()
    }

    @Test func stalledBodyGoesSilentHalfWayThenCloses() async throws {
        let (server, url) = try serverWithFile()
        server.simulator.injectFault(.stalledBody(for: .milliseconds(300)), on: .storage, count: 1)
        // Timed from before the request: the stall cannot end sooner, however late this task runs.
        let started = ContinuousClock.now
        let client = try await rawGet(url, port: server.storage.port)
        let head = try #require(try await client.readHead())
        #expect(head.header("Content-Length") == "1000")
        #expect(try await client.readToEnd() == Array(content.prefix(500)))
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(300) && waited < .seconds(120), "closed after \(waited)")
        client.close()
        await server.stop()
    }

    @Test func stalledBodyTimesOutAClientWithAShorterTimeout() async throws {
        let (server, url) = try serverWithFile()
        // A stall far longer than the client waits: the server lets go when the client does.
        server.simulator.injectFault(.stalledBody(for: .seconds(60)), on: .storage, count: 1)
        await #expect { try await URLSessionTransport(idleTimeout: 0.3).send(HTTPRequest(url: url)) } throws: {
            code(of: $0) == .timedOut
        }
        await server.stop()
    }

    @Test func slowBodyTricklesInPiecesAndArrivesWhole() async throws {
        let (server, url) = try serverWithFile()
        server.simulator.injectFault(
            .slowBody(bytesPerWrite: 250, interval: .milliseconds(60)), on: .storage, count: 2)
        let started = ContinuousClock.now
        let client = try await rawGet(url, port: server.storage.port)
        let response = try #require(try await client.readResponse())
        let waited = ContinuousClock.now - started
        #expect(response.status == 200 && response.body == Array(content))
        // Four pieces, each 60 ms after the one before.
        #expect(waited >= .milliseconds(240) && waited < .seconds(120), "arrived after \(waited)")
        client.close()
        #expect(try await URLSessionTransport().send(HTTPRequest(url: url)).body == content)
        await server.stop()
    }

    @Test func redirectsReachARealClientWithTheirLocations() async throws {
        let server = try avalaServer()
        let simulator = server.simulator
        let exports = HTTPRequest(
            url: URL(string: simulator.apiBaseURL.absoluteString + "/exports/?limit=2")!,
            headers: ["X-Avala-Api-Key": simulator.apiKey])
        simulator.injectFault(.redirectToOtherHost, count: 1)
        simulator.injectFault(.redirectToNonHTTPScheme("ftp"), count: 1)
        simulator.injectFault(.redirectToNonHTTPScheme("file"), count: 1)
        let transport = URLSessionTransport()
        let other = try await transport.send(exports)
        #expect(other.status == 302)
        #expect(other.headers["Location"] == "\(server.storageOrigin.absoluteString)/api/v1/exports/?limit=2")
        let ftp = try await transport.send(exports)
        #expect(ftp.headers["Location"] == "ftp://127.0.0.1:\(server.api.port)/api/v1/exports/?limit=2")
        #expect(try await transport.send(exports).headers["Location"] == "file:///etc/passwd")
        #expect(try await transport.send(exports).status == 200)
        await server.stop()
    }

    @Test func gatewayOverLoopbackFollowsTheHopWithoutTheKey() async throws {
        let server = try avalaServer()
        let simulator = server.simulator
        let dataset = try #require(simulator.datasetUID(for: simulator.seedDataset(named: "hop", itemCount: 1)))
        let gateway = simulator.gateway(transport: URLSessionTransport())
        let created = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
        simulator.injectFault(.redirectToOtherHost, method: .get, count: 1)
        await #expect(throws: GatewayError.self) { try await gateway.export(created.id) }
        let hop = try #require(simulator.requestLog.requests(to: server.storageOrigin).last)
        #expect(!hop.carriedCredential && hop.status == 403)
        await server.stop()
    }
}
