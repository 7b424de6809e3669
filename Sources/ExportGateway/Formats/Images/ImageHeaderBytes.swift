import Foundation

/// Bytes pulled from a ``DatasetFileReader`` only as far as a header parser asks, never past
/// a limit, so a hostile length cannot make it read a whole large file.
struct ImageHeaderBytes {
    /// The file being read.
    var reader: any DatasetFileReader
    /// Bytes read from `reader` but not consumed yet.
    private var pending = Data()
    /// Bytes read so far, against `limit`.
    private var consumed = 0
    private let limit: Int
    private var atEnd = false

    /// Reads through `reader`, at most `limit` bytes in all.
    init(reader: any DatasetFileReader, limit: Int) {
        self.reader = reader
        self.limit = limit
    }

    /// Fills `pending` to at least `count` bytes when the file has them.
    private mutating func fill(_ count: Int) throws {
        while pending.count < count, !atEnd {
            guard consumed < limit, let piece = try reader.read(upTo: min(1 << 14, limit - consumed)) else {
                atEnd = true
                return
            }
            consumed += piece.count
            pending.append(piece)
        }
    }

    /// Up to `count` bytes without consuming them; `nil` when fewer than `minimum` exist.
    mutating func peek(_ count: Int, atLeast minimum: Int) throws -> Data? {
        try fill(count)
        guard pending.count >= minimum else { return nil }
        return Data(pending.prefix(count))
    }

    /// Exactly `count` bytes, consumed; `nil` when the file ends first.
    mutating func take(_ count: Int) throws -> Data? {
        try fill(count)
        guard pending.count >= count else { return nil }
        let taken = Data(pending.prefix(count))
        pending.removeFirst(count)
        return taken
    }

    /// One byte, consumed.
    mutating func byte() throws -> UInt8? {
        try take(1)?.first
    }

    /// Drops `count` bytes, reading past them in pieces; `false` when the file or the limit
    /// ends first.
    mutating func skip(_ count: Int) throws -> Bool {
        var remaining = count
        while remaining > 0 {
            if pending.isEmpty {
                try fill(1)
                if pending.isEmpty { return false }
            }
            let drop = min(remaining, pending.count)
            pending.removeFirst(drop)
            remaining -= drop
        }
        return true
    }
}
