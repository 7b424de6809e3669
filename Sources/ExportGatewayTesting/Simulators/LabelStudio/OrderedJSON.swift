import ExportGateway
import Foundation

/// A JSON value whose object members keep their order, written the three ways Label Studio's
/// Python writes JSON: Django REST Framework's compact answers, `json.dump`'s one-line files
/// with `", "` and `": "` separators, and the converters' indented files.
///
/// ``JSONValue`` sorts keys when it writes; a snapshot file is compared byte for byte (its MD5
/// is in the export object), so the simulator writes its own, fields in the server's order.
indirect enum OrderedJSON: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([OrderedJSON])
    case object([Member])

    /// One member of an object.
    struct Member: Sendable, Equatable {
        var key: String
        var value: OrderedJSON
    }

    /// How the text is laid out.
    enum Style {
        /// `{"a":1,"b":[1,2]}`: Django REST Framework's answers.
        case compact
        /// `{"a": 1, "b": [1, 2]}` on one line: Python's `json.dump` defaults, the stored snapshot.
        case python
        /// One member or element per line, indented by this many spaces: `json.dump(indent=)`.
        case indented(Int)
        /// `ujson.dumps`, which the converters write with: compact (`nil`) or indented, and
        /// every `/` escaped as `\/`.
        case ujson(indent: Int?)
    }

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(floatLiteral value: Double) { self = .double(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: OrderedJSON...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, OrderedJSON)...) {
        self = .object(elements.map { Member(key: $0.0, value: $0.1) })
    }
    init(nilLiteral: ()) { self = .null }

    /// `value` with its object members in key order (a request body, which has no order).
    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(Int(truncatingIfNeeded: number))
        case .double(let number): self = .double(number)
        case .string(let text): self = .string(text)
        case .array(let elements): self = .array(elements.map(OrderedJSON.init))
        case .object(let members):
            self = .object(members.keys.sorted().map { Member(key: $0, value: OrderedJSON(members[$0] ?? .null)) })
        }
    }

    /// An optional string, `null` when absent.
    static func string(_ text: String?) -> OrderedJSON { text.map(OrderedJSON.string) ?? .null }

    /// The member `key` of an object.
    subscript(key: String) -> OrderedJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// This object with `key` set to `value` (replaced in place, or appended).
    func setting(_ key: String, _ value: OrderedJSON) -> OrderedJSON {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append(Member(key: key, value: value))
        }
        return .object(members)
    }

    /// This object with only the members `keep` accepts.
    func filteringMembers(_ keep: (String) -> Bool) -> OrderedJSON {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { keep($0.key) })
    }

    var stringValue: String? { if case .string(let text) = self { text } else { nil } }
    var intValue: Int? { if case .int(let number) = self { number } else { nil } }
    var boolValue: Bool? { if case .bool(let flag) = self { flag } else { nil } }
    var arrayValue: [OrderedJSON]? { if case .array(let elements) = self { elements } else { nil } }
    var doubleValue: Double? {
        switch self {
        case .double(let number): number
        case .int(let number): Double(number)
        default: nil
        }
    }

    /// The text in `style`, UTF-8 (non-ASCII characters as they are, `ensure_ascii=False`).
    func written(_ style: Style = .compact) -> Data {
        var bytes: [UInt8] = []
        write(into: &bytes, style: style, depth: 0)
        return Data(bytes)
    }

    private func write(into bytes: inout [UInt8], style: Style, depth: Int) {
        switch self {
        case .null: bytes += Array("null".utf8)
        case .bool(let flag): bytes += Array((flag ? "true" : "false").utf8)
        case .int(let number): bytes += Array(String(number).utf8)
        // Python's repr and Swift's description are both the shortest text that reads back.
        case .double(let number): bytes += Array((number.isFinite ? "\(number)" : "NaN").utf8)
        case .string(let text): Self.write(text, into: &bytes, escapingSlashes: style.escapesSlashes)
        case .array(let elements):
            writeContainer(
                into: &bytes, style: style, depth: depth, open: UInt8(ascii: "["), close: UInt8(ascii: "]"),
                count: elements.count
            ) { index, bytes in
                elements[index].write(into: &bytes, style: style, depth: depth + 1)
            }
        case .object(let members):
            writeContainer(
                into: &bytes, style: style, depth: depth, open: UInt8(ascii: "{"), close: UInt8(ascii: "}"),
                count: members.count
            ) { index, bytes in
                Self.write(members[index].key, into: &bytes, escapingSlashes: style.escapesSlashes)
                bytes += Array((style.isCompact ? ":" : ": ").utf8)
                members[index].value.write(into: &bytes, style: style, depth: depth + 1)
            }
        }
    }

    private func writeContainer(
        into bytes: inout [UInt8], style: Style, depth: Int, open: UInt8, close: UInt8, count: Int,
        element: (Int, inout [UInt8]) -> Void
    ) {
        bytes.append(open)
        guard count > 0 else {
            bytes.append(close)
            return
        }
        for index in 0..<count {
            if index > 0 { bytes += Array((style.isCompact ? "," : style.indent == nil ? ", " : ",").utf8) }
            if let indent = style.indent {
                bytes.append(UInt8(ascii: "\n"))
                bytes += [UInt8](repeating: UInt8(ascii: " "), count: indent * (depth + 1))
            }
            element(index, &bytes)
        }
        if let indent = style.indent {
            bytes.append(UInt8(ascii: "\n"))
            bytes += [UInt8](repeating: UInt8(ascii: " "), count: indent * depth)
        }
        bytes.append(close)
    }

    /// A string as Python's `json` module escapes it.
    private static func write(_ text: String, into bytes: inout [UInt8], escapingSlashes: Bool) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "/") where escapingSlashes: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "/")]
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension OrderedJSON.Style {
    fileprivate var isCompact: Bool {
        switch self {
        case .compact, .ujson(indent: nil): true
        default: false
        }
    }
    fileprivate var indent: Int? {
        switch self {
        case .indented(let spaces), .ujson(indent: let spaces?): spaces
        default: nil
        }
    }
    fileprivate var escapesSlashes: Bool { if case .ujson = self { true } else { false } }
}

extension OrderedJSON {
    /// Reads JSON text keeping each object's member order, as Python's `json` and `ijson`
    /// do (the converters walk a snapshot's tasks and their data in file order). Integers
    /// stay integers, other numbers are doubles; `nil` for text that is not JSON.
    init?(parsing data: Data) {
        var reader = Reader(bytes: Array(data))
        guard let value = reader.value() else { return nil }
        reader.skipWhitespace()
        guard reader.index == reader.bytes.count else { return nil }
        self = value
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        private mutating func literal(_ word: String, _ value: OrderedJSON) -> OrderedJSON? {
            let scalars = Array(word.utf8)
            guard index + scalars.count <= bytes.count, Array(bytes[index..<(index + scalars.count)]) == scalars
            else { return nil }
            index += scalars.count
            return value
        }

        mutating func value() -> OrderedJSON? {
            skipWhitespace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): return string().map(OrderedJSON.string)
            case UInt8(ascii: "t"): return literal("true", true)
            case UInt8(ascii: "f"): return literal("false", false)
            case UInt8(ascii: "n"): return literal("null", nil)
            default: return number()
            }
        }

        private mutating func object() -> OrderedJSON? {
            index += 1
            var members: [Member] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let value = value() else { return nil }
                // A repeated key keeps its first place and takes the last value, as a dict does.
                if let at = members.firstIndex(where: { $0.key == key }) {
                    members[at].value = value
                } else {
                    members.append(Member(key: key, value: value))
                }
                skipWhitespace()
                guard index < bytes.count else { return nil }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "}") { return .object(members) }
                guard bytes[index - 1] == UInt8(ascii: ",") else { return nil }
            }
        }

        private mutating func array() -> OrderedJSON? {
            index += 1
            var elements: [OrderedJSON] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                guard let element = value() else { return nil }
                elements.append(element)
                skipWhitespace()
                guard index < bytes.count else { return nil }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "]") { return .array(elements) }
                guard bytes[index - 1] == UInt8(ascii: ",") else { return nil }
            }
        }

        private mutating func hexUnit() -> UInt32? {
            guard index + 4 <= bytes.count,
                let unit = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
            else { return nil }
            index += 4
            return unit
        }

        private mutating func string() -> String? {
            index += 1
            var utf8: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard var unit = hexUnit() else { return nil }
                        if (0xD800...0xDBFF).contains(unit), index + 1 < bytes.count,
                            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        {
                            index += 2
                            guard let low = hexUnit() else { return nil }
                            unit = 0x10000 + ((unit - 0xD800) << 10) + (low &- 0xDC00)
                        }
                        utf8 += Array(String(Unicode.Scalar(unit) ?? "\u{FFFD}").utf8)
                    default: utf8.append(escape)
                    }
                default: utf8.append(byte)
                }
            }
            return nil
        }

        private mutating func number() -> OrderedJSON? {
            let start = index
            while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if let whole = Int(text) { return .int(whole) }
            return Double(text).map(OrderedJSON.double)
        }
    }
}
