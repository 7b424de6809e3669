import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayTesting

/// What a hostile or broken client gets: a clear refusal or a close, never a crash, and the
/// server goes on serving everyone else.
@Suite("Loopback HTTP server hardening")
struct HardeningTests {
    /// Small limits, so each bound is crossed with few bytes and little waiting (the idle
    /// timeout is the server's own socket timer: the one real wait in this suite). The request
    /// bound is long: it is also how long a new connection waits for its first request, and
    /// the server's threads keep real time while this client's tasks may wait seconds for a
    /// cooperative thread when the whole test run shares two.
    static let limits = LoopbackServerLimits(
        maxHeaderBytes: 1024, maxBodyBytes: 4096, idleTimeout: .milliseconds(150), keepAliveTimeout: .milliseconds(150),
        requestTimeout: .seconds(120))

    static let garbage: [(name: String, bytes: [UInt8], status: Int)] = {
        var generator = SplitMix64(seed: 7)
        let random = (0..<600).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return [
            ("random bytes", random + Array("\r\n\r\n".utf8), 400),
            ("no version", Array("GET /\r\n\r\n".utf8), 400),
            ("HTTP/2 preface", Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8), 400),
            ("two spaces", Array("GET  / HTTP/1.1\r\n\r\n".utf8), 400),
            ("folded header", Array("GET / HTTP/1.1\r\nX-A: 1\r\n continued\r\n\r\n".utf8), 400),
            ("space before colon", Array("GET / HTTP/1.1\r\nHost : x\r\n\r\n".utf8), 400),
            ("control byte in value", Array("GET / HTTP/1.1\r\nX-A: a\u{1}b\r\n\r\n".utf8), 400),
            (
                "length and chunked",
                Array("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".utf8), 400
            ),
            (
                "conflicting lengths",
                Array("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd".utf8), 400
            ),
            ("negative length", Array("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n".utf8), 400),
            ("bad chunk size", Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".utf8), 400),
            ("gzip transfer coding", Array("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n".utf8), 501),
            (
                "oversized head",
                Array(("GET / HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 2000) + "\r\n\r\n").utf8), 431
            ),
            (
                "oversized declared body",
                Array("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n".utf8) + Array(repeating: 97, count: 5000), 413
            ),
            (
                "oversized chunked body",
                Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1001\r\n".utf8)
                    + Array(repeating: 97, count: 4097), 413
            ),
        ]
    }()

    @Test(arguments: garbage.indices)
    func malformedRequestIsRefusedThenClosedAndServerKeepsServing(_ index: Int) async throws {
        let (name, bytes, status) = Self.garbage[index]
        let server = try echoServer(limits: Self.limits)
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send(bytes)
        let response = try #require(try await client.readResponse(), "\(name): closed without an answer")
        #expect(response.status == status, "\(name)")
        #expect(response.header("Connection") == "close", "\(name)")
        #expect(try await client.isClosedByServer(), "\(name): the connection stayed open")
        client.close()
        try await expectServing(server)
        await server.stop()
    }

    @Test func stalledHalfRequestIsTimedOutAndClosed() async throws {
        let server = try echoServer(limits: Self.limits)
        let slowloris = try await RawHTTPConnection.open(port: server.port)
        try await slowloris.send("GET /slow HTTP/1.1\r\nHost: x\r\nX-Part")
        let started = ContinuousClock.now
        let response = try #require(try await slowloris.readResponse())
        #expect(response.status == 408)
        #expect(try await slowloris.isClosedByServer())
        let waited = ContinuousClock.now - started
        // Not before the idle timeout; the upper bound only catches "never" (the suite is busy).
        #expect(waited >= .milliseconds(100) && waited < .seconds(120), "closed after \(waited)")
        slowloris.close()
        try await expectServing(server)
        await server.stop()
    }

    @Test func stalledBodyIsTimedOutAndClosed() async throws {
        let server = try echoServer(limits: Self.limits)
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        #expect(try await client.readResponse()?.status == 408)
        #expect(try await client.isClosedByServer())
        client.close()
        await server.stop()
    }

    @Test func idleKeepAliveConnectionIsClosedSilently() async throws {
        let server = try echoServer(limits: Self.limits)
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse()?.status == 200)
        #expect(try await client.isClosedByServer(), "an idle connection should close with no answer")
        client.close()
        await server.stop()
    }

    @Test func clientVanishingMidRequestDoesNotStopTheServer() async throws {
        let server = try echoServer(limits: Self.limits)
        for _ in 0..<5 {
            let client = try await RawHTTPConnection.open(port: server.port)
            try await client.send("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\npartial")
            client.close()
        }
        try await expectServing(server)
        await server.stop()
    }

    /// A fresh, well-formed request is still answered.
    private func expectServing(_ server: LoopbackHTTPServer) async throws {
        let client = try await RawHTTPConnection.open(port: server.port)
        try await client.send("GET /still-there HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response?.status == 200 && response?.header("X-Echo-URL")?.hasSuffix("/still-there") == true)
        client.close()
    }
}
