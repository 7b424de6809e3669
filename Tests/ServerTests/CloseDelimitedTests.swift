import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayTesting

/// Answers whose body ends with the connection (a handler's `Connection: close`), as a WSGI
/// server streams a file, and answers a handler holds back before sending.
@Suite("Loopback close-delimited and held answers")
struct CloseDelimitedTests {
    /// 300 KB, larger than one socket write, so the client reads several times before the close.
    static let file = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })

    func streamingServer() throws -> LoopbackHTTPServer {
        let server = try LoopbackHTTPServer(port: 0)
        server.start { request in
            guard request.url.path == "/file" else { return .text(200, "framed") }
            return HTTPResponse(
                status: 200, headers: ["Content-Type": "application/json", "Connection": "close"], body: Self.file)
        }
        return server
    }

    @Test func bodyGoesWithoutALengthAndEndsWithTheConnection() async throws {
        let server = try streamingServer()
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send("GET /file HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try #require(try await client.readHead())
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == nil && head.header("Transfer-Encoding") == nil)
        #expect(head.header("Connection") == "close")
        #expect(try await client.readToEnd() == Array(Self.file))
        client.close()
        await server.stop()
    }

    @Test func headOfAClosedDelimitedAnswerHasNoLengthEither() async throws {
        let server = try streamingServer()
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send("HEAD /file HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try #require(try await client.readHead())
        #expect(head.status == 200 && head.header("Content-Length") == nil)
        #expect(try await client.readToEnd().isEmpty)
        client.close()
        await server.stop()
    }

    @Test func otherAnswersOnTheSameServerStayFramedAndKeptAlive() async throws {
        let server = try streamingServer()
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send("GET /other HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try #require(try await client.readResponse())
        #expect(response.header("Content-Length") == "6" && response.header("Connection") == "keep-alive")
        client.close()
        await server.stop()
    }

    @Test func urlSessionReadsTheWholeClosedDelimitedBody() async throws {
        let server = try streamingServer()
        let transport = URLSessionTransport()
        for _ in 0..<2 {
            // Twice: the second request must not reuse the connection the first one closed.
            let response = try await transport.send(HTTPRequest(url: server.origin.appendingPathComponent("file")))
            #expect(response.status == 200 && response.body == Self.file)
            #expect(response.headers["Content-Length"] == nil)
        }
        await server.stop()
    }

    @Test func heldAnswerArrivesWholeAfterItsPause() async throws {
        let server = try LoopbackHTTPServer(port: 0)
        server.startDelivering { _ in (.text(201, "made"), .held(for: .milliseconds(50))) }
        let started = ContinuousClock.now
        let response = try await URLSessionTransport().send(HTTPRequest(url: server.origin))
        #expect(ContinuousClock.now - started >= .milliseconds(50))
        #expect(response.status == 201 && response.bodyText == "made")
        await server.stop()
    }

    @Test func heldDeliveryTakesItsPauseInProcess() {
        #expect(ResponseDelivery.held(for: .seconds(7)).duration(bodyBytes: 10) == .seconds(7))
    }
}
