import ExportGateway
import Synchronization

/// `exports wait`: polls through the gateway and shows each poll's status and the time
/// elapsed on the tool's clock.
struct ExportWaiting {
    let session: GatewaySession

    /// `--timeout DURATION`.
    static let timeout: Option<Duration> = .value(
        "timeout", placeholder: "DURATION", default: .seconds(15 * 60),
        help: "How long to wait at most (default: 15m).",
        .duration)
    /// `--poll DURATION`: the first pause, which grows up to 30 s.
    static let poll: Option<Duration> = .value(
        "poll", placeholder: "DURATION", default: GatewayOptions().pollInterval,
        help: "The first pause between polls (default: 2s).", .duration)

    func run(_ id: ExportID) async throws {
        let timeout = session.arguments[Self.timeout]
        let poll = session.arguments[Self.poll]
        let clock = session.console.environment.clock
        let started = clock.now
        let polls = Mutex(0)
        let session = self.session
        let gateway = try session.makeGateway { event in
            guard case .polled(_, let status, let rawStatus) = event else { return }
            let count = polls.withLock { count in
                count += 1
                return count
            }
            let word = rawStatus.map { " (vendor word \"\($0)\")" } ?? ""
            session.progress(
                "Waiting for \(id): \(status)\(word), \(Format.elapsed(clock.now - started)) elapsed, poll \(count)")
        }
        let ready = try await session.withProgress {
            try await gateway.wait(for: id, timeout: timeout, pollInterval: poll)
        }
        if session.json || session.quiet { return ExportPresenter(session: session).show(ready) }
        session.console.line(
            "Export \(id) \(ExportPresenter.status(of: ready)) after \(Format.elapsed(clock.now - started)).")
        session.console.line("Next: \(Usage.programName) exports download \(id)")
    }
}
