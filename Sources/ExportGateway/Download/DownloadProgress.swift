import Foundation

/// How far a download has come, reported after each chunk is on disk.
public struct DownloadProgress: Sendable, Hashable {
    /// Bytes written to the file so far.
    public var bytesWritten: Int64
    /// The file's full size, once the storage host has said.
    public var totalBytes: Int64?

    /// Creates progress.
    public init(bytesWritten: Int64, totalBytes: Int64?) {
        self.bytesWritten = bytesWritten
        self.totalBytes = totalBytes
    }

    /// The fraction done, from 0 to 1, when the total is known.
    public var fractionCompleted: Double? {
        guard let totalBytes, totalBytes > 0 else { return totalBytes == 0 ? 1 : nil }
        return Double(bytesWritten) / Double(totalBytes)
    }
}

/// A finished download.
public struct DownloadedFile: Sendable, Hashable {
    /// Where the file now is.
    public var url: URL
    /// Its size in bytes.
    public var byteCount: Int64
}
