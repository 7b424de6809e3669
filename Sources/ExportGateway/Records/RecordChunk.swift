import Foundation

/// One stored piece of a record stream: a URL whose body is exactly the stream's bytes
/// `byteRange`.
///
/// Adapters return the chunk that contains a requested offset; the core fetches it in
/// bounded ranges, joins bytes across chunks before decoding, and splits lines. A chunk may
/// start or end inside a line, or even inside a multi-byte UTF-8 character. Like a
/// ``DownloadLocation``, a signed URL on a storage host is fetched without credentials (the
/// URL is its own authorization), a URL on the vendor API's own origin with the gateway's.
public struct RecordChunk: Sendable, Hashable {
    /// Where the chunk's bytes are: a signed URL on the vendor's storage host, or a URL on
    /// the API's own origin.
    public var url: URL
    /// The stream bytes the chunk holds, both ends included.
    public var byteRange: ClosedRange<Int64>
    /// The stream lines the chunk touches, both ends included, when the vendor says.
    public var lineRange: ClosedRange<Int64>?

    /// Creates a chunk.
    public init(url: URL, byteRange: ClosedRange<Int64>, lineRange: ClosedRange<Int64>? = nil) {
        self.url = url
        self.byteRange = byteRange
        self.lineRange = lineRange
    }

    /// The chunk's length in bytes.
    public var byteCount: Int64 { byteRange.upperBound - byteRange.lowerBound + 1 }
}
