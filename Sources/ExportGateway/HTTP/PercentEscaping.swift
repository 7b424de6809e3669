/// Percent-escaping for path segments and query items, byte by byte over UTF-8, so the
/// result is the same on every platform (Foundation's `CharacterSet` escaping differs
/// between Linux and Darwin for non-ASCII text).
enum PercentEscaping {
    /// `text` with every byte escaped but RFC 3986's unreserved characters (letters, digits,
    /// `-`, `.`, `_`, `~`): safe inside one path segment or one query name or value, so a
    /// `/`, `?`, `&`, `=`, `+` or `#` in an id or a cursor keeps its meaning as data.
    static func escapingAllButUnreserved(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                escaped += "%"
                escaped.unicodeScalars.append(hexDigit(byte >> 4))
                escaped.unicodeScalars.append(hexDigit(byte & 0x0F))
            }
        }
        return escaped
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10)
    }
}
