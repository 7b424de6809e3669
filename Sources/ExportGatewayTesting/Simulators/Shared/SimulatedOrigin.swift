/// Which of a simulator's origins a fault applies to.
public enum SimulatedOrigin: Sendable, Hashable {
    /// The vendor's API host.
    case api
    /// The storage host that serves result files.
    case storage
}
