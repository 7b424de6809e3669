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
    /// Which ``ExportFilters`` fields the vendor honors. The gateway refuses a request that
    /// sets any other with ``GatewayError/Kind/unsupported`` naming it, before any request.
    public var filters: Set<ExportFilter>
    /// Which kinds of dataset members can be listed; empty when items cannot be listed.
    public var itemKinds: Set<ItemKind>
    /// Whether exported records can be streamed one by one (``Gateway/records(of:)``).
    public var streamsRecords: Bool
    /// Whether the storage host serves the result file in HTTP ranges, so a download reads
    /// it piece by piece in bounded memory and a piece that fails is fetched again from its
    /// own offset (within one `download` call; a new call starts over).
    public var rangedDownloads: Bool
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
        formats: Set<ExportFormat>, filters: Set<ExportFilter> = [], itemKinds: Set<ItemKind>,
        streamsRecords: Bool = false, rangedDownloads: Bool, idempotentCreate: Bool = false,
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
        self.rangedDownloads = rangedDownloads
        self.idempotentCreate = idempotentCreate
        self.readsExportsByName = readsExportsByName
    }
}
