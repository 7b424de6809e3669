import ExportGateway
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the gateway adds to a small request: `export(_:)` read many times, against the same
/// GET sent with a bare URLSession (same URL, same key header, one after the other).
enum OverheadScenario {
    static let name = "overhead"

    static func run(size: BenchmarkSize) throws -> [Measurement] {
        let (server, served) = try ChildProcess.server(vendor: "avala", items: 10, latency: .zero)
        defer { server.finish() }
        return try ChildProcess.runCase([name, "--served", served.argument, "--requests", String(size.smallRequests)])
    }

    static func runCase(_ arguments: ChildArguments) async throws {
        let served = try ServedSimulator(argument: try arguments.string("served"))
        let requests = try arguments.int("requests")
        let seen = SeenRequests()
        var options = GatewayOptions()
        options.eventHandler = { event in
            if case .response(.get, let url, 200, _) = event { seen.record(url) }
        }
        let gateway = try served.gateway(options: options)
        let ready = try await served.finishedExport(through: gateway)
        _ = try await gateway.export(ready.id)
        guard let url = seen.last else { throw BenchmarkFailure("The gateway's GET of the export was not seen.") }

        var request = URLRequest(url: url)
        request.setValue(served.apiKey, forHTTPHeaderField: "X-Avala-Api-Key")
        let session = URLSession.shared
        _ = try await session.data(for: request)
        let bareLabel = "\(requests.grouped) GETs of one export, bare URLSession"
        let (_, bare) = try await measure {
            for _ in 0..<requests {
                let (_, response) = try await session.data(for: request)
                guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                    throw BenchmarkFailure("A bare GET was not answered 200.")
                }
            }
        }
        let (_, through) = try await measure {
            for _ in 0..<requests { _ = try await gateway.export(ready.id) }
        }
        ChildProtocol.report(
            Measurement(
                scenario: name, label: bareLabel, seconds: bare, rate: Double(requests) / bare, unit: "requests/s"))
        ChildProtocol.report(
            Measurement(
                scenario: name, label: "\(requests.grouped) GETs of one export, gateway.export(_:)", seconds: through,
                rate: Double(requests) / through, unit: "requests/s", baseline: bareLabel,
                note: String(format: "%.0f µs added per request", (through - bare) / Double(requests) * 1e6)))
    }
}

/// The last URL the gateway fetched, as its event handler reports it.
final class SeenRequests: Sendable {
    private let latest = Mutex<URL?>(nil)
    func record(_ url: URL) { latest.withLock { $0 = url } }
    var last: URL? { latest.withLock { $0 } }
}
