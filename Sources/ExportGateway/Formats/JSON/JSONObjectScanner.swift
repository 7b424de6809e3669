import Foundation

/// Walks the top-level object of a JSON document arriving in pieces and hands on, one at a
/// time, the elements of the arrays it was asked about.
///
/// A COCO file is one object whose `annotations` array can hold millions of entries, often on
/// one line. This scanner tracks only nesting depth and string state, skips the values of
/// other members without keeping them, and keeps between pieces just the unfinished element,
/// so memory holds one piece and one element whatever the file's size. Elements are not
/// parsed here; the caller parses each one. Skipped values are checked only for balanced
/// nesting and closed strings, not for full JSON validity.
struct JSONObjectScanner: Sendable {
    /// Something found in a piece.
    enum Event: Sendable {
        /// One element of the array value of the member `key`.
        case element(key: String, bytes: Data)
        /// The member `key`, one of those asked about, holds something other than an array.
        case notArray(key: String)
    }

    private enum Position: Sendable {
        case beforeObject
        case beforeKey(afterComma: Bool)
        case inKey
        case afterKey
        case beforeValue
        /// Inside a value that is skipped (or a non-array value of a wanted key).
        case inSkippedValue
        /// Inside a wanted array, where an element may start.
        case beforeElement(afterComma: Bool)
        case inElement
        case afterElement
        case afterValue
        case afterObject
    }

    /// The longest element or key kept between pieces.
    static let maxElementBytes = 64 << 20

    /// The file's name, for messages.
    let name: String
    /// The members whose array elements are handed on.
    let wanted: Set<String>
    /// Every top-level key met so far, in order.
    private(set) var keys: [String] = []

    private var position = Position.beforeObject
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var scalar = false
    private var key = ""
    private var pending: [UInt8] = []
    private var offset: Int64 = 0

    /// A scanner for the file `name` that hands on the elements of the members in `wanted`.
    init(name: String, wanted: Set<String>) {
        self.name = name
        self.wanted = wanted
    }

    /// Whether the object's closing brace has been read.
    var isComplete: Bool {
        if case .afterObject = position { return true }
        return false
    }

    /// The events the next piece of the file completes.
    /// - Throws: ``GatewayError/Kind/decoding`` when the file is not a JSON object.
    mutating func events(in piece: Data) throws -> [Event] {
        var found: [Event] = []
        try piece.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            try scan(bytes, into: &found)
        }
        offset += Int64(piece.count)
        return found
    }

    /// Checks the file ended just after its object.
    /// - Throws: ``GatewayError/Kind/decoding`` when it ended earlier.
    func finish() throws {
        switch position {
        case .afterObject: return
        case .beforeObject:
            throw GatewayError(.decoding, message: "\(name) is empty or holds no JSON object.")
        default:
            throw GatewayError(
                .decoding,
                message: "\(name) ends at byte \(offset), inside its JSON object: the file is truncated. "
                    + "Copy or download it again.")
        }
    }

    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, into found: inout [Event]) throws {
        var start: Int? = nil  // where the current key or element began in this piece
        var index = 0
        let count = bytes.count
        if case .inElement = position { start = 0 }
        if case .inKey = position { start = 0 }
        while index < count {
            let byte = bytes[index]
            switch position {
            case .beforeObject:
                if byte == UInt8(ascii: "{") {
                    position = .beforeKey(afterComma: false)
                } else if !Self.isWhiteSpace(byte) {
                    throw unexpected(byte, at: index, expecting: "the `{` that opens a JSON object")
                }
            case .beforeKey(let afterComma):
                if Self.isWhiteSpace(byte) { break }
                if byte == UInt8(ascii: "}") && !afterComma {
                    position = .afterObject
                } else if byte == UInt8(ascii: "\"") {
                    position = .inKey
                    escaped = false
                    pending.removeAll(keepingCapacity: true)
                    start = index + 1
                } else {
                    throw unexpected(byte, at: index, expecting: "a member name")
                }
            case .inKey:
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(start ?? 0)..<index]))
                    key = try decodeKey(pending)
                    keys.append(key)
                    pending.removeAll(keepingCapacity: true)
                    start = nil
                    position = .afterKey
                }
            case .afterKey:
                if Self.isWhiteSpace(byte) { break }
                guard byte == UInt8(ascii: ":") else { throw unexpected(byte, at: index, expecting: "`:`") }
                position = .beforeValue
            case .beforeValue:
                if Self.isWhiteSpace(byte) { break }
                if wanted.contains(key) && byte == UInt8(ascii: "[") {
                    position = .beforeElement(afterComma: false)
                    break
                }
                if wanted.contains(key) { found.append(.notArray(key: key)) }
                guard byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "]") else {
                    throw unexpected(byte, at: index, expecting: "a value")
                }
                beginValue(byte)
                position = .inSkippedValue
            case .inSkippedValue:
                if step(byte) {
                    position = .afterValue
                    if scalar { continue }  // the delimiter is read again
                }
            case .beforeElement(let afterComma):
                if Self.isWhiteSpace(byte) { break }
                if byte == UInt8(ascii: "]") && !afterComma {
                    position = .afterValue
                    break
                }
                guard byte != UInt8(ascii: ","), byte != UInt8(ascii: "]") else {
                    throw unexpected(byte, at: index, expecting: "an array element")
                }
                beginValue(byte)
                pending.removeAll(keepingCapacity: true)
                start = index
                position = .inElement
            case .inElement:
                if step(byte) {
                    let end = scalar ? index : index + 1
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(start ?? 0)..<end]))
                    found.append(.element(key: key, bytes: Data(pending)))
                    pending.removeAll(keepingCapacity: true)
                    start = nil
                    position = .afterElement
                    if scalar { continue }
                }
            case .afterElement:
                if Self.isWhiteSpace(byte) { break }
                if byte == UInt8(ascii: ",") {
                    position = .beforeElement(afterComma: true)
                } else if byte == UInt8(ascii: "]") {
                    position = .afterValue
                } else {
                    throw unexpected(byte, at: index, expecting: "`,` or `]` after an array element")
                }
            case .afterValue:
                if Self.isWhiteSpace(byte) { break }
                if byte == UInt8(ascii: ",") {
                    position = .beforeKey(afterComma: true)
                } else if byte == UInt8(ascii: "}") {
                    position = .afterObject
                } else {
                    throw unexpected(byte, at: index, expecting: "`,` or `}` after a member")
                }
            case .afterObject:
                if !Self.isWhiteSpace(byte) {
                    throw unexpected(byte, at: index, expecting: "nothing after the object's `}`")
                }
            }
            index += 1
        }
        switch position {
        case .inElement, .inKey:
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(start ?? 0)..<count]))
            guard pending.count <= Self.maxElementBytes else {
                throw GatewayError(
                    .decoding,
                    message: "\(name) has an element of `\(key)` longer than \(Self.maxElementBytes) bytes "
                        + "(near byte \(offset + Int64(count))); refusing to hold it. Check the file is COCO JSON.")
            }
        default: break
        }
    }

    /// Starts tracking a value whose first byte is `byte`.
    private mutating func beginValue(_ byte: UInt8) {
        depth = 0
        inString = false
        escaped = false
        scalar = false
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["): depth = 1
        case UInt8(ascii: "\""): inString = true
        default: scalar = true
        }
    }

    /// Advances through a value; `true` when `byte` ends it (for a scalar, the delimiter after it).
    private mutating func step(_ byte: UInt8) -> Bool {
        if inString {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
                return depth == 0
            }
            return false
        }
        if scalar {
            return byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
                || Self.isWhiteSpace(byte)
        }
        switch byte {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth -= 1
            return depth == 0
        default: break
        }
        return false
    }

    private func decodeKey(_ raw: [UInt8]) throws -> String {
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        let quoted = Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")])
        guard let text = (try? JSONValue(parsing: quoted))?.stringValue else {
            throw GatewayError(.decoding, message: "\(name) has a member name that is not a valid JSON string.")
        }
        return text
    }

    private static func isWhiteSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private func unexpected(_ byte: UInt8, at index: Int, expecting: String) -> GatewayError {
        let shown =
            (0x21...0x7E).contains(byte) ? "`\(Character(UnicodeScalar(byte)))`" : "byte 0x\(String(byte, radix: 16))"
        return GatewayError(
            .decoding,
            message: "\(name) is not a JSON object as COCO needs: \(shown) at byte \(offset + Int64(index)), "
                + "where \(expecting) was expected.")
    }
}
