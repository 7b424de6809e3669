import Foundation

/// A small pull parser for data-style XML documents such as Pascal VOC annotations: it hands
/// out start tags, end tags and text one at a time, and refuses anything it cannot read safely.
///
/// It understands elements, attributes, text, the five named entities (`&lt;` …), numeric
/// character references, CDATA sections and comments; it skips processing instructions, the
/// XML declaration and a DOCTYPE (whose entities are never expanded, so entity-expansion
/// attacks have nothing to work with). Input must be UTF-8. Every malformed construct throws
/// ``GatewayError/Kind/decoding`` naming the file and line.
///
/// ```swift
/// var parser = XMLPullParser(data, file: "Annotations/0001.xml")
/// while let event = try parser.next() {
///     if case .start(let name, _) = event { print(name) }
/// }
/// ```
public struct XMLPullParser: Sendable {
    /// One piece of the document.
    public enum Event: Sendable, Hashable {
        /// An opening tag, with its attributes (a self-closing tag gives a start and an end).
        case start(name: String, attributes: [String: String])
        /// A closing tag.
        case end(name: String)
        /// Character data inside an element, entities decoded; may come in several pieces
        /// (around a comment or a CDATA section).
        case text(String)
    }

    /// The file name used in error messages.
    public let file: String
    /// How deeply elements may nest before the document is refused.
    public let maxDepth: Int
    /// The line (1-based) the parser has reached.
    public private(set) var line = 1

    private let bytes: [UInt8]
    private var position = 0
    private var open: [String] = []
    private var sawRoot = false
    private var pendingEnd: String?

    /// Prepares to parse `data`, a UTF-8 document read from `file`.
    public init(_ data: Data, file: String, maxDepth: Int = 64) {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
        self.file = file
        self.maxDepth = maxDepth
    }

    /// The next event, or `nil` after the root element has closed and only trailing
    /// comments or whitespace are left.
    /// - Throws: ``GatewayError/Kind/decoding`` for malformed XML.
    public mutating func next() throws -> Event? {
        if let name = pendingEnd {
            pendingEnd = nil
            return try close(name)
        }
        while position < bytes.count {
            if bytes[position] != UInt8(ascii: "<") {
                if let text = try readText() { return .text(text) }
                continue
            }
            if matches("<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if matches("<!--") {
                try skip(past: "-->", what: "comment")
            } else if matches("<![CDATA[") {
                guard !open.isEmpty else { throw failure("CDATA section outside the root element") }
                position += 9
                let start = position
                try skip(past: "]]>", what: "CDATA section")
                let text = try string(bytes[start..<(position - 3)], normalizingNewlines: true)
                if !text.isEmpty { return .text(text) }
            } else if matches("<!DOCTYPE") {
                guard !sawRoot else { throw failure("DOCTYPE after the root element") }
                try skipDoctype()
            } else if matches("<!") {
                throw failure("unknown markup declaration")
            } else if matches("</") {
                position += 2
                let name = try readName()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ">") else {
                    throw failure("closing tag </\(name)> not ended by >")
                }
                position += 1
                return try close(name)
            } else {
                return try readStartTag()
            }
        }
        guard open.isEmpty else { throw failure("the document ends inside <\(open[open.count - 1])>") }
        guard sawRoot else { throw failure("the document has no root element") }
        return nil
    }

    private mutating func close(_ name: String) throws -> Event {
        guard let last = open.last else { throw failure("closing tag </\(name)> with no open element") }
        guard last == name else { throw failure("closing tag </\(name)> does not match <\(last)>") }
        open.removeLast()
        return .end(name: name)
    }

    private mutating func readStartTag() throws -> Event {
        position += 1
        let name = try readName()
        guard !(open.isEmpty && sawRoot) else { throw failure("a second root element <\(name)>") }
        var attributes: [String: String] = [:]
        while true {
            let hadSpace = skipWhitespace()
            guard position < bytes.count else { throw failure("tag <\(name)> not closed") }
            let byte = bytes[position]
            if byte == UInt8(ascii: ">") {
                position += 1
                break
            }
            if byte == UInt8(ascii: "/") {
                guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: ">") else {
                    throw failure("tag <\(name)> has a stray /")
                }
                position += 2
                pendingEnd = name
                break
            }
            guard hadSpace else { throw failure("tag <\(name)> needs a space before an attribute") }
            let attribute = try readName()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else {
                throw failure("attribute \(attribute) of <\(name)> has no value")
            }
            position += 1
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'")
            else { throw failure("attribute \(attribute) of <\(name)> is not quoted") }
            let quote = bytes[position]
            position += 1
            let start = position
            while position < bytes.count, bytes[position] != quote {
                if bytes[position] == UInt8(ascii: "<") { throw failure("< inside attribute \(attribute)") }
                if bytes[position] == UInt8(ascii: "\n") { line += 1 }
                position += 1
            }
            guard position < bytes.count else { throw failure("attribute \(attribute) of <\(name)> not closed") }
            position += 1
            guard attributes[attribute] == nil else { throw failure("attribute \(attribute) repeated in <\(name)>") }
            attributes[attribute] = try decodeEntities(bytes[start..<(position - 1)])
        }
        guard open.count < maxDepth else {
            throw failure("elements nest deeper than \(maxDepth) levels")
        }
        open.append(name)
        sawRoot = true
        return .start(name: name, attributes: attributes)
    }

    /// Text up to the next `<`; `nil` when it is only whitespace outside the root.
    private mutating func readText() throws -> String? {
        let start = position
        let startLine = line
        while position < bytes.count, bytes[position] != UInt8(ascii: "<") {
            if bytes[position] == UInt8(ascii: "\n") { line += 1 }
            position += 1
        }
        let slice = bytes[start..<position]
        if open.isEmpty {
            guard slice.allSatisfy(Self.isWhitespace) else {
                line = startLine
                throw failure("text outside the root element")
            }
            return nil
        }
        let text = try decodeEntities(slice)
        return text.isEmpty ? nil : text
    }

    private mutating func readName() throws -> String {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isWhitespace(byte) || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/")
                || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "\"")
                || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "&")
            {
                break
            }
            position += 1
        }
        guard position > start else { throw failure("a tag or attribute without a name") }
        let first = bytes[start]
        guard
            first >= 0x80 || first == UInt8(ascii: "_") || first == UInt8(ascii: ":")
                || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z"))
        else { throw failure("a name cannot start with \(UnicodeScalar(first))") }
        return try string(bytes[start..<position], normalizingNewlines: false)
    }

    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = position
        while position < bytes.count, Self.isWhitespace(bytes[position]) {
            if bytes[position] == UInt8(ascii: "\n") { line += 1 }
            position += 1
        }
        return position > start
    }

    private func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[position + offset] != pointer[offset] { return false }
        return true
    }

    /// Moves just past the next `terminator`, counting lines.
    private mutating func skip(past terminator: StaticString, what: String) throws {
        let startLine = line
        while position < bytes.count {
            if matches(terminator) {
                position += terminator.utf8CodeUnitCount
                return
            }
            if bytes[position] == UInt8(ascii: "\n") { line += 1 }
            position += 1
        }
        line = startLine
        throw failure("\(what) not closed")
    }

    /// Skips `<!DOCTYPE …>` including an internal subset in brackets; declared entities are
    /// ignored, so a reference to one later is an unknown entity.
    private mutating func skipDoctype() throws {
        let startLine = line
        var bracketDepth = 0
        var quote: UInt8?
        position += 9
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\n") { line += 1 }
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "[") {
                bracketDepth += 1
            } else if byte == UInt8(ascii: "]") {
                bracketDepth -= 1
            } else if byte == UInt8(ascii: ">"), bracketDepth <= 0 {
                return
            }
        }
        line = startLine
        throw failure("DOCTYPE not closed")
    }

    private func decodeEntities(_ slice: ArraySlice<UInt8>) throws -> String {
        guard slice.contains(UInt8(ascii: "&")) else { return try string(slice, normalizingNewlines: true) }
        var output: [UInt8] = []
        output.reserveCapacity(slice.count)
        var index = slice.startIndex
        while index < slice.endIndex {
            let byte = slice[index]
            guard byte == UInt8(ascii: "&") else {
                output.append(byte)
                index += 1
                continue
            }
            guard let semicolon = slice[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                throw failure("& not followed by an entity name and ;")
            }
            let name = String(decoding: slice[(index + 1)..<semicolon], as: UTF8.self)
            guard let scalar = Self.entity(name) else { throw failure("unknown entity &\(name);") }
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
            index = semicolon + 1
        }
        return try string(output[...], normalizingNewlines: true)
    }

    private static func entity(_ name: String) -> Unicode.Scalar? {
        switch name {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value: UInt32?
            if digits.hasPrefix("x") || digits.hasPrefix("X") {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return scalar
        }
    }

    private func string(_ slice: ArraySlice<UInt8>, normalizingNewlines: Bool) throws -> String {
        guard let text = String(validating: slice, as: UTF8.self) else { throw failure("text that is not UTF-8") }
        guard normalizingNewlines, slice.contains(UInt8(ascii: "\r")) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private func failure(_ reason: String) -> GatewayError {
        GatewayError(
            .decoding,
            message: "\(file), line \(line): malformed XML: \(reason). Check that the file is a complete, "
                + "well-formed XML document.")
    }
}
