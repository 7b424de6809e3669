/// Where an item is in its vendor's labeling workflow, in words common to every vendor.
///
/// Each ``Item`` keeps the vendor's own word in ``Item/rawStatus``; a word the adapter
/// does not know becomes ``unknown(_:)``.
public enum ItemStatus: Sendable, Hashable, CustomStringConvertible {
    /// Not yet worked on (including queued for labeling).
    case notStarted
    /// Being labeled.
    case inProgress
    /// Labeled, being reviewed.
    case inReview
    /// Sent back for rework.
    case needsRework
    /// Labeled and reviewed.
    case completed
    /// Accepted by the customer: the last step of a workflow.
    case approved
    /// A vendor word the adapter does not know, kept verbatim.
    case unknown(String)

    public var description: String {
        switch self {
        case .notStarted: "notStarted"
        case .inProgress: "inProgress"
        case .inReview: "inReview"
        case .needsRework: "needsRework"
        case .completed: "completed"
        case .approved: "approved"
        case .unknown(let word): "unknown(\(word))"
        }
    }
}
