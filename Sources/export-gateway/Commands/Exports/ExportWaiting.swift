import ExportGateway
import Synchronization

/// `exports wait`: polls through the gateway and shows each poll's status and the time
/// elapsed on the tool's clock.
struct ExportWaiting {
    let session: GatewaySession

    func run(_ id: ExportID) async throws {
        let arguments = session.arguments
        let timeout = try arguments.duration("timeout", default: .seconds(15 * 60))
        let poll = try arguments.duration("poll", default: GatewayOptions().pollInterval)
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
