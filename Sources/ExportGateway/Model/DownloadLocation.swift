import Foundation

/// Where an export's result file can be fetched: a signed URL on the vendor's storage host.
///
/// The downloader fetches it with no vendor credential, because the URL itself is the
/// authorization and the storage host is not the vendor's API host.
public struct DownloadLocation: Sendable, Hashable {
    /// The signed URL.
    public var url: URL
    /// When the signature stops working, if the vendor says.
    public var expiresAt: Date?
    /// The file's size in bytes, if the vendor says; the downloader verifies it.
    public var byteCount: Int64?
    /// The suggested file name, if the vendor gives one.
    public var fileName: String?

    /// Creates a location.
    public init(url: URL, expiresAt: Date? = nil, byteCount: Int64? = nil, fileName: String? = nil) {
        self.url = url
        self.expiresAt = expiresAt
        self.byteCount = byteCount
        self.fileName = fileName
    }
}
