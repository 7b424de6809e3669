/// How a simulated export behaves after it is created, counted in status reads ("polls").
public enum ExportScript: Sendable, Hashable {
    /// Runs, then completes on the given poll (1 = the first read already sees it done).
    case completes(afterPolls: Int)
    /// Runs, then fails on the given poll with the vendor's reason.
    case fails(afterPolls: Int, reason: String)
    /// Runs, then is canceled (aborted) on the given poll.
    case cancels(afterPolls: Int)
    /// Never finishes. With a `rawStatus`, every read reports that word (such as one the
    /// adapter does not know); otherwise the vendor's running word.
    case hangs(rawStatus: String?)
}
