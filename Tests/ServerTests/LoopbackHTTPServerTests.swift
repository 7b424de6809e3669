import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A server whose handler echoes what it received: method, path and query, body, and the
/// fields it was given, so tests see exactly what the parser made of the bytes.
func echoServer(limits: LoopbackServerLimits = LoopbackServerLimits()) throws -> LoopbackHTTPServer {
    let server = try LoopbackHTTPServer(port: 0, limits: limits)
    server.start { request in
        var headers: HTTPHeaders = ["X-Echo-Method": request.method.rawValue, "X-Echo-URL": request.url.absoluteString]
        headers["X-Echo-Fields"] = request.headers.map { $0.name.lowercased() }.joined(separator: ",")
        return HTTPResponse(status: 200, headers: headers, body: request.body ?? Data())
    }
    return server
}

@Suite("Loopback HTTP server")
struct LoopbackHTTPServerTests {
    @Test func startsOnAnyFreePortAndAnswersURLSession() async throws {
        let server = try echoServer()
        #expect(server.port > 0)
        #expect(server.origin.absoluteString == "http://127.0.0.1:\(server.port)")
        let response = try await URLSessionTransport().send(
            HTTPRequest(
                method: .post, url: server.origin.appendingPathComponent("hello"), body: Data("payload".utf8)))
        await server.stop()
        #expect(response.status == 200)
        #expect(response.bodyText == "payload")
        #expect(response.headers["X-Echo-URL"] == "\(server.origin.absoluteString)/hello")
        #expect(response.headers["Content-Length"] == "7")
        #expect(response.headers["Content-Type"] == "application/octet-stream")
        let date = try #require(response.headers["Date"])
        #expect(date.hasSuffix(" GMT") && date.count == 29, "Date is not an IMF-fixdate: \(date)")
    }

    @Test func portAlreadyTakenIsAClearError() async throws {
        let first = try echoServer()
        #expect {
            _ = try LoopbackHTTPServer(port: first.port)
        } throws: { error in
            "\(error)".contains("127.0.0.1:\(first.port)") && "\(error)".contains("in use")
        }
        await first.stop()
    }

    @Test func keepsOneConnectionAliveForSeveralAndPipelinedRequests() async throws {
        let server = try echoServer()
        let client = try await RawHTTPConnection.open(port: server.port)
        for index in 0..<3 {
            try await client.send("GET /item/\(index)?q=\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try #require(try await client.readResponse())
            #expect(response.status == 200)
            #expect(response.header("Connection") == "keep-alive")
            #expect(response.header("X-Echo-URL") == "\(server.origin.absoluteString)/item/\(index)?q=\(index)")
        }
        // Two requests in one write: both answered, in order, on the same connection.
        try await client.send(
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
        let first = try #require(try await client.readResponse())
        let second = try #require(try await client.readResponse())
        #expect(first.header("X-Echo-URL")?.hasSuffix("/a") == true)
        #expect(second.header("X-Echo-Method") == "POST" && second.text == "hi")
        try await client.send("GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let last = try #require(try await client.readResponse())
        #expect(last.header("Connection") == "close")
        #expect(try await client.isClosedByServer())
        client.close()
        await server.stop()
    }

    @Test func http10ClosesUnlessAskedToKeepAlive() async throws {
        let server = try echoServer()
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send("GET / HTTP/1.0\r\n\r\n")
        #expect(try await client.readResponse()?.header("Connection") == "close")
        #expect(try await client.isClosedByServer())
        client.close()
        await server.stop()
    }

    @Test func decodesChunkedBodiesAndHidesFramingFromTheHandler() async throws {
        let server = try echoServer()
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send(
            "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-Custom: kept\r\n\r\n"
                + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: dropped\r\n\r\n")
        let response = try #require(try await client.readResponse())
        #expect(response.status == 200)
        #expect(response.text == "hello, world")
        let fields = response.header("X-Echo-Fields") ?? ""
        #expect(fields == "host,x-custom", "the handler saw \(fields)")
        client.close()
        await server.stop()
    }

    @Test func answersExpectContinueBeforeTheBody() async throws {
        let server = try echoServer()
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send("PUT /file HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        // readResponse skips the interim 100; it can only get there if the server sent it
        // before waiting for the body, which we send only now.
        try await client.send("data")
        let response = try #require(try await client.readResponse())
        #expect(response.text == "data")
        client.close()
        await server.stop()
    }

    @Test func headKeepsTheLengthAndSendsNoBody() async throws {
        let server = try LoopbackHTTPServer(port: 0)
        server.start { _ in .text(200, "twelve bytes") }
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send("HEAD /thing HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try #require(try await client.readResponse(toHead: true))
        #expect(head.status == 200 && head.header("Content-Length") == "12" && head.body.isEmpty)
        // Had any body byte followed the HEAD answer, this GET's answer would not parse.
        try await client.send("GET /thing HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse()?.text == "twelve bytes")
        client.close()
        await server.stop()
    }

    @Test func targetWithBracketsKeepsItsOwnEscapes() async throws {
        let server = try echoServer()
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send("GET /export?ids[]=%203&title=a%20b|c HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try #require(try await client.readResponse())
        let echoed = try #require(response.header("X-Echo-URL"))
        let url = try #require(URL(string: echoed))
        let query = try #require(URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems)
        #expect(query == [URLQueryItem(name: "ids[]", value: " 3"), URLQueryItem(name: "title", value: "a b|c")])
        client.close()
        await server.stop()
    }

    @Test func noContentHasNoLengthUnlessTheHandlerDeclaresZero() async throws {
        let server = try LoopbackHTTPServer(port: 0)
        server.start { request in
            request.url.path == "/declared"
                ? HTTPResponse(status: 204, headers: ["Content-Length": "0"]) : HTTPResponse(status: 204)
        }
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send("DELETE /plain HTTP/1.1\r\nHost: x\r\n\r\n")
        let plain = try #require(try await client.readResponse())
        #expect(plain.status == 204 && plain.header("Content-Length") == nil)
        try await client.send("DELETE /declared HTTP/1.1\r\nHost: x\r\n\r\n")
        let declared = try #require(try await client.readResponse())
        #expect(declared.status == 204 && declared.header("Content-Length") == "0" && declared.body.isEmpty)
        client.close()
        await server.stop()
    }

    @Test func handlerThatThrowsClosesTheConnectionUnanswered() async throws {
        let server = try LoopbackHTTPServer(port: 0)
        server.start { _ in throw URLError(.networkConnectionLost) }
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse() == nil)
        client.close()
        await server.stop()
    }

    @Test func stopClosesTheListenerAndIdleConnections() async throws {
        let server = try echoServer()
        let idle = try await RawHTTPConnection.open(port: server.port)
        try await idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await idle.readResponse()
        #expect(server.openConnectionCount == 1)
        await server.stop()
        #expect(server.openConnectionCount == 0)
        #expect(try await idle.isClosedByServer())
        idle.close()
        await #expect(throws: (any Error).self) { _ = try await RawHTTPConnection.open(port: server.port) }
    }
}
