import Foundation

/// Reads a record stream's bytes in order from any offset, one bounded piece at a time, with
/// up to `window - 1` further pieces fetched ahead.
///
/// The vendor says which chunk holds an offset (`locate`); the chunk's URL is fetched in
/// `Range` pieces of at most `pieceSize` bytes (with the credential only when it is on the
/// API's own origin, see ``VendorAPI/fetchResult(_:)``), so memory never holds
/// more than `window` pieces whatever the stream's size. While the caller handles one piece,
/// the next `window - 1` are already being located and fetched; a window of 1 reads strictly
/// one piece after the other. A piece that cannot be fetched (an expired signature, a
/// connection that stays down after the client's retries) is asked for again once, from the
/// same offset, with a freshly located chunk, and the pieces after it are asked for afresh
/// too: an interrupted stream resumes where it stopped instead of starting over.
struct StreamByteReader: Sendable {
    let source: StreamPieceSource
    /// How many pieces may be held at once: the one handed out and those fetched after it.
    let window: Int
    /// The next byte to read.
    private(set) var offset: Int64
    private var chunk: RecordChunk?
    /// The pieces from `offset` on, already asked for, in stream order.
    private var ahead: [PieceFetch] = []

    init(
        stream: RecordStream, totalBytes: Int64, startingAt offset: Int64, pieceSize: Int, api: VendorAPI,
        window: Int = 1, locate: @escaping @Sendable (Int64) async throws -> RecordChunk
    ) {
        source = StreamPieceSource(
            stream: stream, totalBytes: totalBytes, pieceSize: max(1, pieceSize), api: api, locate: locate)
        self.window = max(1, window)
        self.offset = offset
    }

    /// The stream's length in bytes.
    var totalBytes: Int64 { source.totalBytes }

    /// The next piece of the stream and the offset it starts at; `nil` past the end.
    mutating func next() async throws -> (offset: Int64, bytes: Data)? {
        guard offset < totalBytes else { return nil }
        do {
            return try await nextPiece()
        } catch {
            // Whatever was asked for after a failure is asked for again if reading goes on.
            dropAhead()
            throw error
        }
    }

    private mutating func nextPiece() async throws -> (offset: Int64, bytes: Data)? {
        var relocated = false
        while true {
            try Task.checkCancellation()
            // The first piece (of the stream, or after a failure) is asked for alone, so that
            // nothing competes with it; the window fills once it has arrived.
            fillAhead(to: ahead.isEmpty ? 1 : window)
            let piece = ahead.removeFirst()
            guard let plan = try await piece.plan() else { return nil }
            do {
                let bytes = try await piece.bytes()
                offset = plan.offset + Int64(bytes.count)
                chunk = plan.chunk
                // A host that sent more (a whole chunk) or less than asked moves every later piece.
                if Int64(bytes.count) == plan.byteCount { fillAhead(to: window - 1) } else { dropAhead() }
                return (plan.offset, bytes)
            } catch let error as GatewayError where !relocated && StreamPieceSource.isWorthRelocating(error) {
                try Task.checkCancellation()
                relocated = true
                chunk = nil
                dropAhead()
            }
        }
    }

    /// Asks for pieces after the last one asked for (after `offset` when none is) until
    /// `count` are under way.
    private mutating func fillAhead(to count: Int) {
        while ahead.count < count {
            ahead.append(PieceFetch(after: ahead.last, offset: offset, known: chunk, source: source))
        }
    }

    private mutating func dropAhead() {
        for piece in ahead { piece.cancel() }
        ahead = []
    }
}

/// How a stream reader finds and fetches pieces: everything but its position, so the tasks
/// fetching ahead hold no reader (and cannot keep the pieces it dropped alive).
struct StreamPieceSource: Sendable {
    let stream: RecordStream
    let totalBytes: Int64
    let pieceSize: Int
    let api: VendorAPI
    let locate: @Sendable (Int64) async throws -> RecordChunk

    /// The chunk the vendor says holds `offset`, checked to hold it and to lie inside the stream.
    func locateChunk(holding offset: Int64) async throws -> RecordChunk {
        let located = try await locate(offset)
        guard located.byteRange.contains(offset), located.byteRange.upperBound < totalBytes else {
            throw GatewayError(
                .integrity,
                message:
                    "Asked for byte \(offset) of the \(stream.rawValue) stream (\(totalBytes) bytes), the vendor pointed at bytes \(located.byteRange.lowerBound)-\(located.byteRange.upperBound); refusing to read a corrupt stream."
            )
        }
        return located
    }

    /// The bytes of `plan`, from its offset to its last byte or, from a host that ignores
    /// ranges, to the end of its chunk.
    func fetch(_ plan: PiecePlan) async throws -> Data {
        let chunk = plan.chunk
        let first = plan.offset - chunk.byteRange.lowerBound
        let last = plan.last - chunk.byteRange.lowerBound
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
    static func isWorthRelocating(_ error: GatewayError) -> Bool {
        error.isTransient || error.httpStatus == 403 || error.httpStatus == 404
    }
}
