/// Checks that text is one JSON value, as ``JSONValue/init(parsing:)`` reads it, without
/// building anything: no string, number or container is made.
///
/// It refuses exactly what the parser refuses, with the same offsets and reasons, so text it
/// passes can be walked by ``JSONSkipping`` and parsed later without a failure.
struct JSONSyntaxCheck {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func checkDocument() throws(JSONParseError) {
        skipWhitespace()
        try checkValue()
        skipWhitespace()
        guard index == bytes.count else { throw failure("unexpected text after the JSON value") }
    }

    private func failure(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

    private mutating func skipWhitespace() { index = JSONSkipping.whitespace(bytes, from: index) }

    private mutating func checkValue() throws(JSONParseError) {
        guard index < bytes.count else { throw failure("unexpected end of data") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try checkObject()
        case UInt8(ascii: "["): try checkArray()
        case UInt8(ascii: "\""): try checkString()
        case UInt8(ascii: "t"): try consume("true")
        case UInt8(ascii: "f"): try consume("false")
        case UInt8(ascii: "n"): try consume("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try checkNumber()
        default: throw failure("expected a value")
        }
    }

    private mutating func consume(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("expected \(literal)") }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw failure("expected \(literal)")
        }
        index += count
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= JSONSyntaxCheck.maxDepth else { throw failure("nested deeper than \(Self.maxDepth) levels") }
    }

    /// Deep enough for any real document, shallow enough that hostile nesting cannot
    /// exhaust the stack; the parser refuses the same depth.
    static let maxDepth = 512

    private mutating func checkObject() throws(JSONParseError) {
        try enter()
        defer { depth -= 1 }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw failure("expected a member name")
            }
            try checkString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            index += 1
            skipWhitespace()
            try checkValue()
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of data in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            } else {
                throw failure("expected ',' or '}'")
            }
        }
    }

    private mutating func checkArray() throws(JSONParseError) {
        try enter()
        defer { depth -= 1 }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try checkValue()
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of data in an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return
            } else {
                throw failure("expected ',' or ']'")
            }
        }
    }

    private mutating func checkString() throws(JSONParseError) {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw failure("unfinished escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    try checkHex4()
                default:
                    throw failure("unknown escape \\\(Character(Unicode.Scalar(escape)))")
                }
            default:
                guard byte >= 0x20 else { throw failure("control character in a string") }
                index += 1
            }
        }
        throw failure("unterminated string")
    }

    private mutating func checkHex4() throws(JSONParseError) {
        guard index + 4 <= bytes.count else { throw failure("short \\u escape") }
        for _ in 0..<4 {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                UInt8(ascii: "A")...UInt8(ascii: "F"):
                index += 1
            default: throw failure("bad hex digit in \\u escape")
            }
        }
    }

    private mutating func checkNumber() throws(JSONParseError) {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw failure("expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("expected a digit after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("expected a digit in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        // Any number of this grammar is a Double (too large a one is infinity), so the
        // parser's range check never refuses one and nothing more is checked here.
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
