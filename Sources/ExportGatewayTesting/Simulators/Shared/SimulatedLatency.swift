import ExportGateway
import Synchronization

/// The network between a client and a simulator: every API and storage answer waits one
/// round trip, plus a jitter drawn uniformly from `0...jitter` by a seeded generator, so a
/// pipeline, a benchmark or a vendor's SDK sees a real network's shape and every run sees the
/// same delays in the same order.
///
/// Give it to ``SimulatorServer/start(apiPort:storagePort:limits:latency:clock:simulator:)``
/// for loopback HTTP, or to ``VendorSimulator/gateway(apiKey:transport:options:latency:)``
/// (or ``SimulatorTransport/withLatency(_:clock:)``) in-process. Each answer waits on its own,
/// so concurrent requests are delayed concurrently, as on a real network.
///
/// ```swift
/// let server = try SimulatorServer.start(latency: SimulatedLatency(roundTrip: .milliseconds(50))) { api, storage in
///     AvalaSimulator(apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage)
/// }
/// ```
public struct SimulatedLatency: Sendable, Hashable {
    /// What every answer waits.
    public var roundTrip: Duration
    /// The most an answer waits on top of ``roundTrip``.
    public var jitter: Duration
    /// The seed of the jitter's generator.
    public var seed: UInt64

    /// No delay at all: what the simulators do unless told otherwise.
    public static let none = SimulatedLatency(roundTrip: .zero)

    /// A network whose answers wait `roundTrip` plus up to `jitter` (negative durations count as zero).
    public init(roundTrip: Duration, jitter: Duration = .zero, seed: UInt64 = 0x5EED_1A7E) {
        self.roundTrip = max(roundTrip, .zero)
        self.jitter = max(jitter, .zero)
        self.seed = seed
    }

    /// Whether answers wait at all.
    public var isNone: Bool { roundTrip == .zero && jitter == .zero }
}

/// The delay a transport puts before each answer: one generator shared by every copy of the
/// transport, so the delays follow one seeded sequence, and the clock they are waited on.
final class ResponseDelay: Sendable {
    let latency: SimulatedLatency
    let clock: any GatewayClock
    private let generator: Mutex<SplitMix64>

    init(_ latency: SimulatedLatency, clock: any GatewayClock) {
        self.latency = latency
        self.clock = clock
        generator = Mutex(SplitMix64(seed: latency.seed))
    }

    /// The next answer's delay: the round trip plus a uniform draw from the jitter, to the nanosecond.
    func next() -> Duration {
        let jitter = latency.jitter.components
        let nanoseconds = UInt64(clamping: jitter.seconds * 1_000_000_000 + jitter.attoseconds / 1_000_000_000)
        guard nanoseconds > 0 else { return latency.roundTrip }
        let drawn = generator.withLock { UInt64.random(in: 0...nanoseconds, using: &$0) }
        return latency.roundTrip + .nanoseconds(Int64(drawn))
    }

    /// Waits the next answer's delay on the clock; throws when the task is canceled meanwhile.
    func wait() async throws {
        let delay = next()
        if delay > .zero { try await clock.sleep(for: delay) }
    }
}
