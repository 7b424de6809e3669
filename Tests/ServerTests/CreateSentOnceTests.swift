import ExportGateway
import ExportGatewayProviders
import ExportGatewayTesting
import Foundation
import Testing

/// A create whose answer is lost on a kept-alive connection reaches the vendor once: libcurl
/// (under URLSession on Linux) resends a request on a fresh connection when a reused one
/// dies, and for a POST it resends the head without the body. The transport gives every
/// request that is not safe to repeat a connection of its own, so there is nothing to resend.
@Suite struct CreateSentOnceTests {
    /// A body that never comes (libcurl's resend) is refused within 300 ms instead of 30 s.
    static let limits = LoopbackServerLimits(idleTimeout: .milliseconds(300))

    @Test func avalaCreateWithALostAnswerIsSentOnceAndSaysItMayHaveBeenCreated() async throws {
        let server = try SimulatorServer.start(limits: Self.limits) { api, storage in
            AvalaSimulator(apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage)
        }
        try await expectOneCreate(server: server, createPath: "/api/v1/exports/")
    }

    @Test func labelboxCreateWithALostAnswerIsSentOnce() async throws {
        let server = try SimulatorServer.start(limits: Self.limits) { api, storage in
            LabelboxSimulator(apiBaseURL: api, storageBaseURL: storage)
        }
        try await expectOneCreate(server: server, createPath: "/graphql", createMarker: "exportDataRowsIn")
    }

    @Test func pictographCreateIsRepeatedWithItsBodyAndMakesOneExport() async throws {
        let server = try SimulatorServer.start(limits: Self.limits) { api, storage in
            PictographSimulator(apiBaseURL: api, storageBaseURL: storage)
        }
        defer { Task { await server.stop() } }
        let gateway = server.simulator.gateway(transport: URLSessionTransport(idleTimeout: 30))
        let dataset = DatasetRef(rawValue: server.simulator.seedDataset(named: "once", itemCount: 2))
        _ = try await gateway.exports().collect(upTo: 100)  // a kept-alive connection to reuse
        server.simulator.injectFault(.loseResponse, method: .post, count: 1)

        _ = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "once"))
        let posts = server.simulator.requestLog.requests.filter { $0.method == .post }
        #expect(posts.count == 2, "the idempotent create is repeated once, with the same key")
        #expect(posts.allSatisfy { !$0.body.isEmpty }, "every create arrived with its body")
        let exports = try await gateway.exports().collect(upTo: 100)
        #expect(exports.filter { $0.name == "once" }.count == 1)
    }

    @Test func aCreateThatCouldNotConnectSaysNothingWasCreated() async throws {
        // Port 1 on loopback: nothing listens there, so the connection is refused.
        let gateway = Gateway(
            provider: AvalaProvider(), apiKey: APIKey("k"), baseURL: URL(string: "http://127.0.0.1:1/api/v1"),
            transport: URLSessionTransport(idleTimeout: 5), options: GatewayOptions(clock: VirtualClock()))
        do {
            _ = try await gateway.createExport(ExportRequest(source: .project("p1")))
            Issue.record("a create to a closed port returned")
        } catch let error as GatewayError {
            #expect(error.kind == .transport)
            #expect(!error.mayHaveTakenEffect, "no connection was made: \(error)")
            #expect(!"\(error)".contains("may have been created"))
        }
    }

    private func expectOneCreate<Simulator: VendorSimulator>(
        server: SimulatorServer<Simulator>, createPath: String, createMarker: String? = nil
    ) async throws {
        defer { Task { await server.stop() } }
        let gateway = server.simulator.gateway(transport: URLSessionTransport(idleTimeout: 30))
        let dataset = DatasetRef(rawValue: server.simulator.seedDataset(named: "once", itemCount: 2))
        _ = try? await gateway.exports().collect(upTo: 100)  // a kept-alive connection to reuse
        server.simulator.injectFault(.loseResponse, method: .post, pathPrefix: createPath, count: 1)
        let before = server.simulator.requestLog.requests.count

        do {
            _ = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
            Issue.record("the create's answer was lost, yet it returned")
        } catch let error as GatewayError {
            #expect(error.kind == .transport)
            #expect(error.mayHaveTakenEffect)
            #expect(error.operation == .createExport)
            #expect("\(error)".contains("may have been created"), "\(error)")
        }
        let creates = server.simulator.requestLog.requests.dropFirst(before).filter { entry in
            entry.method == .post
                && entry.url.path.hasPrefix(createPath.hasSuffix("/") ? String(createPath.dropLast()) : createPath)
                && createMarker.map { String(decoding: entry.body, as: UTF8.self).contains($0) } ?? true
        }
        #expect(creates.count == 1, "the create reached the server \(creates.count) times")
        #expect(creates.allSatisfy { !$0.body.isEmpty })
    }
}
