import ExportGateway
import ExportGatewayAvala
import ExportGatewayTesting
import Foundation
import Synchronization

/// Avala's adapter whose key is a refresh key: a key starting `refresh-` is exchanged at
/// `POST /api/v1/token/` (answered by injected answers) for an access token, which is sent
/// where Avala's key goes. The simulator's own key serves as that token, so the core's token
/// machinery runs against a real adapter and simulator; any other key is sent as it is.
struct ExchangingAvala: ExportProvider {
    static let descriptor = ProviderDescriptor(
        id: "exchanging-avala", displayName: "Exchanging Avala",
        defaultBaseURL: AvalaProvider.descriptor.defaultBaseURL,
        apiKeyEnvironmentVariable: "EXCHANGING_AVALA_API_KEY", baseURLEnvironmentVariable: "EXCHANGING_AVALA_BASE_URL",
        makeProvider: { ExchangingAvala() })

    /// The token's `iat`: lifetimes are read against it, never against this machine's clock.
    static let issuedAt = Date(timeIntervalSince1970: 1_700_000_000)
    static let tokenPath = "/api/v1/token/"

    private let avala = AvalaProvider()
    /// Whether the exchange is (wrongly) sent with a credential.
    var authenticatesExchange = false

    var capabilities: ProviderCapabilities { avala.capabilities }

    func authenticate(_ request: inout HTTPRequest, key: APIKey) { avala.authenticate(&request, key: key) }

    func authenticate(_ request: inout HTTPRequest, token: AccessToken) {
        avala.authenticate(&request, key: APIKey(token.secret))
    }

    func exchangeKey(_ request: KeyExchangeRequest, api: VendorAPI) async throws -> AccessToken? {
        guard request.key.secret.hasPrefix("refresh-") else { return nil }
        let response = try await api.send(
            api.request(.post, api.path("token", endsWithSlash: true), json: ["refresh": .string(request.key.secret)]),
            retry: .idempotent, authenticated: authenticatesExchange)
        let answer = WireValue(answer: try api.json(from: response))
        let lifetime = try answer.optional("lifetime")?.integer()
        return AccessToken(
            try answer.required("access").string(),
            expiresAt: lifetime.map { Self.issuedAt.addingTimeInterval(TimeInterval($0)) }, issuedAt: Self.issuedAt)
    }

    func error(from response: HTTPResponse) -> GatewayError? { avala.error(from: response) }

    func createExport(_ request: ExportRequest, api: VendorAPI) async throws -> Export {
        try await avala.createExport(request, api: api)
    }

    func export(_ request: ExportReadRequest, api: VendorAPI) async throws -> Export {
        try await avala.export(request, api: api)
    }

    func exportsPage(_ request: ExportsPageRequest, api: VendorAPI) async throws -> Page<Export> {
        try await avala.exportsPage(request, api: api)
    }
}

/// An Avala simulator behind ``ExchangingAvala``, with a virtual clock and a log of events.
struct ExchangingSetup {
    let simulator = AvalaSimulator()
    let clock = VirtualClock()
    let events = EventLog()
    let refreshKey = "refresh-\(UUID().uuidString.lowercased())"

    /// Exchanges answer with the simulator's key as the token, good for `lifetime` seconds.
    func answerExchanges(count: Int = 50, lifetime: Int = 300) {
        simulator.injectAnswer(
            .json(200, ["access": .string(simulator.apiKey), "lifetime": .int(Int64(lifetime))]), method: .post,
            pathPrefix: ExchangingAvala.tokenPath, count: count)
    }

    func gateway(
        transport: (any HTTPTransport)? = nil, downloadChunkSize: Int = 8 << 20,
        downloadConcurrency: Int = GatewayOptions().downloadConcurrency
    ) -> Gateway {
        let events = self.events
        return Gateway(
            provider: ExchangingAvala(), apiKey: APIKey(refreshKey), baseURL: simulator.apiBaseURL,
            transport: transport ?? simulator.transport,
            options: GatewayOptions(
                downloadChunkSize: downloadChunkSize, clock: clock,
                eventHandler: events.record, downloadConcurrency: downloadConcurrency))
    }

    /// The exchanges the simulator received.
    var exchanges: [RequestLog.Entry] {
        simulator.requestLog.requests.filter {
            $0.method == .post && SimulatedRequest.rawPath(of: $0.url) == ExchangingAvala.tokenPath
        }
    }

    /// A dataset of `items` items with one completed export.
    func completedExport(items: Int = 8, with gateway: Gateway) async throws -> Export {
        let dataset = simulator.seedDataset(
            named: "tokens-\(UUID().uuidString.prefix(8).lowercased())", itemCount: items)
        simulator.scriptNextExport(.completes(afterPolls: 0))
        let created = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
        return try await gateway.wait(for: created, timeout: .seconds(60))
    }
}

/// Once armed, holds the next `count` requests that match until all of them have arrived,
/// then lets them through together: requests that race, made to race.
final class Barrier: HTTPTransport {
    private let inner: any HTTPTransport
    private let count: Int
    private let matches: @Sendable (HTTPRequest) -> Bool
    private let state: Mutex<(arrived: Int, waiting: [CheckedContinuation<Void, Never>])>

    init(_ inner: any HTTPTransport, holding count: Int, matches: @escaping @Sendable (HTTPRequest) -> Bool) {
        self.inner = inner
        self.count = count
        self.matches = matches
        state = Mutex((count, []))
    }

    /// Holds the next `count` matching requests.
    func arm() { state.withLock { $0 = (0, []) } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        if matches(request) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let released: [CheckedContinuation<Void, Never>] = state.withLock { state in
                    guard state.arrived < count else { return [continuation] }
                    state.arrived += 1
                    state.waiting.append(continuation)
                    guard state.arrived == count else { return [] }
                    let all = state.waiting
                    state.waiting = []
                    return all
                }
                released.forEach { $0.resume() }
            }
        }
        return try await inner.send(request)
    }
}

/// The events a gateway reported, in order.
final class EventLog: Sendable {
    private let events = Mutex<[GatewayEvent]>([])

    /// Every event so far.
    var all: [GatewayEvent] { events.withLock { $0 } }

    /// Keeps `event`: an `eventHandler`.
    @Sendable func record(_ event: GatewayEvent) { events.withLock { $0.append(event) } }
}
