/// How the loopback server puts one answer's body on the wire: whole, or in one of the ways
/// a failing network or server delivers it. The simulators' body faults
/// (``SimulatedFault/truncatedBody``, ``SimulatedFault/stalledBody(for:)``,
/// ``SimulatedFault/slowBody(bytesPerWrite:interval:)``) are answers delivered these ways.
///
/// The head always goes out whole and declares the body's full `Content-Length` (unless the
/// answer is close-delimited, see ``ResponseHead``), so a client can tell a cut body from a
/// short one.
enum ResponseDelivery: Sendable, Hashable {
    /// Head and body at once: every ordinary answer.
    case whole
    /// The head and the first `afterBytes` bytes of the body, then the connection closes.
    case truncated(afterBytes: Int)
    /// The head and the first `afterBytes` bytes of the body, then nothing for `for` (the
    /// connection open and silent, as a wedged server holds it), then the connection closes
    /// with the body still unfinished. It closes sooner when the client gives up or the
    /// server stops.
    case stalled(afterBytes: Int, for: Duration)
    /// The head, then the body `bytesPerWrite` bytes at a time, each piece `interval` after
    /// the one before (the first `interval` after the head); the connection then serves on.
    case trickled(bytesPerWrite: Int, interval: Duration)
    /// Nothing for `for`, then head and body at once: a server doing the work inside the
    /// request (Label Studio's synchronous export create). A simulator's own answer, not a
    /// fault: ``SimulatorServer`` waits, then moves the simulator's clock on by `for`, so
    /// what others saw meanwhile and what they see after agree with the in-process transport.
    case held(for: Duration)

    /// How long the body takes to arrive, or to stop arriving, when it is `bodyBytes` long:
    /// what the in-process transport moves the simulator's clock by, since it cannot wait.
    func duration(bodyBytes: Int) -> Duration {
        switch self {
        case .whole, .truncated: .zero
        case .stalled(_, let stall): stall
        case .trickled(let size, let interval): interval * ((bodyBytes + max(1, size) - 1) / max(1, size))
        case .held(let wait): wait
        }
    }
}
