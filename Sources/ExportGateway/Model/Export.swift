import Foundation

/// One export job at one vendor, in normalized words.
///
/// Returned by ``Gateway/createExport(_:)``, ``Gateway/export(_:)`` and
/// ``Gateway/exports(pageSize:)``. Nothing the vendor said is lost: ``rawStatus``
/// keeps its status word and ``providerFields`` its whole object.
public struct Export: Sendable, Hashable, Identifiable {
    /// The vendor's id.
    public var id: ExportID
    /// The provider that holds this export.
    public var provider: ProviderID
    /// The export's name, if it has one.
    public var name: String?
    /// The normalized status.
    public var status: ExportStatus
    /// The vendor's own status word, verbatim (`nil` when the vendor sent none).
    public var rawStatus: String?
    /// The result format, if known.
    public var format: ExportFormat?
    /// What the export was made from, if the vendor says.
    public var source: ExportSource?
    /// When the vendor created it.
    public var createdAt: Date?
    /// When the vendor last changed it.
    public var updatedAt: Date?
    /// Where to fetch the result, once the vendor provides it.
    public var downloadLocation: DownloadLocation?
    /// Progress as (done, total) units of the vendor's choosing (tasks, rows), when reported.
    public var progress: Progress?
    /// Why it failed, in the vendor's words.
    public var failureReason: String?
    /// The vendor's full object as received.
    public var providerFields: JSONValue

    /// How far an export has come, in units the vendor counts.
    public struct Progress: Sendable, Hashable {
        /// Units done.
        public var completed: Int64
        /// Units in all, when known.
        public var total: Int64?

        /// Creates progress.
        public init(completed: Int64, total: Int64?) {
            self.completed = completed
            self.total = total
        }
    }

    /// Creates an export; adapters call this when mapping a vendor object.
    public init(
        id: ExportID, provider: ProviderID, name: String? = nil, status: ExportStatus, rawStatus: String?,
        format: ExportFormat? = nil, source: ExportSource? = nil, createdAt: Date? = nil, updatedAt: Date? = nil,
        downloadLocation: DownloadLocation? = nil, progress: Progress? = nil, failureReason: String? = nil,
        providerFields: JSONValue = .null
    ) {
        self.id = id
        self.provider = provider
        self.name = name
        self.status = status
        self.rawStatus = rawStatus
        self.format = format
        self.source = source
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.downloadLocation = downloadLocation
        self.progress = progress
        self.failureReason = failureReason
        self.providerFields = providerFields
    }
}
