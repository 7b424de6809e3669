import ExportGateway

extension LabelStudioProvider {
    /// The normalized status of a Label Studio export status word.
    ///
    /// Label Studio's words are `created` (never seen without a job queue), `in_progress`,
    /// `completed` and `failed`; it has no canceled state. Any other word is
    /// ``ExportStatus/unknown(_:)``, kept and not terminal.
    ///
    /// ```swift
    /// LabelStudioProvider.exportStatus(for: "in_progress")   // .running
    /// ```
    public static func exportStatus(for word: String) -> ExportStatus {
        exportStatuses[word] ?? .unknown(word)
    }

    /// The normalized status of a task from its `is_labeled` flag: `.completed` for a labeled
    /// task (raw status `labeled`), `.notStarted` otherwise (`unlabeled`); `nil` when Label
    /// Studio sent no flag.
    public static func itemStatus(isLabeled: Bool?) -> (status: ItemStatus, rawStatus: String)? {
        isLabeled.map { $0 ? (.completed, "labeled") : (.notStarted, "unlabeled") }
    }

    private static let exportStatuses: [String: ExportStatus] = [
        "created": .pending,
        "in_progress": .running,
        "completed": .completed,
        "failed": .failed,
    ]
}
