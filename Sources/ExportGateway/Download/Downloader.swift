import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fetches a result file into a local file.
///
/// - Memory stays bounded: the file is asked for in ranges of `chunkSize` bytes and each
///   range goes to disk before the next is requested (URLSession on Linux has no
///   backpressure, so one long streamed response could pile up in memory). A location whose
///   bytes may change between requests (``DownloadLocation/isByteStable`` `false`) is fetched
///   in one plain GET instead, and fetched again from byte 0 when that fails.
/// - Nothing is half-written: bytes go to `<destination>.part`, which is flushed to disk
///   and renamed onto the destination only when complete and the size checks out.
/// - A credential only where it belongs: a location on the vendor API's own origin is
///   fetched with it, any other (a storage host's signed URL) with none
///   (``VendorAPI/fetchResult(_:)``). Redirects are followed by ``HTTPClient``, which drops
///   the credential when one leaves the origin.
/// - An expired signature (403) gets one fresh location from `refreshLocation`.
struct Downloader: Sendable {
    var api: VendorAPI
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
    ///
    /// A destination that is a device, a pipe or a socket (`/dev/null`, a FIFO a consumer
    /// reads) is written into directly: renaming a file onto it would replace the node itself.
    /// A symbolic link is followed, so the file it points at is what gets replaced.
    private func writeAtomically(
        to destination: URL, _ write: (OutputFile) async throws -> Int64
    ) async throws -> DownloadedFile {
        guard destination.isFileURL else {
            throw GatewayError(
                .localFile,
                message: "Download destination \(destination) is not a file URL; give a path on this machine.")
        }
        let target = destination.resolvingSymlinksInPath()
        switch OutputFile.Destination(at: target) {
        case .folder:
            throw GatewayError(
                .localFile, message: "Download destination \(target.path) is a folder; give a file path.")
        case .special:
            let file = try OutputFile(writingInto: target)
            defer { file.close() }
            return DownloadedFile(url: destination, byteCount: try await write(file))
        case .file, .absent:
            let partURL = target.appendingPathExtension("part")
            let file = try OutputFile(creatingPartFileAt: partURL)
            var completed = false
            defer {
                file.close()
                if !completed { unlink(partURL.path) }
            }
            let byteCount = try await write(file)
            try file.synchronize()
            try file.commit(to: target)
            completed = true
            return DownloadedFile(url: destination, byteCount: byteCount)
        }
    }

    private func fetch(
        from initialLocation: DownloadLocation, into file: OutputFile,
        refreshLocation: @Sendable () async throws -> DownloadLocation,
        progress: (@Sendable (DownloadProgress) -> Void)?
    ) async throws -> Int64 {
        var location = initialLocation
        var refreshedForCurrentOffset = false
        var offset: Int64 = 0
        var total: Int64?
        while total.map({ offset < $0 }) ?? true {
            try Task.checkCancellation()
            // Bytes that may change between requests are never joined from ranges.
            let request =
                location.isByteStable
                ? RangedRead.request(location.url, from: offset, through: offset + Int64(chunkSize) - 1)
                : RangedRead.whole(location.url)
            let response = try await api.fetchResult(request)
            switch response.status {
            case 206:
                // The total comes from Content-Range: the answer may carry no Content-Length at all.
                guard let range = RangedRead.checkedRange(of: response, startingAt: offset),
                    location.isByteStable || range.size == Int64(response.body.count)
                else {
                    throw GatewayError(
                        .integrity, httpStatus: 206,
                        message:
                            "The host answered range \(offset)- with \(response.headers["Content-Range"] ?? "no Content-Range") and \(response.body.count) bytes; refusing to write a corrupt file."
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
            case 200:
                // The whole file from byte 0: a plain GET, or a host that ignores (or, past the
                // first request, stops honoring) ranges. Only bytes not yet written are kept.
                let size = Int64(response.body.count)
                guard size >= offset, total.map({ $0 == size }) ?? true else {
                    throw GatewayError(
                        .integrity,
                        message:
                            "The file's size changed during the download (\(total ?? offset) then \(size) bytes).")
                }
                try file.write(response.body.dropFirst(Int(offset)))
                offset = size
                total = size
            case 416:
                guard let size = ContentRange(response.headers["Content-Range"])?.size, size == offset else {
                    throw GatewayError(
                        .integrity, httpStatus: 416, message: "The host refused range \(offset)- of the file.")
                }
                total = size
            case 403 where !refreshedForCurrentOffset:
                // Signed URLs expire; ask the vendor for a fresh one, once per position.
                location = try await refreshLocation()
                refreshedForCurrentOffset = true
                continue
            default:
                throw api.resultError(for: response, url: location.url, refreshed: refreshedForCurrentOffset)
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
