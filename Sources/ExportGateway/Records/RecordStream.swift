/// One of the record streams a streaming vendor delivers for a finished export.
public enum RecordStream: String, Sendable, Hashable, CaseIterable {
    /// The exported records (data rows), one JSON object per line.
    case results
    /// The rows the vendor could not export, one JSON object per line; empty when clean.
    case errors
}

/// The size of a record stream, as the vendor reports it before the first byte is read.
public struct RecordStreamInfo: Sendable, Hashable {
    /// The stream's length in bytes (UTF-8 NDJSON); always more than zero.
    public var totalBytes: Int64
    /// The number of lines (records), when the vendor says.
    public var totalLines: Int64?

    /// Creates stream information.
    public init(totalBytes: Int64, totalLines: Int64?) {
        self.totalBytes = totalBytes
        self.totalLines = totalLines
    }
}
