import ExportGateway
import ExportGatewayTesting
import Foundation
import Synchronization
import Testing

/// Forwards to another transport and keeps every exchange, so tests can read the headers
/// the server answered with and the exact, unredacted bodies sent (the simulator's log keeps
/// request bodies with keys redacted, but no responses).
final class Recorder: HTTPTransport {
    struct Exchange: Sendable {
        var request: HTTPRequest
        /// `nil` when the transport threw (a dropped connection or a lost answer).
        var response: HTTPResponse?
    }

    private let inner: any HTTPTransport
    private let log = Mutex<[Exchange]>([])

    init(_ inner: any HTTPTransport) { self.inner = inner }

    var exchanges: [Exchange] { log.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        do {
            let response = try await inner.send(request)
            log.withLock { $0.append(Exchange(request: request, response: response)) }
            return response
        } catch {
            log.withLock { $0.append(Exchange(request: request, response: nil)) }
            throw error
        }
    }
}

/// A fresh Pictograph simulator plus a virtual clock, and gateways over them: waits and
/// retries run instantly, and every request the adapter sends lands in the simulator's log
/// (and, with its body and answer, in ``Recorder``).
struct Pictograph {
    let simulator: PictographSimulator
    let recorder: Recorder
    let clock = VirtualClock()

    init(pollsToComplete: Int = 3) {
        simulator = PictographSimulator(pollsToComplete: pollsToComplete)
        recorder = Recorder(simulator.transport)
    }

    /// A gateway with the simulator's owner key unless `key` says otherwise.
    func gateway(key: String? = nil, retryPolicy: RetryPolicy = .standard, pageSize: Int = 100) -> Gateway {
        simulator.gateway(
            apiKey: key, transport: recorder,
            options: GatewayOptions(
                pageSize: pageSize, pollInterval: .seconds(2), maxPollInterval: .seconds(10), retryPolicy: retryPolicy,
                clock: clock))
    }

    /// Seeds a dataset; its name is the reference.
    func dataset(_ name: String, items: Int = 4) -> DatasetRef {
        DatasetRef(rawValue: simulator.seedDataset(named: name, itemCount: items))
    }

    /// Every request the simulator received so far (API and storage).
    var requestCount: Int { simulator.requestLog.requests.count }

    /// API requests with `method` whose raw path is `/api/v1/developer/exports` + `path`.
    func requests(_ method: HTTPMethod, _ path: String) -> [RequestLog.Entry] {
        simulator.requestLog.requests(to: simulator.apiBaseURL).filter {
            $0.method == method && Self.rawPath($0.url) == "/api/v1/developer/exports" + path
        }
    }

    /// The JSON bodies of the recorded requests with `method` to `/api/v1/developer/exports` + `path`.
    func bodies(_ method: HTTPMethod, _ path: String) throws -> [JSONValue] {
        try recorder.exchanges.filter {
            $0.request.method == method && Self.rawPath($0.request.url) == "/api/v1/developer/exports" + path
        }.map { try JSONValue(parsing: try #require($0.request.body)) }
    }

    /// The one create body sent so far.
    func createBody() throws -> [String: JSONValue] {
        let bodies = try bodies(.post, "/")
        try #require(bodies.count == 1)
        return try #require(bodies[0].objectValue)
    }

    /// The `X-Request-Id` of the last answer the server sent.
    var lastRequestID: String? { recorder.exchanges.last { $0.response != nil }?.response?.headers["X-Request-Id"] }

    /// The path as sent, percent-escapes kept (`URL.path` would decode `%2F`).
    static func rawPath(_ url: URL) -> String {
        URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? url.path
    }
}

/// A fresh folder for downloads, removed by the caller.
func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pictograph-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// Whether `text` is 32 lowercase hex digits, the SDK's `uuid4().hex`.
func isIdempotencyKey(_ text: String?) -> Bool {
    guard let text else { return false }
    return text.count == 32 && text.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
}

/// The field errors of an `invalidRequest`, or `nil` (recording an issue) for another kind.
func fieldErrors(of error: GatewayError, sourceLocation: SourceLocation = #_sourceLocation) -> [String: [String]]? {
    guard error.kind == .invalidRequest, case let fieldErrors = error.fieldErrors else {
        Issue.record("expected invalidRequest, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
    return fieldErrors
}

let unknownID = "00000000-0000-4000-8000-00000000dead"
