import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Waits for socket readiness with `poll(2)` on one thread of its own, for every wait made
/// from a task in the process (``Socket/waitUntilReady(writing:timeout:)``: the server tests'
/// raw client). The server's own connections wait on their own threads instead.
///
/// Dispatch read/write sources are not used on purpose: libdispatch keeps one epoll
/// registration per descriptor number for the whole process, FoundationNetworking registers
/// libcurl's sockets there too, and a number closed and reused while still registered crashed
/// the manager thread (`_dispatch_event_loop_drain`, one test run in three). `poll` holds no
/// state between calls: a descriptor closed under a wait comes back `POLLNVAL` and ends that
/// wait, nothing else.
final class ReadinessPoller: Sendable {
    /// The one poller of the process; its thread starts on first use and lives with the process.
    static let shared = ReadinessPoller()

    private struct Waiter {
        let descriptor: Int32
        let events: Int16
        let deadline: ContinuousClock.Instant?
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())
    /// A pipe whose read end is always in the poll set: a byte written wakes the thread to
    /// pick up a new waiter.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    private init() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { fatalError("ReadinessPoller: pipe() failed with errno \(errno)") }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = ends[0]
        wakeWrite = ends[1]
        let thread = Thread { [self] in run() }
        thread.name = "ExportGatewayTesting.ReadinessPoller"
        thread.start()
    }

    /// Waits until `descriptor` is readable (or, with `writing`, writable; an error or
    /// hang-up counts, the next read or write says what happened), or `timeout` passes.
    /// Returns `false` on timeout.
    func wait(for descriptor: Int32, writing: Bool, timeout: Duration?) async -> Bool {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        return await withCheckedContinuation { continuation in
            state.withLock { state in
                state.nextID += 1
                state.waiters[state.nextID] = Waiter(
                    descriptor: descriptor, events: Int16(writing ? POLLOUT : POLLIN), deadline: deadline,
                    continuation: continuation)
            }
            wake()
        }
    }

    private func wake() {
        var byte: UInt8 = 1
        // A full pipe already holds a wake-up: nothing is lost when this write is refused.
        _ = Glibc.write(wakeWrite, &byte, 1)
    }

    private func run() {
        var drain = [UInt8](repeating: 0, count: 256)
        while true {
            let waiting = state.withLock { $0.waiters.map { ($0.key, $0.value) } }
            var entries = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            entries += waiting.map { pollfd(fd: $0.1.descriptor, events: $0.1.events, revents: 0) }
            let now = ContinuousClock.now
            let nearest = waiting.compactMap(\.1.deadline).min()
            let timeout = nearest.map { Self.milliseconds(from: now, to: $0) } ?? -1
            let count = poll(&entries, nfds_t(entries.count), timeout)
            if count < 0 && errno != EINTR { continue }
            if entries[0].revents != 0 { _ = Glibc.read(wakeRead, &drain, drain.count) }
            let after = ContinuousClock.now
            var outcomes: [(CheckedContinuation<Bool, Never>, Bool)] = []
            state.withLock { state in
                for (index, (id, waiter)) in waiting.enumerated() {
                    let ready = count > 0 && entries[index + 1].revents != 0
                    let expired = waiter.deadline.map { after >= $0 } ?? false
                    guard ready || expired, state.waiters.removeValue(forKey: id) != nil else { continue }
                    outcomes.append((waiter.continuation, ready))
                }
            }
            // Resumed outside the lock: a resumed task may register its next wait at once.
            for (continuation, ready) in outcomes { continuation.resume(returning: ready) }
        }
    }

    /// The `poll` timeout until `deadline`, rounded up so a wait never ends early.
    static func milliseconds(from now: ContinuousClock.Instant, to deadline: ContinuousClock.Instant) -> Int32 {
        guard deadline > now else { return 0 }
        let (seconds, attoseconds) = (deadline - now).components
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: total)
    }
}
