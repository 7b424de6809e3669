import ExportGateway
import ExportGatewayTesting
import Foundation

/// A fresh Labelbox simulator, a virtual clock (waits and retries run instantly), and
/// gateways over them.
struct LabelboxFixture {
    let simulator: LabelboxSimulator
    let clock = VirtualClock()

    init(pollsToComplete: Int = 2, chunkSize: Int = 64 * 1024, chunkBoundary: LabelboxSimulator.ChunkBoundary = .line) {
        simulator = LabelboxSimulator(
            pollsToComplete: pollsToComplete, chunkSize: chunkSize, chunkBoundary: chunkBoundary)
    }

    /// A gateway with the full-access key, or `key`; record streams hold `recordReadAhead`
    /// pieces when given, the default otherwise.
    func gateway(key: String? = nil, downloadChunkSize: Int = 8 << 20, recordReadAhead: Int? = nil) -> Gateway {
        var options = GatewayOptions(pageSize: 20, downloadChunkSize: downloadChunkSize, clock: clock)
        if let recordReadAhead { options.recordReadAhead = recordReadAhead }
        return simulator.gateway(apiKey: key, options: options)
    }

    /// A completed export of a new dataset of `rows` data rows.
    func completedExport(
        rows: Int, options: [String: JSONValue] = [:], gateway: Gateway? = nil
    ) async throws -> (export: Export, dataset: String) {
        let gateway = gateway ?? self.gateway()
        let dataset = simulator.seedDataset(named: "rows-\(rows)", itemCount: rows)
        let created = try await gateway.createExport(
            ExportRequest(source: .dataset(DatasetRef(rawValue: dataset)), providerOptions: options))
        return (try await gateway.wait(for: created, timeout: .seconds(600)), dataset)
    }

    /// The GraphQL operation names sent so far, in order (`exportDataRowsInCatalogPyApi`, ...).
    var operations: [String] {
        simulator.requestLog.requests(to: simulator.apiBaseURL).compactMap { Self.operationName(in: $0.body) }
    }

    /// The parsed JSON bodies of the requests that named `operation`.
    func bodies(of operation: String) -> [JSONValue] {
        simulator.requestLog.requests(to: simulator.apiBaseURL).compactMap { entry in
            Self.operationName(in: entry.body) == operation ? try? JSONValue(parsing: entry.body) : nil
        }
    }

    /// The requests that went to the storage origin.
    var storageRequests: [RequestLog.Entry] { simulator.requestLog.requests(to: simulator.storageBaseURL) }

    static func operationName(in body: Data) -> String? {
        guard let query = (try? JSONValue(parsing: body))?["query"]?.stringValue else { return nil }
        let words = query.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") })
        guard let index = words.firstIndex(where: { $0 == "query" || $0 == "mutation" }), index + 1 < words.count else {
            return nil
        }
        return String(words[index + 1])
    }
}
