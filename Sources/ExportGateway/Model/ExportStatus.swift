/// Where an export is in its life, in words common to every vendor.
///
/// Every ``Export`` also keeps the vendor's own word in ``Export/rawStatus``. A word the
/// adapter does not know becomes ``unknown(_:)``: kept, never fatal, never guessed.
public enum ExportStatus: Sendable, Hashable, CustomStringConvertible {
    /// Accepted and queued, not started.
    case pending
    /// Being produced.
    case running
    /// Finished; the result can be downloaded.
    case completed
    /// Finished without a result.
    case failed
    /// Stopped before finishing, by a person or the vendor.
    case canceled
    /// A vendor word the adapter does not know, kept verbatim.
    case unknown(String)

    /// Whether the export will not change again. Unknown words are not terminal: waiting
    /// on them goes on until the vendor says something known or the wait times out.
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .canceled: true
        case .pending, .running, .unknown: false
        }
    }

    public var description: String {
        switch self {
        case .pending: "pending"
        case .running: "running"
        case .completed: "completed"
        case .failed: "failed"
        case .canceled: "canceled"
        case .unknown(let word): "unknown(\(word))"
        }
    }
}
