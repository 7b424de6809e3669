import ExportGateway

extension PictographProvider {
    /// The normalized status of a Pictograph export status word.
    ///
    /// Pictograph has four words: `pending`, `processing`, `completed` and `failed` (there is
    /// no cancel). The comparison is exact, as the vendor's SDK makes it. Any other word is
    /// ``ExportStatus/unknown(_:)``: kept, not terminal and never fatal (the SDK raises on
    /// one, which would break a whole listing over one odd export). A `nil` word is
    /// `.unknown("")` (the adapter itself refuses an export without a status).
    ///
    /// ```swift
    /// PictographProvider.exportStatus(for: "processing")  // .running
    /// PictographProvider.exportStatus(for: "archived")    // .unknown("archived")
    /// ```
    public static func exportStatus(for word: String?) -> ExportStatus {
        guard let word else { return .unknown("") }
        return exportStatuses[word] ?? .unknown(word)
    }

    private static let exportStatuses: [String: ExportStatus] = [
        "pending": .pending,
        "processing": .running,
        "completed": .completed,
        "failed": .failed,
    ]

    /// Pictograph's image stage word for an item status, for `status_filter`; `nil` for a
    /// status Pictograph has no stage for.
    ///
    /// The stages are `new`, `annotate`, `review` and `complete`. The server does not check
    /// the word: one it does not know matches no image and silently yields an empty export,
    /// so only these four are ever derived from ``ItemStatus``.
    static func imageStage(for status: ItemStatus) -> String? {
        switch status {
        case .notStarted: "new"
        case .inProgress: "annotate"
        case .inReview: "review"
        case .completed: "complete"
        case .needsRework, .approved, .unknown: nil
        }
    }
}
