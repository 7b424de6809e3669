import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fetches a result file from a storage host into a local file.
///
/// - Memory stays bounded: the file is asked for in ranges of `chunkSize` bytes and each
///   range goes to disk before the next is requested (URLSession on Linux has no
///   backpressure, so one long streamed response could pile up in memory).
/// - Nothing is half-written: bytes go to `<destination>.part`, which is flushed to disk
///   and renamed onto the destination only when complete and the size checks out.
/// - No credential: storage requests carry no vendor header at all; the signed URL is the
///   authorization. Redirects are followed by ``HTTPClient``.
/// - An expired signature (403) gets one fresh location from `refreshLocation`.
struct Downloader: Sendable {
    var client: HTTPClient
    var chunkSize: Int

    func download(
        from initialLocation: DownloadLocation, to destination: URL,
        refreshLocation: @Sendable () async throws -> DownloadLocation,
        progress: (@Sendable (DownloadProgress) -> Void)?
    ) async throws -> DownloadedFile {
        try await writeAtomically(to: destination) { file in
            try await fetch(from: initialLocation, into: file, refreshLocation: refreshLocation, progress: progress)
        }
    }

    /// Writes a whole record stream to `destination`, piece by piece, with the same
    /// guarantees as a file download; `reader` is `nil` for a stream the vendor reports empty,
    /// which gives an empty file.
    func download(
        stream reader: StreamByteReader?, to destination: URL, progress: (@Sendable (DownloadProgress) -> Void)?
    ) async throws -> DownloadedFile {
        try await writeAtomically(to: destination) { file in
            guard var reader else { return 0 }
            var written: Int64 = 0
            while let piece = try await reader.next() {
                try file.write(piece.bytes)
                written += Int64(piece.bytes.count)
                progress?(DownloadProgress(bytesWritten: written, totalBytes: reader.totalBytes))
            }
            guard written == reader.totalBytes else {
                throw GatewayError(
                    .integrity,
                    message: "Read \(written) bytes of a stream the vendor announced as \(reader.totalBytes).")
            }
            return written
        }
    }

    /// Runs `write` into `<destination>.part`, then flushes it and renames it onto
    /// `destination`; on any failure the `.part` file is removed and `destination` untouched.
    private func writeAtomically(
        to destination: URL, _ write: (PartFile) async throws -> Int64
    ) async throws -> DownloadedFile {
        guard destination.isFileURL else {
            throw GatewayError(
                .localFile,
                message: "Download destination \(destination) is not a file URL; give a path on this machine.")
        }
        let partURL = destination.appendingPathExtension("part")
        let file = try PartFile(creating: partURL, for: destination)
        var completed = false
        defer {
            file.close()
            if !completed { unlink(partURL.path) }
        }
        let byteCount = try await write(file)
        try file.synchronize()
        try file.commit(to: destination)
        completed = true
        return DownloadedFile(url: destination, byteCount: byteCount)
    }

    private func fetch(
        from initialLocation: DownloadLocation, into file: PartFile,
        refreshLocation: @Sendable () async throws -> DownloadLocation,
        progress: (@Sendable (DownloadProgress) -> Void)?
    ) async throws -> Int64 {
        var location = initialLocation
        var refreshedForCurrentOffset = false
        var offset: Int64 = 0
        var total: Int64?
        while total.map({ offset < $0 }) ?? true {
            try Task.checkCancellation()
            let request = RangedRead.request(location.url, from: offset, through: offset + Int64(chunkSize) - 1)
            let response = try await client.send(request, repeatable: true)
            switch response.status {
            case 206:
                guard let range = RangedRead.checkedRange(of: response, startingAt: offset) else {
                    throw GatewayError(
                        .integrity, httpStatus: 206,
                        message:
                            "The storage host answered range \(offset)- with \(response.headers["Content-Range"] ?? "no Content-Range") and \(response.body.count) bytes; refusing to write a corrupt file."
                    )
                }
                if let known = total, let size = range.size, known != size {
                    throw GatewayError(
                        .integrity,
                        message: "The file's size changed during the download (\(known) then \(size) bytes).")
                }
                total = range.size
                try file.write(response.body)
                offset += Int64(response.body.count)
            case 200 where offset == 0:
                // The host ignores ranges: the whole file came in one body.
                try file.write(response.body)
                offset = Int64(response.body.count)
                total = offset
            case 416:
                guard let size = ContentRange(response.headers["Content-Range"])?.size, size == offset else {
                    throw GatewayError(
                        .integrity, httpStatus: 416, message: "The storage host refused range \(offset)- of the file.")
                }
                total = size
            case 403 where !refreshedForCurrentOffset:
                // Signed URLs expire; ask the vendor for a fresh one, once per position.
                location = try await refreshLocation()
                refreshedForCurrentOffset = true
                continue
            default:
                throw GatewayError.storage(for: response, refreshed: refreshedForCurrentOffset, host: location.url.host)
            }
            refreshedForCurrentOffset = false
            progress?(DownloadProgress(bytesWritten: offset, totalBytes: total))
        }
        if let expected = initialLocation.byteCount, expected != offset {
            throw GatewayError(.integrity, message: "Downloaded \(offset) bytes but the vendor announced \(expected).")
        }
        return offset
    }
}

/// `Content-Range: bytes first-last/size` (size may be `*`), or `bytes */size` on a 416.
struct ContentRange: Equatable {
    var first: Int64?
    var last: Int64?
    var size: Int64?

    init?(_ header: String?) {
        guard let header, header.lowercased().hasPrefix("bytes ") else { return nil }
        let parts = header.dropFirst(6).split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        size = Int64(parts[1].trimmingCharacters(in: .whitespaces))
        if parts[0] != "*" {
            let bounds = parts[0].split(separator: "-", maxSplits: 1)
            guard bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]), first <= last else {
                return nil
            }
            self.first = first
            self.last = last
        }
    }

    var count: Int64? { first.flatMap { first in last.map { $0 - first + 1 } } }
}

/// The `.part` file a download writes into; renamed onto the destination when complete.
private final class PartFile: @unchecked Sendable {  // used by one task at a time
    private let handle: FileHandle
    private let url: URL

    init(creating url: URL, for destination: URL) throws {
        let directory = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw GatewayError(
                .localFile,
                message:
                    "Cannot create folder \(directory.path): \(error.localizedDescription) Choose a writable folder.",
                underlying: error)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw GatewayError(
                .localFile, message: "Download destination \(destination.path) is a folder; give a file path.")
        }
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: url.path)
        else {
            throw GatewayError(
                .localFile,
                message:
                    "Cannot create \(url.path): \(String(cString: strerror(errno))). Check the folder's permissions and free space."
            )
        }
        self.handle = handle
        self.url = url
    }

    func write(_ data: Data) throws {
        do { try handle.write(contentsOf: data) } catch {
            throw GatewayError(
                .localFile,
                message: "Cannot write \(url.path): \(error.localizedDescription) Check free space on that disk.",
                underlying: error)
        }
    }

    func synchronize() throws {
        do { try handle.synchronize() } catch {
            throw GatewayError(
                .localFile,
                message:
                    "Cannot flush \(url.path) to disk: \(error.localizedDescription) Check free space on that disk.",
                underlying: error)
        }
    }

    /// Atomically replaces `destination` with this file (rename(2) within one folder).
    func commit(to destination: URL) throws {
        guard rename(url.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw GatewayError(
                .localFile, message: "Cannot move the finished download to \(destination.path): \(reason).")
        }
    }

    func close() { try? handle.close() }
}
