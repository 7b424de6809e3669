import Foundation

/// Cuts a byte stream that arrives in pieces into NDJSON lines.
///
/// Bytes are joined before anything is decoded, so a line, or a multi-byte UTF-8 character,
/// split across pieces comes out whole. Only the unfinished tail of the last piece is kept
/// between pieces. Blank lines (and a `\r` before `\n`) carry no record and are skipped.
struct LineSplitter: Sendable {
    /// The longest line accepted; a longer one means the stream is not NDJSON.
    static let maxLineBytes = 64 << 20

    private var pending = Data()
    private var pendingOffset: Int64 = 0

    /// The lines `piece` (which starts at stream offset `offset`) completes.
    mutating func lines(in piece: Data, at offset: Int64) throws -> [RecordSlice] {
        var lines: [RecordSlice] = []
        var lineStart = piece.startIndex
        var lineOffset = pending.isEmpty ? offset : pendingOffset
        piece.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var position = 0
            while position < raw.count,
                let found = memchr(base + position, 0x0A, raw.count - position)
            {
                let newline = base.distance(to: UnsafeRawPointer(found))
                let end = piece.startIndex + newline
                var bytes = piece[lineStart..<end]
                if !pending.isEmpty {
                    pending.append(bytes)
                    bytes = pending
                    pending = Data()
                }
                let next = offset + Int64(newline) + 1
                lines.append(RecordSlice(bytes: bytes, offset: lineOffset, nextOffset: next))
                lineOffset = next
                lineStart = end + 1
                position = newline + 1
            }
        }
        if lineStart < piece.endIndex {
            if pending.isEmpty { pendingOffset = lineOffset }
            pending.append(piece[lineStart..<piece.endIndex])
            guard pending.count <= Self.maxLineBytes else {
                throw GatewayError(
                    .decoding,
                    message:
                        "A line of the stream starting at byte \(pendingOffset) is longer than \(Self.maxLineBytes) bytes; the stream is not NDJSON."
                )
            }
        }
        return lines.filter { !Self.isBlank($0.bytes) }
    }

    /// The last line, when the stream does not end with a newline.
    mutating func finish(at endOffset: Int64) -> RecordSlice? {
        defer { pending = Data() }
        guard !pending.isEmpty, !Self.isBlank(pending) else { return nil }
        return RecordSlice(bytes: pending, offset: pendingOffset, nextOffset: endOffset)
    }

    private static func isBlank(_ bytes: Data) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
