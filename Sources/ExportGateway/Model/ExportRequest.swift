import Foundation

/// What to export, in normalized words.
///
/// A field the provider cannot honor is refused with ``GatewayError/Kind/unsupported`` naming
/// it (the gateway refuses undeclared filters, the adapter the rest); nothing is silently
/// dropped. Vendor-only settings go in ``providerOptions``.
///
/// ```swift
/// ExportRequest(source: .dataset("acme/street-scenes"), name: "nightly", format: .yolo)
/// ```
public struct ExportRequest: Sendable, Hashable {
    /// The dataset or project to export.
    public var source: ExportSource
    /// A name for the export; some vendors require one, others ignore none.
    public var name: String?
    /// The result format; `nil` lets the vendor choose its default.
    public var format: ExportFormat?
    /// Which items to include.
    public var filters: ExportFilters
    /// Whether to include the media files themselves, when the vendor can.
    public var includeMedia: Bool?
    /// Vendor-only settings, passed to the adapter verbatim; its documentation lists them.
    public var providerOptions: [String: JSONValue]

    /// Creates a request.
    public init(
        source: ExportSource, name: String? = nil, format: ExportFormat? = nil,
        filters: ExportFilters = ExportFilters(), includeMedia: Bool? = nil,
        providerOptions: [String: JSONValue] = [:]
    ) {
        self.source = source
        self.name = name
        self.format = format
        self.filters = filters
        self.includeMedia = includeMedia
        self.providerOptions = providerOptions
    }
}

/// Which items an export includes. Empty filters include everything.
public struct ExportFilters: Sendable, Hashable {
    /// Only items in one of these workflow statuses.
    public var itemStatuses: [ItemStatus]?
    /// Only annotations of these classes (labels).
    public var classes: [String]?
    /// Only items with these ids.
    public var itemIDs: [ItemID]?
    /// Only items created or changed within this interval.
    public var activity: DateInterval?

    /// Creates filters.
    public init(
        itemStatuses: [ItemStatus]? = nil, classes: [String]? = nil, itemIDs: [ItemID]? = nil,
        activity: DateInterval? = nil
    ) {
        self.itemStatuses = itemStatuses
        self.classes = classes
        self.itemIDs = itemIDs
        self.activity = activity
    }

    /// Whether no filter is set.
    public var isEmpty: Bool { itemStatuses == nil && classes == nil && itemIDs == nil && activity == nil }

    /// The filters that are set, in declaration order.
    public var setFilters: [ExportFilter] {
        [
            itemStatuses.map { _ in .itemStatuses }, classes.map { _ in .classes }, itemIDs.map { _ in .itemIDs },
            activity.map { _ in .activity },
        ].compactMap { $0 }
    }
}
