import ExportGateway

/// Labelbox task status words, as the SDK's `TaskStatus` knows them.
enum LabelboxStatus {
    /// The normalized status for a task word; an unseen word is kept as `.unknown(word)`.
    ///
    /// `CANCELLING` (double L) is a task on its way to `CANCELED` (single L): still running,
    /// so a wait goes on until the vendor settles it.
    static func exportStatus(_ word: String) -> ExportStatus {
        switch word {
        case "IN_PROGRESS", "CANCELLING": .running
        case "COMPLETE": .completed
        case "FAILED": .failed
        case "CANCELED": .canceled
        default: .unknown(word)
        }
    }

    /// A data row's workflow status in a project (`project_details.workflow_status`, upper
    /// snake case in exports), normalized; an unseen word is kept as `.unknown(word)`.
    static func itemStatus(_ word: String) -> ItemStatus {
        switch word {
        case "TO_LABEL": .notStarted
        case "IN_REVIEW": .inReview
        case "IN_REWORK": .needsRework
        case "DONE": .completed
        default: .unknown(word)
        }
    }
}
