import Foundation

/// An open ZIP archive on disk, read at offsets so nothing but the bytes asked for is ever in
/// memory. Each ``ZipFiles`` reader opens its own, so readers never share a file position.
final class ZipArchiveFile {
    /// The archive, for error messages.
    let url: URL
    /// The archive's size in bytes when it was opened.
    let size: UInt64
    private let handle: FileHandle

    /// Opens `url` for reading.
    /// - Throws: ``GatewayError/Kind/localFile`` when it cannot be opened.
    init(url: URL) throws {
        self.url = url
        do {
            handle = try FileHandle(forReadingFrom: url)
            size = try handle.seekToEnd()
        } catch {
            throw GatewayError(
                .localFile,
                message: "Could not open the ZIP archive \(url.path): \(error.localizedDescription). "
                    + "Check that the file exists and is readable.",
                underlying: error)
        }
    }

    deinit { try? handle.close() }

    /// Up to `count` bytes from `offset`; fewer only at the end of the file.
    func bytes(at offset: UInt64, count: Int) throws -> [UInt8] {
        guard count > 0, offset < size else { return [] }
        do {
            try handle.seek(toOffset: offset)
            var result: [UInt8] = []
            result.reserveCapacity(count)
            // A read may return less than asked before the end of the file, so keep reading.
            while result.count < count {
                guard let piece = try handle.read(upToCount: count - result.count), !piece.isEmpty else { break }
                result.append(contentsOf: piece)
            }
            return result
        } catch {
            throw GatewayError(
                .localFile,
                message: "Could not read the ZIP archive \(url.path): \(error.localizedDescription). "
                    + "Check that the file is still there and readable.",
                underlying: error)
        }
    }

    /// Exactly `count` bytes from `offset`.
    /// - Throws: ``GatewayError/Kind/decoding`` naming `what` when the archive ends first.
    func bytes(at offset: UInt64, exactly count: Int, what: String) throws -> [UInt8] {
        let result = try bytes(at: offset, count: count)
        guard result.count == count else {
            throw ZipError.damaged(url, "it ends inside \(what), so it is truncated")
        }
        return result
    }
}
