import Foundation

/// A tree of files a format reader reads from: a folder on disk (``FolderFiles``) or a ZIP
/// archive (``ZipFiles``), so every reader works on both without unpacking.
///
/// Paths are relative, `/`-separated, with no leading `/` and no `.` or `..` component.
public protocol DatasetFiles: Sendable {
    /// Every regular file's path, sorted.
    var paths: [String] { get }
    /// Opens a file for reading in pieces.
    /// - Throws: ``GatewayError/Kind/localFile`` when it is missing or unreadable,
    ///   ``GatewayError/Kind/decoding`` when an archive entry is damaged.
    func open(_ path: String) throws -> any DatasetFileReader
}

/// Reads one file of a ``DatasetFiles`` front to back, a piece at a time.
public protocol DatasetFileReader {
    /// The next piece of at most `maxCount` bytes, or `nil` at the end of the file.
    mutating func read(upTo maxCount: Int) throws -> Data?
}

extension DatasetFiles {
    /// Whether a file exists at `path`.
    public func contains(_ path: String) -> Bool {
        let all = paths
        var low = 0, high = all.count
        while low < high {
            let middle = (low + high) / 2
            if all[middle] < path { low = middle + 1 } else { high = middle }
        }
        return low < all.count && all[low] == path
    }

    /// The whole file at `path`, refused beyond `limit` bytes so a damaged or hostile input
    /// cannot exhaust memory.
    /// - Throws: ``GatewayError/Kind/limitExceeded`` when the file is larger than `limit`.
    public func contents(of path: String, limit: Int = 64 << 20) throws -> Data {
        var reader = try open(path)
        var data = Data()
        while let piece = try reader.read(upTo: 1 << 16) {
            data.append(piece)
            if data.count > limit {
                throw GatewayError(
                    .limitExceeded,
                    message: "\(path) is larger than \(limit) bytes, more than this file kind may hold. "
                        + "Check that it is the file you meant.")
            }
        }
        return data
    }
}

extension DatasetFiles {
    /// Copies every file into `destination` (absent, or an empty folder), which appears only
    /// when all are copied.
    func copyAll(to destination: URL) throws {
        let staging = try StagingFolder(destination: destination)
        do {
            for path in paths { try copy(path, to: try staging.file(path)) }
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
    }

    /// Copies one file to `target`, a piece at a time.
    func copy(_ path: String, to target: URL) throws {
        var reader = try open(path)
        let output = try BufferedFileWriter(url: target, capacity: 1 << 20)
        while let piece = try reader.read(upTo: 1 << 20) { try output.write(piece) }
        try output.close()
    }
}
