/// One of the record streams a streaming vendor delivers for a finished export.
public enum RecordStream: String, Sendable, Hashable, CaseIterable {
    /// The exported records (data rows or tasks).
    case results
    /// The rows the vendor could not export; empty when clean.
    case errors
}

/// The size and layout of a record stream, as the vendor reports it before the first byte is read.
public struct RecordStreamInfo: Sendable, Hashable {
    /// The stream's length in bytes (UTF-8); always more than zero.
    public var totalBytes: Int64
    /// The number of records, when the vendor says.
    public var totalLines: Int64?
    /// How records are laid out: NDJSON lines, or the elements of one JSON array.
    public var framing: RecordFraming

    /// Creates stream information.
    public init(totalBytes: Int64, totalLines: Int64?, framing: RecordFraming = .lines) {
        self.totalBytes = totalBytes
        self.totalLines = totalLines
        self.framing = framing
    }
}
