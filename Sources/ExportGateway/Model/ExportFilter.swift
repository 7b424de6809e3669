/// One field of ``ExportFilters``, as a value: what a provider declares it honors in
/// ``ProviderCapabilities/filters``, what an `unsupported` error names, and what the provider
/// matrix in the docs lists, all from the same constants.
public struct ExportFilter: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The field's name in ``ExportFilters``, such as `classes`.
    public let name: String
    /// What it selects by, for messages, such as `annotation classes`.
    public let meaning: String

    private init(name: String, meaning: String) {
        self.name = name
        self.meaning = meaning
    }

    /// `filters.<name>`, as errors and docs name it.
    public var description: String { "filters.\(name)" }

    public static func < (lhs: ExportFilter, rhs: ExportFilter) -> Bool {
        (all.firstIndex(of: lhs) ?? .max) < (all.firstIndex(of: rhs) ?? .max)
    }

    /// ``ExportFilters/itemStatuses``.
    public static let itemStatuses = ExportFilter(name: "itemStatuses", meaning: "item workflow status")
    /// ``ExportFilters/classes``.
    public static let classes = ExportFilter(name: "classes", meaning: "annotation class")
    /// ``ExportFilters/itemIDs``.
    public static let itemIDs = ExportFilter(name: "itemIDs", meaning: "item id")
    /// ``ExportFilters/activity``.
    public static let activity = ExportFilter(name: "activity", meaning: "activity date")

    /// Every filter, in the order of ``ExportFilters``' fields.
    public static let all: [ExportFilter] = [.itemStatuses, .classes, .itemIDs, .activity]
}
