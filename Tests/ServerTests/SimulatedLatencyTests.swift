import ExportGateway
import Foundation
import Synchronization
import Testing

@testable import ExportGatewayTesting

/// A clock whose sleeps last until the test releases them: how a test sees which answers
/// wait, and how many wait at once, without waiting real time. (``VirtualClock`` returns from
/// every sleep at once, so it cannot show two sleeps overlapping.)
final class GateClock: GatewayClock {
    private struct State {
        var sleepers: [CheckedContinuation<Void, Never>] = []
        var requested: [Duration] = []
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var now: Duration { .zero }

    /// Every sleep asked for so far, released or not.
    var requested: [Duration] { state.withLock { $0.requested } }

    func sleep(for duration: Duration) async throws {
        await withCheckedContinuation { continuation in
            let satisfied = state.withLock { state in
                state.sleepers.append(continuation)
                state.requested.append(duration)
                let waiting = state.sleepers.count
                let met = state.watchers.filter { $0.count <= waiting }
                state.watchers.removeAll { $0.count <= waiting }
                return met.map(\.continuation)
            }
            for watcher in satisfied { watcher.resume() }
        }
    }

    /// Returns once `count` sleeps are waiting at the same time.
    func waitUntilSleeping(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let met = state.withLock { state in
                if state.sleepers.count >= count { return true }
                state.watchers.append((count, continuation))
                return false
            }
            if met { continuation.resume() }
        }
    }

    /// Ends every sleep waiting now.
    func releaseAll() {
        let sleepers = state.withLock { state in
            defer { state.sleepers = [] }
            return state.sleepers
        }
        for sleeper in sleepers { sleeper.resume() }
    }
}

@Suite("Simulated latency")
struct SimulatedLatencyTests {
    private let fiftyMilliseconds = SimulatedLatency(roundTrip: .milliseconds(50))

    @Test func inProcessEveryAnswerWaitsTheRoundTripOnTheGatewaysClock() async throws {
        let avala = AvalaSimulator()
        let dataset = DatasetRef(rawValue: avala.seedDataset(named: "delayed", itemCount: 25))
        let clock = VirtualClock()
        let gateway = avala.gateway(options: GatewayOptions(pageSize: 10, clock: clock), latency: fiftyMilliseconds)

        #expect(try await gateway.items(in: dataset).collect(upTo: 100).count == 25)
        // Three pages, three round trips: one wait per answer, nothing else.
        #expect(avala.requestLog.requests.count == 3)
        #expect(clock.sleeps == Array(repeating: .milliseconds(50), count: 3))
        #expect(clock.now == .milliseconds(150))
    }

    @Test func noLatencyMeansNoWait() async throws {
        let avala = AvalaSimulator()
        let clock = VirtualClock()
        let gateway = avala.gateway(options: GatewayOptions(clock: clock), latency: .none)
        _ = try await gateway.exports().collect(upTo: 10)
        #expect(clock.sleeps.isEmpty && avala.requestLog.requests.count == 1)
    }

    @Test func inProcessAnswerIsNotGivenBeforeTheRoundTripEnds() async throws {
        let avala = AvalaSimulator()
        let gate = GateClock()
        let transport = avala.transport.withLatency(fiftyMilliseconds, clock: gate)
        let request = HTTPRequest(
            url: avala.apiBaseURL.appendingPathComponent("exports/"), headers: ["X-Avala-Api-Key": avala.apiKey])
        let sending = Task { try await transport.send(request).status }
        await gate.waitUntilSleeping(1)
        // The request waits its round trip: the simulator has not answered it yet.
        #expect(avala.requestLog.requests.count == 0)
        gate.releaseAll()
        #expect(try await sending.value == 200)
        #expect(avala.requestLog.requests.count == 1 && gate.requested == [.milliseconds(50)])
    }

    @Test func overLoopbackConcurrentRequestsWaitTheirRoundTripsTogether() async throws {
        let gate = GateClock()
        let server = try SimulatorServer.start(latency: fiftyMilliseconds, clock: gate) { api, storage in
            AvalaSimulator(apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage)
        }
        let path = server.simulator.apiBaseURL.path + "/exports/"
        let key = server.simulator.apiKey
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let connection = try await RawHTTPConnection.open(port: server.api.port)
                    defer { connection.close() }
                    try await connection.send("GET \(path) HTTP/1.1\r\nHost: x\r\nX-Avala-Api-Key: \(key)\r\n\r\n")
                    return try await connection.readResponse()?.status ?? 0
                }
            }
            // All eight wait at once: one waiting answer holds up no other connection.
            await gate.waitUntilSleeping(8)
            #expect(server.simulator.requestLog.requests.count == 0)
            gate.releaseAll()
            var statuses: [Int] = []
            for try await status in group { statuses.append(status) }
            #expect(statuses == Array(repeating: 200, count: 8))
        }
        #expect(gate.requested == Array(repeating: .milliseconds(50), count: 8))
        await server.stop()
    }

    @Test func storageAnswersWaitToo() async throws {
        let gate = GateClock()
        let server = try SimulatorServer.start(latency: fiftyMilliseconds, clock: gate) { api, storage in
            AvalaSimulator(apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage)
        }
        server.simulator.host.storage.put(Data("stored".utf8), at: "results/file.bin")
        let url = server.simulator.host.storage.signedURL(for: "results/file.bin").url
        let fetching = Task { try await URLSessionTransport().send(HTTPRequest(url: url)) }
        await gate.waitUntilSleeping(1)
        gate.releaseAll()
        #expect(try await fetching.value.body == Data("stored".utf8))
        #expect(gate.requested == [.milliseconds(50)])
        await server.stop()
    }

    @Test func jitterStaysWithinItsBoundAndRepeatsForASeed() async throws {
        func delays(seed: UInt64) async throws -> [Duration] {
            let avala = AvalaSimulator()
            let clock = VirtualClock()
            let latency = SimulatedLatency(roundTrip: .milliseconds(20), jitter: .milliseconds(10), seed: seed)
            let gateway = avala.gateway(options: GatewayOptions(clock: clock), latency: latency)
            for _ in 0..<20 { _ = try await gateway.exports().collect(upTo: 10) }
            return clock.sleeps
        }
        let first = try await delays(seed: 7)
        #expect(first.count == 20)
        #expect(first.allSatisfy { $0 >= .milliseconds(20) && $0 <= .milliseconds(30) })
        #expect(Set(first).count > 1)
        #expect(try await delays(seed: 7) == first)
        #expect(try await delays(seed: 8) != first)
    }

    @Test func negativeDurationsCountAsNone() {
        let latency = SimulatedLatency(roundTrip: .milliseconds(-5), jitter: .seconds(-1))
        #expect(latency.isNone && latency == .none)
    }
}
