import Foundation

/// Reads a record stream's bytes in order from any offset, one bounded piece at a time.
///
/// The vendor says which chunk holds an offset (`locate`); the chunk's URL is fetched in
/// `Range` pieces of at most `pieceSize` bytes (with the credential only when it is on the
/// API's own origin, see ``VendorAPI/fetchResult(_:)``), so memory never holds
/// more than one piece whatever the stream's size. A piece that cannot be fetched (an expired
/// signature, a connection that stays down after the client's retries) is asked for again
/// once, from the same offset, with a freshly located chunk: an interrupted stream resumes
/// where it stopped instead of starting over.
struct StreamByteReader: Sendable {
    let stream: RecordStream
    let totalBytes: Int64
    let pieceSize: Int
    let api: VendorAPI
    let locate: @Sendable (Int64) async throws -> RecordChunk
    /// The next byte to read.
    private(set) var offset: Int64
    private var chunk: RecordChunk?

    init(
        stream: RecordStream, totalBytes: Int64, startingAt offset: Int64, pieceSize: Int, api: VendorAPI,
        locate: @escaping @Sendable (Int64) async throws -> RecordChunk
    ) {
        self.stream = stream
        self.totalBytes = totalBytes
        self.offset = offset
        self.pieceSize = max(1, pieceSize)
        self.api = api
        self.locate = locate
    }

    /// The next piece of the stream and the offset it starts at; `nil` past the end.
    mutating func next() async throws -> (offset: Int64, bytes: Data)? {
        guard offset < totalBytes else { return nil }
        var relocated = false
        while true {
            try Task.checkCancellation()
            let chunk = try await chunkHoldingOffset()
            do {
                let bytes = try await fetch(from: chunk)
                let start = offset
                offset += Int64(bytes.count)
                return (start, bytes)
            } catch let error as GatewayError where !relocated && Self.isWorthRelocating(error) {
                relocated = true
                self.chunk = nil
            }
        }
    }

    private mutating func chunkHoldingOffset() async throws -> RecordChunk {
        if let chunk, chunk.byteRange.contains(offset) { return chunk }
        let located = try await locate(offset)
        guard located.byteRange.contains(offset), located.byteRange.upperBound < totalBytes else {
            throw GatewayError(
                .integrity,
                message:
                    "Asked for byte \(offset) of the \(stream.rawValue) stream (\(totalBytes) bytes), the vendor pointed at bytes \(located.byteRange.lowerBound)-\(located.byteRange.upperBound); refusing to read a corrupt stream."
            )
        }
        chunk = located
        return located
    }

    private func fetch(from chunk: RecordChunk) async throws -> Data {
        let first = offset - chunk.byteRange.lowerBound
        let last = min(chunk.byteRange.upperBound, offset + Int64(pieceSize) - 1) - chunk.byteRange.lowerBound
        let response = try await api.fetchResult(RangedRead.request(chunk.url, from: first, through: last))
        switch response.status {
        case 206:
            guard let range = RangedRead.checkedRange(of: response, startingAt: first),
                range.size.map({ $0 == chunk.byteCount }) ?? true
            else {
                throw GatewayError(
                    .integrity, httpStatus: 206,
                    message:
                        "The storage host answered range \(first)-\(last) of a \(chunk.byteCount)-byte chunk with \(response.headers["Content-Range"] ?? "no Content-Range") and \(response.body.count) bytes; refusing to read a corrupt stream."
                )
            }
            return response.body
        case 200:
            // The host ignores ranges: the whole chunk came at once; keep the part from the offset.
            guard Int64(response.body.count) == chunk.byteCount else {
                throw GatewayError(
                    .integrity, httpStatus: 200,
                    message:
                        "A chunk of the \(stream.rawValue) stream should hold \(chunk.byteCount) bytes, the storage host sent \(response.body.count)."
                )
            }
            return response.body.subdata(in: (response.body.startIndex + Int(first))..<response.body.endIndex)
        default:
            throw api.resultError(for: response, url: chunk.url, refreshed: false)
        }
    }

    /// An expired or withdrawn signed URL (403, 404) or a failure that outlasted the retries.
    private static func isWorthRelocating(_ error: GatewayError) -> Bool {
        error.isTransient || error.httpStatus == 403 || error.httpStatus == 404
    }
}
