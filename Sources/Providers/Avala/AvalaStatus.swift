import ExportGateway

extension AvalaProvider {
    /// The normalized status of an Avala export status word.
    ///
    /// Avala's REST docs say `requested`, `exporting`, `exported`, `failed`, `aborted`; its
    /// TypeScript docs say `pending`, `processing`, `completed`, `failed`. Both vocabularies
    /// are mapped. Any other word is ``ExportStatus/unknown(_:)`` (kept, not terminal); a
    /// missing or `null` status is `.unknown("")`.
    ///
    /// ```swift
    /// AvalaProvider.exportStatus(for: "exported")   // .completed
    /// AvalaProvider.exportStatus(for: "aborted")    // .canceled
    /// ```
    public static func exportStatus(for word: String?) -> ExportStatus {
        guard let word else { return .unknown("") }
        return exportStatuses[word] ?? .unknown(word)
    }

    /// The normalized workflow status of an Avala item or sequence status word, or `nil`
    /// when Avala sent none.
    ///
    /// Sequences have extra stages (`labeling_4d`, `review_2d`, ...); for an item those
    /// words are ``ItemStatus/unknown(_:)``, like any word Avala has not documented.
    ///
    /// ```swift
    /// AvalaProvider.itemStatus(for: "rework_required", kind: .item)  // .needsRework
    /// AvalaProvider.itemStatus(for: "review_4d", kind: .sequence)    // .inReview
    /// ```
    public static func itemStatus(for word: String?, kind: ItemKind) -> ItemStatus? {
        guard let word else { return nil }
        switch kind {
        case .item: return itemStatuses[word] ?? .unknown(word)
        case .sequence: return itemStatuses[word] ?? sequenceOnlyStatuses[word] ?? .unknown(word)
        }
    }

    private static let exportStatuses: [String: ExportStatus] = [
        "requested": .pending,
        "pending": .pending,
        "exporting": .running,
        "processing": .running,
        "exported": .completed,
        "completed": .completed,
        "failed": .failed,
        // Terminal on purpose: Avala's SDK leaves `aborted` out of its terminal set, so its
        // wait() spins until the timeout on an aborted export.
        "aborted": .canceled,
    ]

    private static let itemStatuses: [String: ItemStatus] = [
        "unattempted": .notStarted,
        "pending": .notStarted,
        "ready_for_annotation": .notStarted,
        "in_progress": .inProgress,
        "completed": .completed,
        "rework_required": .needsRework,
        "customer_approved": .approved,
    ]

    private static let sequenceOnlyStatuses: [String: ItemStatus] = [
        "labeling_4d": .inProgress,
        "labeling_2d": .inProgress,
        "ready_for_2d": .inProgress,
        "review_4d": .inReview,
        "review_2d": .inReview,
        "final_review": .inReview,
    ]
}
