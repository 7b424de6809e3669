import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayTesting

/// The bound on the request bodies all connections hold together: a body that would pass it
/// is refused with 503 and `Retry-After` before it is kept, and what others hold comes back
/// once they are answered.
@Suite("Loopback HTTP server body budget")
struct BodyBudgetTests {
    /// 1,000 bytes a body, 1,500 for all bodies at once: two large bodies cannot be held together.
    static let limits = LoopbackServerLimits(
        maxHeaderBytes: 1024, maxBodyBytes: 1000, maxTotalBodyBytes: 1500, idleTimeout: .seconds(120),
        keepAliveTimeout: .seconds(120), requestTimeout: .seconds(240))

    static func post(_ path: String, length: Int, expectContinue: Bool = false) -> String {
        "POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: \(length)\r\n"
            + (expectContinue ? "Expect: 100-continue\r\n" : "") + "\r\n"
    }

    static func bytes(_ count: Int) -> String { String(repeating: "b", count: count) }

    @Test func bodiesPastTheTotalAreRefusedWithRetryAfterUntilOthersAreAnswered() async throws {
        let server = try echoServer(limits: Self.limits)
        // A declares 1,000 bytes and waits for 100 Continue: by then the server has set them aside.
        let holder = try await RawHTTPConnection.open(port: server.port)
        try await holder.send(Self.post("/holder", length: 1000, expectContinue: true))
        #expect(try await holder.readResponse(interim: true)?.status == 100)
        #expect(server.bodyBudget.heldBytes == 1000)

        // 800 more declared bytes would pass 1,500: refused, and the connection closed.
        let declared = try await RawHTTPConnection.open(port: server.port)
        try await declared.send(Self.post("/declared", length: 800) + Self.bytes(800))
        let refused = try #require(try await declared.readResponse())
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1" && refused.header("Connection") == "close")
        #expect(try await declared.isClosedByServer())
        declared.close()

        // A chunked body is refused once it grows past the total.
        let chunked = try await RawHTTPConnection.open(port: server.port)
        try await chunked.send(
            "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" + Self.bytes(600) + "\r\n")
        let refusedChunks = try #require(try await chunked.readResponse())
        #expect(refusedChunks.status == 503 && refusedChunks.header("Retry-After") == "1")
        chunked.close()
        #expect(server.bodyBudget.heldBytes == 1000, "a refused body kept part of the budget")

        // A body that fits beside the held one is served.
        let small = try await RawHTTPConnection.open(port: server.port)
        try await small.send(Self.post("/small", length: 400) + Self.bytes(400))
        #expect(try await small.readResponse()?.body.count == 400)
        small.close()

        // Once the holder's request is answered, its bytes are free for the next large body.
        try await holder.send(Self.bytes(1000))
        #expect(try await holder.readResponse()?.body.count == 1000)
        try await holder.send(Self.post("/again", length: 800) + Self.bytes(800))
        let again = try #require(try await holder.readResponse())
        #expect(again.status == 200 && again.body.count == 800)
        holder.close()
        await server.stop()
        #expect(server.bodyBudget.heldBytes == 0)
    }
}
