import ExportGateway

/// What a check needs the provider under test to be able to do. A target that cannot is
/// skipped before anything runs, so which checks a target skips follows from its
/// capabilities alone (and, against a simulator, nothing else may make a check skip).
public struct ConformanceRequirement: Sendable {
    /// What the provider lacks when the requirement is not met, such as "cannot list items".
    public let lack: String
    /// Whether `target` meets the requirement.
    public let isMet: @Sendable (ConformanceTarget) -> Bool

    /// Creates a requirement; `lack` follows the provider's id in the skip reason.
    public init(lack: String, isMet: @escaping @Sendable (ConformanceTarget) -> Bool) {
        self.lack = lack
        self.isMet = isMet
    }

    /// The skip `target` takes for lacking this, or `nil` when it meets it.
    func skip(for target: ConformanceTarget) -> ConformanceSkip? {
        isMet(target) ? nil : ConformanceSkip("\(target.provider) \(lack)")
    }

    /// Exports can be listed.
    public static let listsExports = ConformanceRequirement(lack: "cannot list exports") {
        $0.capabilities.listsExports
    }
    /// Exports can be made from a dataset.
    public static let exportsDatasets = ConformanceRequirement(lack: "cannot export a dataset") {
        $0.capabilities.exportsDatasets
    }
    /// A lost answer to a create can be retried without a duplicate.
    public static let idempotentCreate = ConformanceRequirement(
        lack: "has no idempotent create, so the core never retries one"
    ) { $0.capabilities.idempotentCreate }
    /// An export can be read by its name within a dataset.
    public static let readsExportsByName = ConformanceRequirement(lack: "has no export names to read by") {
        $0.capabilities.readsExportsByName
    }
    /// The vendor offers an export the gateway reads annotations from.
    public static let readsAnnotations = ConformanceRequirement(lack: "offers no export to read annotations from") {
        if case .unsupported = $0.annotationRoute { return false }
        return true
    }
    /// A dataset's items can be listed.
    public static let listsItems = ConformanceRequirement(lack: "cannot list items") {
        $0.capabilities.itemKinds.contains(.item)
    }
    /// The vendor's exports have a canceled state (unknown, so assumed, against the live vendor).
    public static let cancelsExports = ConformanceRequirement(lack: "exports cannot be canceled") {
        $0.cancelsExports != false
    }

    /// At least one of `filters` (``ExportFilter`` values) is one the provider
    /// does not honor.
    public static func refusesOne(of filters: [ExportFilter]) -> ConformanceRequirement {
        ConformanceRequirement(lack: "honors every filter") { target in
            filters.contains { !target.capabilities.filters.contains($0) }
        }
    }
}
