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
        case .string(let text): Self.write(text, into: &bytes)
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
                Self.write(members[index].key, into: &bytes)
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
    private static func write(_ text: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
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
    fileprivate var isCompact: Bool { if case .compact = self { true } else { false } }
    fileprivate var indent: Int? { if case .indented(let spaces) = self { spaces } else { nil } }
}
