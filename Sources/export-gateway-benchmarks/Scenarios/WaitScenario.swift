import ExportGateway
import ExportGatewayTesting
import Foundation
import Synchronization

/// How `wait(for:timeout:)` polls: for exports that take 5 s to 10 min on the vendor's side,
/// how many status reads it makes and how long after completion it returns. The schedule is
/// the gateway's own (default options), observed on a virtual clock against an export that
/// never ends; an export that completes at time T is seen by the first poll at or after T.
enum WaitScenario {
    static let name = "wait"
    static let durations: [Duration] = [.seconds(5), .seconds(30), .seconds(120), .seconds(600)]

    static func run(size: BenchmarkSize) throws -> [Measurement] {
        try ChildProcess.runCase([name])
    }

    static func runCase(_ arguments: ChildArguments) async throws {
        let clock = VirtualClock()
        let polls = PollTimes(clock: clock)
        let avala = AvalaSimulator()
        let dataset = DatasetRef(rawValue: avala.seedDataset(named: "wait", itemCount: 1))
        avala.scriptNextExport(.hangs(rawStatus: nil))
        let gateway = avala.gateway(
            options: GatewayOptions(
                clock: clock,
                eventHandler: { event in if case .polled = event { polls.record() } }))
        let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
        let horizon = durations.max()! * 2
        do {
            _ = try await gateway.wait(for: created, timeout: horizon)
            throw BenchmarkFailure("An export scripted to hang finished.")
        } catch let error as GatewayError where error.kind == .timeout {}
        let times = polls.times
        for duration in durations {
            guard let seen = times.firstIndex(where: { $0 >= duration }) else { continue }
            let delay = (times[seen] - duration).seconds
            ChildProtocol.report(
                Measurement(
                    scenario: name, label: "export finishing after \(Int(duration.seconds)) s", seconds: delay,
                    note: "seen by poll \(seen + 1); the time column is the delay after completion (virtual clock)"))
        }
    }
}

/// When each poll happened, on the gateway's clock.
final class PollTimes: Sendable {
    private let clock: VirtualClock
    private let recorded = Mutex<[Duration]>([])
    init(clock: VirtualClock) { self.clock = clock }
    func record() { recorded.withLock { $0.append(clock.now) } }
    var times: [Duration] { recorded.withLock { $0 } }
}
