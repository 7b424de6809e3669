import ExportGateway
import ExportGatewayAvala
import ExportGatewayTesting
import Foundation
import Testing

/// A key the adapter exchanges for a short-lived token: exchanged once per gateway and
/// shared, renewed on the gateway's clock before it expires, exchanged once more after a 401,
/// and never in an error, an event or a URL.
@Suite struct TokenExchangeTests {
    @Test func theKeyIsExchangedOnceAndTheTokenIsTheCredential() async throws {
        let setup = ExchangingSetup()
        setup.answerExchanges()
        let gateway = setup.gateway()
        let ready = try await setup.completedExport(with: gateway)
        _ = try await gateway.export(ready.id)
        _ = try await gateway.exports().collect(upTo: 100)

        #expect(setup.exchanges.count == 1)
        let exchange = try #require(setup.exchanges.first)
        #expect(!exchange.carriedCredential, "the exchange carries the refresh key in its body, no credential")
        #expect(!exchange.headers.contains("X-Avala-Api-Key") && !exchange.headers.contains("Authorization"))
        #expect(String(decoding: exchange.body, as: UTF8.self).contains(setup.refreshKey))
        let others = setup.simulator.requestLog.requests(to: setup.simulator.apiBaseURL).filter {
            SimulatedRequest.rawPath(of: $0.url) != ExchangingAvala.tokenPath
        }
        #expect(others.count >= 4)
        #expect(others.allSatisfy { $0.carriedCredential && $0.status.map { $0 < 300 } == true })
        #expect(others.allSatisfy { entry in !entry.headers.contains { $0.value.contains(setup.refreshKey) } })
    }

    @Test func aKeyTheAdapterDoesNotExchangeIsSentAsItIs() async throws {
        let setup = ExchangingSetup()
        let gateway = Gateway(
            provider: ExchangingAvala(), apiKey: APIKey(setup.simulator.apiKey), baseURL: setup.simulator.apiBaseURL,
            transport: setup.simulator.transport, options: GatewayOptions(clock: setup.clock))
        _ = try await setup.completedExport(with: gateway)
        #expect(setup.exchanges.isEmpty)
    }

    @Test func theTokenIsRenewedBeforeItExpiresOnTheGatewaysClock() async throws {
        let setup = ExchangingSetup()
        setup.answerExchanges(lifetime: 300)
        let gateway = setup.gateway()
        let ready = try await setup.completedExport(with: gateway)
        let sleptBefore = setup.clock.now
        #expect(setup.exchanges.count == 1)

        // Renewed 30 s (a tenth of 300 s) before expiry, by the clock the gateway was given.
        setup.clock.advance(by: .seconds(269) - sleptBefore)
        _ = try await gateway.export(ready.id)
        #expect(setup.exchanges.count == 1, "still fresh at 269 s")
        setup.clock.advance(by: .seconds(2))
        _ = try await gateway.export(ready.id)
        _ = try await gateway.export(ready.id)
        #expect(setup.exchanges.count == 2, "renewed once at 271 s")
    }

    @Test func aShortLifetimeRenewsAtNinetyPercent() async throws {
        let setup = ExchangingSetup()
        setup.answerExchanges(lifetime: 10)
        let gateway = setup.gateway()
        _ = try await gateway.exports().collect(upTo: 100)
        setup.clock.advance(by: .milliseconds(8_900))
        _ = try await gateway.exports().collect(upTo: 100)
        #expect(setup.exchanges.count == 1)
        setup.clock.advance(by: .milliseconds(200))
        _ = try await gateway.exports().collect(upTo: 100)
        #expect(setup.exchanges.count == 2)
    }

    @Test func aRefusedTokenIsExchangedOnceMoreAndTheRequestSentAgain() async throws {
        let setup = ExchangingSetup()
        setup.answerExchanges()
        let gateway = setup.gateway()
        let ready = try await setup.completedExport(with: gateway)
        setup.simulator.injectFault(.unauthorized, method: .get, count: 1)
        let read = try await gateway.export(ready.id)
        #expect(read.id == ready.id)
        #expect(setup.exchanges.count == 2, "one exchange more after the 401")
    }

    @Test func aSecondRefusalIsAnAuthenticationErrorAfterExactlyOneMoreExchange() async throws {
        let setup = ExchangingSetup()
        setup.answerExchanges()
        let gateway = setup.gateway()
        let ready = try await setup.completedExport(with: gateway)
        setup.simulator.injectFault(.unauthorized, method: .get, count: 2)
        let error = try await #require(throws: GatewayError.self) { try await gateway.export(ready.id) }
        #expect(error.kind == .authentication && error.operation == .export)
        #expect(setup.exchanges.count == 2)
        #expect(!"\(error)".contains(setup.refreshKey) && !"\(error)".contains(setup.simulator.apiKey))
    }

    @Test func aRefusedCreateIsSentOnceMoreWithTheNewToken() async throws {
        let setup = ExchangingSetup()
        setup.answerExchanges()
        let gateway = setup.gateway()
        let dataset = setup.simulator.seedDataset(named: "refused-create", itemCount: 3)
        _ = try await gateway.exports().collect(upTo: 10)
        setup.simulator.injectFault(.unauthorized, method: .post, pathPrefix: "/api/v1/exports/", count: 1)
        _ = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
        let creates = setup.simulator.requestLog.requests.filter {
            $0.method == .post && SimulatedRequest.rawPath(of: $0.url) == "/api/v1/exports/"
        }
        #expect(creates.count == 2 && creates.first?.status == 401 && creates.last?.status.map { $0 < 300 } == true)
        #expect(try await gateway.exports().collect(upTo: 10).count == 1)
    }

    @Test func concurrentRequestsShareOneExchange() async throws {
        let setup = ExchangingSetup()
        setup.answerExchanges()
        let gateway = setup.gateway()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask { _ = try await gateway.exports().collect(upTo: 100) }
            }
            try await group.waitForAll()
        }
        #expect(setup.exchanges.count == 1)
        #expect(setup.simulator.requestLog.requests.count == 13)
    }

    @Test func requestsRefusedTogetherShareOneMoreExchange() async throws {
        let setup = ExchangingSetup()
        setup.answerExchanges()
        // Six lists go out together with the same token and are all refused.
        let barrier = Barrier(setup.simulator.transport, holding: 6) { $0.method == .get }
        let gateway = setup.gateway(transport: barrier)
        _ = try await gateway.exports().collect(upTo: 100)
        setup.simulator.requestLog.removeAll()
        barrier.arm()
        setup.simulator.injectFault(.unauthorized, method: .get, count: 6)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 {
                group.addTask { try await gateway.exports().collect(upTo: 100).count }
            }
            try await group.waitForAll()
        }
        #expect(setup.exchanges.count == 1, "one more exchange for six refusals of one token")
        let lists = setup.simulator.requestLog.requests.filter { $0.method == .get }
        #expect(lists.map(\.status).filter { $0 == 401 }.count == 6 && lists.count == 12)
    }

    @Test func aFailedExchangeIsNotKeptAndNamesItsRequest() async throws {
        let setup = ExchangingSetup()
        setup.simulator.injectAnswer(
            .json(401, ["detail": .string("Token \(setup.refreshKey) is invalid")]), method: .post,
            pathPrefix: ExchangingAvala.tokenPath, count: 1)
        let gateway = setup.gateway()
        let error = try await #require(throws: GatewayError.self) { try await gateway.export("e1") }
        #expect(error.kind == .authentication)
        #expect(
            error.requestLine == "POST /api/v1/token/" && error.operation == .export && error.resource == .export("e1"))
        #expect(!"\(error)".contains(setup.refreshKey), "\(error)")
        #expect(setup.exchanges.count == 1, "a refused exchange is not exchanged again")

        setup.answerExchanges()
        _ = try await gateway.exports().collect(upTo: 10)
        #expect(setup.exchanges.count == 2, "the next call tries again")
    }

    @Test func anExchangeThatAsksForACredentialFailsInsteadOfWaitingForItself() async throws {
        let setup = ExchangingSetup()
        setup.answerExchanges()
        let gateway = Gateway(
            provider: ExchangingAvala(authenticatesExchange: true), apiKey: APIKey(setup.refreshKey),
            baseURL: setup.simulator.apiBaseURL, transport: setup.simulator.transport,
            options: GatewayOptions(clock: setup.clock))
        let error = try await #require(throws: GatewayError.self) { try await gateway.export("e1") }
        #expect(error.kind == .configuration && error.message.contains("authenticated: false"))
        #expect(setup.simulator.requestLog.requests.isEmpty)
    }

    @Test func neitherKeyNorTokenAppearsInErrorsOrEvents() async throws {
        let setup = ExchangingSetup()
        setup.answerExchanges()
        let gateway = setup.gateway()
        let ready = try await setup.completedExport(with: gateway)
        let token = setup.simulator.apiKey
        setup.simulator.injectAnswer(
            .json(404, ["detail": .string("No export for token \(token) (refresh \(setup.refreshKey))")]), method: .get,
            count: 1)
        let error = try await #require(throws: GatewayError.self) { try await gateway.export(ready.id) }
        #expect(error.kind == .notFound)
        #expect(error.message.contains("[redacted]"))
        let texts = ["\(error)", String(reflecting: error)] + setup.events.all.map(\.description)
        #expect(texts.allSatisfy { !$0.contains(token) && !$0.contains(setup.refreshKey) })
    }

    @Test func aTokenNeverPrints() {
        let token = AccessToken("s3cr3t-token", expiresAt: Date(), issuedAt: Date())
        #expect("\(token)" == "[redacted]")
        #expect(String(reflecting: token) == "AccessToken([redacted])")
        var dumped = ""
        dump(token, to: &dumped)
        #expect(!dumped.contains("s3cr3t"))
        #expect(!"\(KeyExchangeRequest(key: APIKey("k3y-s3cr3t")))".contains("s3cr3t"))
    }
}
