/// What a provider can do, declared up front so callers (and the conformance suite) need
/// no runtime surprises.
public struct ProviderCapabilities: Sendable, Hashable {
    /// Whether exports can be listed.
    public var listsExports: Bool
    /// Whether an export can be deleted.
    public var deletesExports: Bool
    /// Whether exports can be made from a dataset.
    public var exportsDatasets: Bool
    /// Whether exports can be made from a project.
    public var exportsProjects: Bool
    /// Which formats the vendor produces (``ExportFormat/native`` and common constants).
    public var formats: Set<ExportFormat>
    /// Which ``ExportFilters`` fields the vendor honors, by ``ExportFilters/setFieldNames`` name.
    public var filters: Set<String>
    /// Which kinds of dataset members can be listed; empty when items cannot be listed.
    public var itemKinds: Set<ItemKind>
    /// Whether exported records can be streamed one by one (``Gateway/records(of:)``).
    public var streamsRecords: Bool
    /// Whether a result download can be resumed with HTTP ranges.
    public var resumableDownloads: Bool
    /// Whether creating an export is safe to retry: the adapter sends an idempotency key
    /// the vendor honors and sends creates with `retry: .idempotent`. Without one, adapters
    /// send creates with `retry: .never`, so a lost answer is reported, not repeated.
    public var idempotentCreate: Bool
    /// Whether an export can be read by its name within a dataset
    /// (``Gateway/export(named:in:)``).
    public var readsExportsByName: Bool

    /// Creates capabilities.
    public init(
        listsExports: Bool, deletesExports: Bool, exportsDatasets: Bool, exportsProjects: Bool,
        formats: Set<ExportFormat>, filters: Set<String> = [], itemKinds: Set<ItemKind>,
        streamsRecords: Bool = false, resumableDownloads: Bool, idempotentCreate: Bool = false,
        readsExportsByName: Bool = false
    ) {
        self.listsExports = listsExports
        self.deletesExports = deletesExports
        self.exportsDatasets = exportsDatasets
        self.exportsProjects = exportsProjects
        self.formats = formats
        self.filters = filters
        self.itemKinds = itemKinds
        self.streamsRecords = streamsRecords
        self.resumableDownloads = resumableDownloads
        self.idempotentCreate = idempotentCreate
        self.readsExportsByName = readsExportsByName
    }
}
