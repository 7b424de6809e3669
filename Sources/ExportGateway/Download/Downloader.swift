import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fetches a result file into a local file.
///
/// - Fast and memory-bounded: the file is asked for in ranges of `chunkSize` bytes, up to
///   `concurrency` of them in flight at once (one until the first answer gives the size),
///   each written at its offset as it arrives, so memory stays near `concurrency x chunkSize`
///   (URLSession on Linux has no backpressure, so one long streamed response could pile up in
///   memory, and one connection at a time leaves the link idle between ranges). A device or
///   pipe is written in order, one range at a time. A location whose bytes may change between
///   requests (``DownloadLocation/isByteStable`` `false`) is fetched in one plain GET instead,
///   and fetched again from byte 0 when that fails.
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
    /// Ranged GETs in flight at once, into a regular file.
    var concurrency: Int

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
        var generation = 0  // bumped by each fresh location
        // A device or pipe takes bytes only in order; bytes that may change between requests
        // are never joined from ranges.
        var plan = RangePlan(
            pieceSize: chunkSize, maxInFlight: file.isRegular ? concurrency : 1, wholeFile: !location.isByteStable)
        try await withThrowingTaskGroup(of: PieceAnswer.self) { group in
            while !plan.isComplete {
                try Task.checkCancellation()
                while let piece = plan.nextPiece() {
                    let answer = PieceAnswer(piece: piece, location: location, generation: generation)
                    group.addTask { try await fetch(answer, into: file) }
                }
                // A failure ends the body, which cancels the pieces still in flight.
                guard let answer = try await group.next() else { break }
                guard let response = answer.response else {
                    try plan.received(answer.piece, range: answer.range!)
                    progress?(DownloadProgress(bytesWritten: plan.completedBytes, totalBytes: plan.total))
                    continue
                }
                switch response.status {
                case 200:
                    // The whole file from byte 0: a plain GET, or a host that ignores (or, past the
                    // first request, stops honoring) ranges. Only bytes not yet written are kept.
                    let from = try plan.receivedWholeFile(answer.piece, size: Int64(response.body.count))
                    try file.write(response.body.dropFirst(Int(from)), at: from)
                    group.cancelAll()
                case 416:
                    try plan.reachedEnd(answer.piece, size: ContentRange(response.headers["Content-Range"])?.size)
                case 403 where !answer.piece.refreshed:
                    // Signed URLs expire; ask the vendor for a fresh one, once per position, and
                    // once for all the pieces that were sent with the expired one.
                    if answer.generation == generation {
                        location = try await refreshLocation()
                        generation += 1
                    }
                    plan.retry(answer.piece, refreshed: true)
                    continue
                default:
                    throw api.resultError(for: response, url: answer.location.url, refreshed: answer.piece.refreshed)
                }
                progress?(DownloadProgress(bytesWritten: plan.completedBytes, totalBytes: plan.total))
            }
        }
        let written = plan.completedBytes
        if let expected = initialLocation.byteCount, expected != written {
            throw GatewayError(.integrity, message: "Downloaded \(written) bytes but the vendor announced \(expected).")
        }
        return written
    }

    /// One piece's request and what came of it: a checked 206 already written at its offset
    /// (`range`), or any other answer (`response`) for the plan to judge.
    private struct PieceAnswer: Sendable {
        var piece: RangePlan.Piece
        var location: DownloadLocation
        var generation: Int
        var range: ContentRange?
        var response: HTTPResponse?
    }

    /// Asks for one piece and writes a 206 answer's bytes at their offset.
    private func fetch(_ asked: PieceAnswer, into file: OutputFile) async throws -> PieceAnswer {
        let (piece, location) = (asked.piece, asked.location)
        let request =
            piece.last.map { RangedRead.request(location.url, from: piece.first, through: $0) }
            ?? RangedRead.whole(location.url)
        let response = try await api.fetchResult(request)
        var answer = asked
        guard response.status == 206 else {
            answer.response = response
            return answer
        }
        // The total comes from Content-Range: the answer may carry no Content-Length at all.
        guard let range = RangedRead.checkedRange(of: response, startingAt: piece.first),
            location.isByteStable || range.size == Int64(response.body.count)
        else {
            throw GatewayError(
                .integrity, httpStatus: 206,
                message:
                    "The host answered range \(piece.first)- with \(response.headers["Content-Range"] ?? "no Content-Range") and \(response.body.count) bytes; refusing to write a corrupt file."
            )
        }
        try file.write(response.body, at: piece.first)
        answer.range = range
        return answer
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
