import ExportGateway
import ExportGatewayLabelStudio
import ExportGatewayTesting
import Foundation
import Testing

/// The personal access token exchanged for short-lived access tokens, against the simulator.
@Suite struct LabelStudioTokenTests {
    @Test func thePersonalAccessTokenIsExchangedOnceAndTheAccessTokenSentAsBearer() async throws {
        let ls = LabelStudio()
        let gateway = ls.gateway()
        let project = ls.project(items: 12)
        let created = try await gateway.createExport(ExportRequest(source: .dataset(project)))
        let ready = try await gateway.wait(for: created, timeout: .seconds(60))
        _ = try await gateway.exports().collect(upTo: 100)
        _ = try await gateway.items(in: project).collect(upTo: 100)
        try await gateway.download(ready, to: LabelStudio.temporaryFile())

        #expect(ls.exchanges.count == 1)
        let exchange = try #require(ls.exchanges.first)
        #expect(exchange.headers["Authorization"] == nil, "the exchange is sent without credential")
        #expect(String(decoding: exchange.body, as: UTF8.self).contains("\"refresh\""))
        let others = ls.requests.filter { SimulatedRequest.rawPath(of: $0.url) != "/api/token/refresh/" }
        #expect(others.count > 5)
        #expect(others.allSatisfy { $0.headers["Authorization"]?.hasPrefix("Bearer ") == true })
        #expect(others.allSatisfy { [200, 201, 206].contains($0.status ?? 0) })
    }

    @Test func aTokenIsRenewedBeforeItExpiresWithoutARefusal() async throws {
        let ls = LabelStudio(accessTokenLifetime: 5)
        let gateway = ls.gateway()
        let ready = try await ls.completedExport(with: gateway)
        let before = ls.exchanges.count
        // Both clocks move on past the token's five seconds: the gateway renews on its own.
        ls.simulator.advanceTime(by: 10)
        ls.clock.advance(by: .seconds(10))
        _ = try await gateway.export(ready.id)
        #expect(ls.exchanges.count == before + 1)
        #expect(!ls.requests.contains { $0.status == 401 })
    }

    @Test func aTokenTheServerRefusesIsExchangedExactlyOnceMore() async throws {
        let ls = LabelStudio(accessTokenLifetime: 5)
        let gateway = ls.gateway()
        let ready = try await ls.completedExport(with: gateway)
        let before = ls.exchanges.count
        // Only the server's clock moves: the gateway's token still looks fresh, the server
        // refuses it, and one more exchange mends it.
        ls.simulator.advanceTime(by: 10)
        let read = try await gateway.export(ready.id)
        #expect(read.id == ready.id)
        #expect(ls.exchanges.count == before + 1)
        let reads = ls.requests(.get, under: "/api/projects/").suffix(2)
        #expect(reads.map(\.status) == [401, 200])
    }

    @Test func aRevokedPersonalAccessTokenEndsAfterOneMoreExchange() async throws {
        let ls = LabelStudio(accessTokenLifetime: 5)
        let gateway = ls.gateway()
        let ready = try await ls.completedExport(with: gateway)
        let client = LabelStudioClient(ls.simulator)
        let revoked = try await client.send(
            .post, "/api/token/blacklist/", credential: .none, json: ["refresh": .string(ls.simulator.apiKey)])
        #expect(revoked.status == 204)
        ls.simulator.advanceTime(by: 10)
        let before = ls.exchanges.count
        let error = try await #require(throws: GatewayError.self) { try await gateway.export(ready.id) }
        #expect(error.kind == .authentication && error.requestLine == "POST /api/token/refresh/")
        #expect(ls.exchanges.count == before + 1)
        #expect(!"\(error)".contains(ls.simulator.apiKey))
    }

    @Test func anExpiredPersonalAccessTokenFailsBeforeAnyRequest() async throws {
        let ls = LabelStudio()
        let expired = LabelStudioTokens.refresh(exp: 1_000_000_000)
        let error = try await #require(throws: GatewayError.self) {
            try await ls.gateway(key: expired).exports().collect(upTo: 10)
        }
        #expect(error.kind == .authentication && error.provider == .labelStudio && error.operation == .exportsPage)
        #expect(error.message.contains("expired"))
        #expect(error.requestLine == nil, "no request was sent")
        #expect(ls.requests.isEmpty)
    }

    @Test func aLegacyTokenIsSentAsTokenWithoutExchange() async throws {
        let ls = LabelStudio(legacyTokensEnabled: true)
        let gateway = ls.gateway(key: ls.simulator.legacyAPIKey)
        _ = try await ls.completedExport(with: gateway)
        #expect(ls.exchanges.isEmpty)
        #expect(ls.requests.allSatisfy { $0.headers["Authorization"]?.hasPrefix("Token ") == true })

        ls.simulator.legacyTokensEnabled = false
        let error = try await #require(throws: GatewayError.self) { try await gateway.exports().collect(upTo: 10) }
        #expect(
            error.kind == .authentication && error.message.contains("legacy token authentication has been disabled"))
        #expect(!"\(error)".contains(ls.simulator.legacyAPIKey))
    }

    @Test func concurrentRequestsAfterExpiryShareOneExchange() async throws {
        let ls = LabelStudio(accessTokenLifetime: 5)
        let gateway = ls.gateway()
        let ready = try await ls.completedExport(with: gateway)
        ls.simulator.advanceTime(by: 10)
        ls.clock.advance(by: .seconds(10))
        let before = ls.exchanges.count
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { _ = try await gateway.export(ready.id) } }
            try await group.waitForAll()
        }
        #expect(ls.exchanges.count == before + 1)
    }
}
