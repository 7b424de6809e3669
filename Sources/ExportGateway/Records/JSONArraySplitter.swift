import Foundation

/// Cuts a byte stream holding one JSON array, arriving in pieces, into its elements.
///
/// A vendor's stored export file can be a single array on one line (megabytes with no
/// newline), so a line splitter would hold all of it. This one tracks only nesting depth and
/// string state, keeps just the unfinished element between pieces, and hands each element's
/// bytes on as soon as the comma or bracket after it arrives: memory holds one piece and one
/// element whatever the file's size. Elements are not parsed here; that stays per record.
struct JSONArraySplitter: Sendable {
    private enum Position: Sendable {
        /// Before the opening bracket.
        case beforeArray
        /// Where an element may start; `afterComma` forbids a closing bracket (no trailing comma).
        case beforeElement(afterComma: Bool)
        /// Inside an element.
        case inElement
        /// After an element, before its comma or the closing bracket.
        case afterElement
        /// After the closing bracket: only white space may follow.
        case afterArray
    }

    private var position: Position
    /// Open brackets and braces of the current element.
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// Whether the current element is a bare scalar (ends at a delimiter, not at a bracket).
    private var scalar = false
    /// The current element's bytes from earlier pieces.
    private var pending = Data()
    private var elementOffset: Int64 = 0
    /// A complete element waiting for the separator that gives its `nextOffset`.
    private var completed: (bytes: Data, offset: Int64)?

    /// A splitter for a stream read from byte 0, or from a record's `nextOffset` when `resuming`
    /// (then ``resume(after:)`` says which separator came before).
    init(resuming: Bool = false) {
        position = resuming ? .beforeElement(afterComma: true) : .beforeArray
    }

    /// The stream resumes just after `separator`: a comma (an element follows) or the closing
    /// bracket (nothing does).
    mutating func resume(after separator: UInt8) {
        position = separator == UInt8(ascii: "]") ? .afterArray : .beforeElement(afterComma: true)
    }

    /// The elements `piece` (which starts at stream offset `offset`) completes.
    mutating func elements(in piece: Data, at offset: Int64) throws -> [RecordSlice] {
        var found: [RecordSlice] = []
        // Where the current element began in this piece, if it did.
        var start: Data.Index? = nil
        var index = piece.startIndex
        while index < piece.endIndex {
            let byte = piece[index]
            let streamOffset = offset + Int64(index - piece.startIndex)
            switch position {
            case .beforeArray:
                if byte == UInt8(ascii: "[") {
                    position = .beforeElement(afterComma: false)
                } else if !Self.isWhiteSpace(byte) {
                    throw Self.unexpected(byte, at: streamOffset, expecting: "the `[` that opens the array")
                }
            case .beforeElement(let afterComma):
                if Self.isWhiteSpace(byte) { break }
                if byte == UInt8(ascii: "]") && !afterComma {
                    position = .afterArray
                    break
                }
                guard byte != UInt8(ascii: ","), byte != UInt8(ascii: "]") else {
                    throw Self.unexpected(byte, at: streamOffset, expecting: "an element")
                }
                position = .inElement
                start = index
                elementOffset = streamOffset
                depth = 0
                inString = false
                escaped = false
                scalar = false
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth = 1
                case UInt8(ascii: "\""): inString = true
                default: scalar = true
                }
            case .inElement:
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                        if depth == 0 { complete(piece, from: start, upTo: piece.index(after: index)) }
                    }
                } else if scalar {
                    if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || Self.isWhiteSpace(byte) {
                        complete(piece, from: start, upTo: index)
                        continue  // the delimiter is read again after the element
                    }
                } else {
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { complete(piece, from: start, upTo: piece.index(after: index)) }
                    default: break
                    }
                }
            case .afterElement:
                if Self.isWhiteSpace(byte) { break }
                guard byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]"), let element = completed else {
                    throw Self.unexpected(byte, at: streamOffset, expecting: "`,` or `]` after an element")
                }
                found.append(RecordSlice(bytes: element.bytes, offset: element.offset, nextOffset: streamOffset + 1))
                completed = nil
                position = byte == UInt8(ascii: ",") ? .beforeElement(afterComma: true) : .afterArray
            case .afterArray:
                if !Self.isWhiteSpace(byte) {
                    throw Self.unexpected(byte, at: streamOffset, expecting: "nothing after the array's `]`")
                }
            }
            index = piece.index(after: index)
        }
        if case .inElement = position {
            pending.append(piece[(start ?? piece.startIndex)..<piece.endIndex])
            guard pending.count <= LineSplitter.maxLineBytes else {
                throw GatewayError(
                    .decoding,
                    message:
                        "The array element starting at byte \(elementOffset) of the stream is longer than \(LineSplitter.maxLineBytes) bytes; refusing to hold it."
                )
            }
        }
        return found
    }

    /// Checks the stream ended where an array may end; nothing is left to hand on, since an
    /// element is handed on only with the separator after it.
    mutating func finish(at endOffset: Int64) throws -> RecordSlice? {
        switch position {
        case .afterArray: return nil
        case .beforeArray:
            throw GatewayError(
                .decoding, message: "The stream ended at byte \(endOffset) before a JSON array began.")
        default:
            throw GatewayError(
                .decoding,
                message:
                    "The stream ended at byte \(endOffset), inside its JSON array: the file is truncated. Download it again."
            )
        }
    }

    /// The current element ends just before `end` in `piece`.
    private mutating func complete(_ piece: Data, from start: Data.Index?, upTo end: Data.Index) {
        var bytes = piece[(start ?? piece.startIndex)..<end]
        if !pending.isEmpty {
            pending.append(bytes)
            bytes = pending
            pending = Data()
        }
        completed = (bytes, elementOffset)
        position = .afterElement
    }

    private static func isWhiteSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func unexpected(_ byte: UInt8, at offset: Int64, expecting: String) -> GatewayError {
        let shown =
            (0x21...0x7E).contains(byte) ? "`\(Character(UnicodeScalar(byte)))`" : "byte 0x\(String(byte, radix: 16))"
        return GatewayError(
            .decoding,
            message: "The stream is not a JSON array: \(shown) at byte \(offset), where \(expecting) was expected.")
    }
}
