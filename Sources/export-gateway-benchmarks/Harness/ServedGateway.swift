import ExportGateway
import ExportGatewayAvala
import ExportGatewayLabelbox
import Foundation

extension ServedSimulator {
    /// A gateway for this simulator over real loopback HTTP, waiting on the real clock.
    func gateway(options: GatewayOptions = GatewayOptions()) throws -> Gateway {
        var options = options
        options.pollInterval = .milliseconds(20)
        let key = APIKey(apiKey)
        switch vendor {
        case "labelbox":
            return Gateway(
                provider: LabelboxProvider(), apiKey: key, baseURL: apiBaseURL, transport: URLSessionTransport(),
                options: options)
        case "avala":
            return Gateway(
                provider: AvalaProvider(), apiKey: key, baseURL: apiBaseURL, transport: URLSessionTransport(),
                options: options)
        default:
            throw BenchmarkFailure("No gateway for a simulator named \(vendor).")
        }
    }

    /// Creates an export of the seeded dataset and waits until it is finished (the simulator
    /// completes it on the first read).
    func finishedExport(through gateway: Gateway) async throws -> Export {
        let created = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
        return try await gateway.wait(for: created, timeout: .seconds(600))
    }

    /// The command-line form a case child reads back.
    var argument: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }

    init(argument: String) throws {
        self = try JSONDecoder().decode(ServedSimulator.self, from: Data(argument.utf8))
    }
}
