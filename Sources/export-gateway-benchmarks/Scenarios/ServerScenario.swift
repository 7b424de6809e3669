import ExportGateway
import ExportGatewayTesting
import Foundation

/// Small requests per second the loopback server and the Avala simulator answer (GET of the
/// exports list, keep-alive, through URLSessionTransport), from 1, 8 and 32 concurrent
/// clients. Client and server share this process and the machine's cores, so this is a lower
/// bound on the server alone.
enum ServerScenario {
    static let name = "server"

    static func run(size: BenchmarkSize) throws -> [Measurement] {
        try ChildProcess.runCase([name, "--requests", String(size.smallRequests)])
    }

    static func runCase(_ arguments: ChildArguments) async throws {
        let requests = try arguments.int("requests")
        let server = try SimulatorServer.start { api, storage in
            AvalaSimulator(apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage)
        }
        let transport = URLSessionTransport()
        let request = HTTPRequest(
            url: server.simulator.apiBaseURL.appendingPathComponent("exports/"),
            headers: ["X-Avala-Api-Key": server.simulator.apiKey])
        for concurrency in [1, 8, 32] {
            _ = try await transport.send(request)
            let (failures, elapsed) = try await measure {
                try await sendConcurrently(request, count: requests, concurrency: concurrency, through: transport)
            }
            ChildProtocol.report(
                Measurement(
                    scenario: name, label: "\(requests.grouped) GET /exports/, \(concurrency) concurrent client(s)",
                    seconds: elapsed, rate: Double(requests) / elapsed, unit: "requests/s",
                    note: failures == 0 ? nil : "\(failures) answers not 200"))
        }
        await server.stop()
    }

    /// Sends `request` `count` times from `concurrency` workers; returns how many answers were not 200.
    private static func sendConcurrently(
        _ request: HTTPRequest, count: Int, concurrency: Int, through transport: URLSessionTransport
    ) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var failed = 0
                    for _ in stride(from: worker, to: count, by: concurrency) {
                        if try await transport.send(request).status != 200 { failed += 1 }
                    }
                    return failed
                }
            }
            return try await group.reduce(0, +)
        }
    }
}
