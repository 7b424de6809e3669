/// The bookkeeping of one download: which byte ranges are still to fetch, which are in
/// flight, and what is known of the file. Several ranged GETs may be in flight and finish in
/// any order; completion is counted by range, never by arrival order, so the file is whole
/// exactly when every range has been written at its offset. Owned by one task.
struct RangePlan {
    /// One request's worth of the file: bytes `first...last`, or with `last` `nil` the whole
    /// file in one plain GET.
    struct Piece: Sendable, Hashable {
        var first: Int64
        var last: Int64?
        /// Whether this position already had its one fresh location (after a 403).
        var refreshed = false
    }

    /// The file's size, once the host has said.
    private(set) var total: Int64?
    /// Bytes written and accounted for, by range.
    private(set) var completedBytes: Int64 = 0

    private let pieceSize: Int64
    private let maxInFlight: Int
    private let asksForWholeFile: Bool
    /// The first byte no piece has been issued for yet.
    private var nextOffset: Int64 = 0
    /// Pieces to ask for again (a 403, a short answer), ahead of new ones.
    private var retries: [Piece]
    private var inFlight: Set<Piece> = []
    /// Set by a whole-file answer, which covers every range at once.
    private var hasWholeFile = false

    /// A plan asking for `pieceSize`-byte ranges, at most `maxInFlight` at a time once the
    /// size is known (one until then); or, with `wholeFile`, for the file in one plain GET.
    init(pieceSize: Int, maxInFlight: Int, wholeFile: Bool) {
        self.pieceSize = Int64(max(1, pieceSize))
        self.maxInFlight = max(1, maxInFlight)
        asksForWholeFile = wholeFile
        retries = wholeFile ? [Piece(first: 0, last: nil)] : []
    }

    /// Whether every byte of the file is written.
    var isComplete: Bool {
        hasWholeFile || ((total.map { nextOffset >= $0 } ?? false) && retries.isEmpty && inFlight.isEmpty)
    }

    /// The next piece to ask for, or `nil` when enough are in flight or none is left to issue.
    mutating func nextPiece() -> Piece? {
        // Until the first answer says the size (and that ranges are honored), one at a time.
        guard !hasWholeFile, inFlight.count < (total == nil ? 1 : maxInFlight) else { return nil }
        let piece: Piece
        if !retries.isEmpty {
            piece = retries.removeFirst()
        } else if !asksForWholeFile, total.map({ nextOffset < $0 }) ?? true {
            let last = min(nextOffset + pieceSize, total ?? .max) - 1
            piece = Piece(first: nextOffset, last: last)
            nextOffset = last + 1
        } else {
            return nil
        }
        inFlight.insert(piece)
        return piece
    }

    /// Accounts for `piece`, answered with `range` (a checked 206, its bytes written at their
    /// offset); a short answer puts the rest back to be asked for.
    /// - Throws: ``GatewayError/Kind/integrity`` when the file's size changed.
    mutating func received(_ piece: Piece, range: ContentRange) throws {
        inFlight.remove(piece)
        if let known = total, let size = range.size, known != size {
            throw GatewayError(
                .integrity, message: "The file's size changed during the download (\(known) then \(size) bytes).")
        }
        total = range.size ?? total
        let answeredEnd = min(range.last ?? piece.first, (total ?? .max) - 1)
        let end = min(piece.last ?? answeredEnd, answeredEnd)
        completedBytes += end - piece.first + 1
        if let last = piece.last, end < last, end + 1 < total ?? .max {
            retries.insert(Piece(first: end + 1, last: last), at: 0)
        }
        // Bytes answered past the piece that no other piece was asked for (a host sending
        // more than asked) are written already: they count, and are not asked for again.
        let unclaimed = max(nextOffset, end + 1)
        if answeredEnd >= unclaimed { completedBytes += answeredEnd - unclaimed + 1 }
        nextOffset = max(unclaimed, answeredEnd + 1)
    }

    /// Accounts for a whole-file answer (200) of `size` bytes to `piece`, which covers every
    /// range; returns the offset from which its bytes are still needed.
    /// - Throws: ``GatewayError/Kind/integrity`` when the file's size changed.
    mutating func receivedWholeFile(_ piece: Piece, size: Int64) throws -> Int64 {
        inFlight.remove(piece)
        let needed = ([piece.first, asksForWholeFile ? 0 : nextOffset] + retries.map(\.first) + inFlight.map(\.first))
            .min()!
        guard size >= needed, total.map({ $0 == size }) ?? true else {
            throw GatewayError(
                .integrity,
                message: "The file's size changed during the download (\(total ?? needed) then \(size) bytes).")
        }
        total = size
        completedBytes = size
        hasWholeFile = true
        return needed
    }

    /// Accounts for a 416 to `piece` whose `Content-Range` gives `size`: the end of the file
    /// was asked for, which is fine only when `piece` starts exactly there.
    /// - Throws: ``GatewayError/Kind/integrity`` otherwise.
    mutating func reachedEnd(_ piece: Piece, size: Int64?) throws {
        inFlight.remove(piece)
        guard let size, size == piece.first, total.map({ $0 == size }) ?? true else {
            throw GatewayError(
                .integrity, httpStatus: 416, message: "The host refused range \(piece.first)- of the file.")
        }
        total = size
    }

    /// Puts `piece` back to be asked for again, first, noting whether it had a fresh location.
    mutating func retry(_ piece: Piece, refreshed: Bool) {
        inFlight.remove(piece)
        var again = piece
        again.refreshed = refreshed
        retries.insert(again, at: 0)
    }
}
