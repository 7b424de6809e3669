import Foundation

/// Where an export's result file can be fetched, as the adapter locates it.
///
/// Usually a signed URL on the vendor's storage host, fetched with no vendor credential
/// because the URL itself is the authorization. A URL on the vendor API's own origin
/// (scheme, host and port of the base URL) is fetched with the gateway's credential instead,
/// for vendors that serve results from the API; a redirect from there to another origin
/// drops it again.
public struct DownloadLocation: Sendable, Hashable {
    /// The URL: signed, on a storage host, or on the API's own origin.
    public var url: URL
    /// When the signature stops working, if the vendor says.
    public var expiresAt: Date?
    /// The file's size in bytes, if the vendor says; the downloader verifies it.
    public var byteCount: Int64?
    /// The suggested file name, if the vendor gives one.
    public var fileName: String?
    /// Whether every request for the URL gets the same bytes. Only then is the file read in
    /// ranges (bounded memory, a failed piece fetched again from its own offset); otherwise
    /// (a file the vendor converts afresh on each request) it is fetched in one plain request,
    /// held in memory once, and a failure starts it again from byte 0, because joining ranges
    /// of two different conversions would make a corrupt file.
    public var isByteStable: Bool

    /// Creates a location.
    public init(
        url: URL, expiresAt: Date? = nil, byteCount: Int64? = nil, fileName: String? = nil, isByteStable: Bool = true
    ) {
        self.url = url
        self.expiresAt = expiresAt
        self.byteCount = byteCount
        self.fileName = fileName
        self.isByteStable = isByteStable
    }
}
