import ExportGateway
import Synchronization

/// Receives the gateway's events during the demo: prints each poll as it happens and counts
/// requests, retries and redirects for the summary.
final class DemoEvents: Sendable {
    private let console: Console
    private let state = Mutex(State())

    private struct State {
        var waitStarted: ContinuousClock.Instant?
        var polls = 0
        var responses = 0
        var retries = 0
        var redirects = 0
    }

    init(console: Console) {
        self.console = console
    }

    /// Polls seen so far.
    var polls: Int { state.withLock { $0.polls } }
    /// Responses received so far (retried attempts included).
    var responses: Int { state.withLock { $0.responses } }
    /// Requests that were sent again after a failure.
    var retries: Int { state.withLock { $0.retries } }
    /// Redirects followed.
    var redirects: Int { state.withLock { $0.redirects } }

    /// Starts the clock that poll lines show.
    func startWaiting() {
        state.withLock { $0.waitStarted = .now }
    }

    /// The handler for ``GatewayOptions/eventHandler``.
    func handle(_ event: GatewayEvent) {
        switch event {
        case .polled(_, let status, let rawStatus):
            let (count, elapsed) = state.withLock { state in
                state.polls += 1
                return (state.polls, state.waitStarted.map { ContinuousClock.now - $0 } ?? .zero)
            }
            let word = rawStatus.map { "vendor word \"\($0)\"" } ?? "no vendor word"
            console.line(
                "   \(Format.padded(Format.seconds(elapsed), to: 7))  poll \(Format.padded("\(count)", to: 2))  \(Format.padded("\(status)", to: 10))  \(word)"
            )
        case .response:
            state.withLock { $0.responses += 1 }
        case .retrying:
            state.withLock { $0.retries += 1 }
            console.line("   \(event)")
        case .redirected:
            state.withLock { $0.redirects += 1 }
            console.line("   \(event)")
        case .downloaded:
            break  // the download's own progress callback prints these
        }
    }
}
