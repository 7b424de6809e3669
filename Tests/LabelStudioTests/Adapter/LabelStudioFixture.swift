import ExportGateway
import ExportGatewayLabelStudio
import ExportGatewayTesting
import Foundation

/// A fresh Label Studio simulator and a virtual clock, and gateways over them: waits and
/// retries run instantly, and every request the adapter sends lands in the simulator's log.
///
/// The simulator's clock (token lifetimes on the server) and the gateway's (when it renews)
/// are separate: moving one alone makes the two disagree, as a real server and client may.
struct LabelStudio {
    let simulator: LabelStudioSimulator
    let clock = VirtualClock()

    init(
        accessTokenLifetime: TimeInterval = 300, pollsToComplete: Int = 0, legacyTokensEnabled: Bool = false,
        zipsDifferPerRequest: Bool = false
    ) {
        simulator = LabelStudioSimulator(
            pollsToComplete: pollsToComplete, accessTokenLifetime: accessTokenLifetime,
            legacyTokensEnabled: legacyTokensEnabled, zipsDifferPerRequest: zipsDifferPerRequest)
    }

    /// A gateway with the simulator's personal access token unless `key` says otherwise.
    func gateway(
        key: String? = nil, pageSize: Int = 100, downloadChunkSize: Int = 8 << 20, retryPolicy: RetryPolicy = .standard,
        transport: (any HTTPTransport)? = nil
    ) -> Gateway {
        simulator.gateway(
            apiKey: key, transport: transport,
            options: GatewayOptions(
                pageSize: pageSize, pollInterval: .seconds(1), maxPollInterval: .seconds(5), retryPolicy: retryPolicy,
                downloadChunkSize: downloadChunkSize, clock: clock))
    }

    /// A seeded image project of `items` tasks.
    func project(_ name: String = "project-\(UUID().uuidString.prefix(6))", items: Int) -> DatasetRef {
        DatasetRef(rawValue: simulator.seedDataset(named: name, itemCount: items))
    }

    /// A completed snapshot of a new project of `items` tasks, as `format` when given.
    func completedExport(
        items: Int = 12, format: ExportFormat? = nil, with gateway: Gateway? = nil
    ) async throws -> Export {
        let gateway = gateway ?? self.gateway()
        let created = try await gateway.createExport(
            ExportRequest(source: .dataset(project(items: items)), format: format))
        return try await gateway.wait(for: created, timeout: .seconds(600))
    }

    /// Every request so far.
    var requests: [RequestLog.Entry] { simulator.requestLog.requests }

    /// The requests whose raw path starts with `prefix`.
    func requests(_ method: HTTPMethod? = nil, under prefix: String) -> [RequestLog.Entry] {
        requests.filter { entry in
            (method == nil || entry.method == method) && SimulatedRequest.rawPath(of: entry.url).hasPrefix(prefix)
        }
    }

    /// The key exchanges the server received.
    var exchanges: [RequestLog.Entry] { requests(.post, under: "/api/token/refresh/") }

    /// The file downloads the server received.
    var downloads: [RequestLog.Entry] {
        requests(.get, under: "/api/projects/").filter { SimulatedRequest.rawPath(of: $0.url).contains("/download") }
    }

    static func temporaryFile(_ name: String = "result.json") -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("eg-ls-\(UUID().uuidString)")
            .appendingPathComponent(name)
    }
}
