import Foundation
import Synchronization

/// JSON text kept as the bytes it arrived in, checked once, decoded only where it is read.
///
/// A record stream's row is mostly read by nobody: a pipeline wants an item's id, key and
/// media URL, and forwards or ignores the rest. Building a tree of dictionaries and strings
/// for every row cost about half of a stream's CPU; this keeps the row's text, lets an
/// adapter read the few members it maps straight from it (``root``), and builds the tree
/// (``value``) the first time anyone asks for it, once.
package final class JSONText: Sendable {
    /// The text (UTF-8).
    package let bytes: Data
    /// Whether `bytes` were checked to be one valid JSON value: only then may ``root`` walk them.
    private let isChecked: Bool
    private let parsed: Mutex<JSONValue?>

    /// Checks that `bytes` hold exactly one JSON value (RFC 8259) without decoding it.
    /// - Throws: ``JSONParseError`` where ``JSONValue/init(parsing:)`` would.
    package init(checking bytes: Data) throws {
        try bytes.withUnsafeBytes { raw in
            var checker = JSONSyntaxCheck(bytes: raw.bindMemory(to: UInt8.self))
            try checker.checkDocument()
        }
        self.bytes = JSONText.zeroBased(bytes)
        isChecked = true
        parsed = Mutex(nil)
    }

    /// A copy of a value inside checked text: checked too.
    fileprivate init(checkedCopyOf bytes: Data) {
        self.bytes = bytes
        isChecked = true
        parsed = Mutex(nil)
    }

    /// Text whose value is already known, said by the caller to be the text of `value`:
    /// nothing is checked, so ``root`` is `nil`.
    package init(bytes: Data, value: JSONValue) {
        self.bytes = JSONText.zeroBased(bytes)
        isChecked = false
        parsed = Mutex(value)
    }

    /// `bytes` indexed from 0, as the views' ranges are.
    private static func zeroBased(_ bytes: Data) -> Data { bytes.startIndex == 0 ? bytes : Data(bytes) }

    /// The value, decoded on first use and kept.
    package var value: JSONValue {
        if let value = parsed.withLock({ $0 }) { return value }
        // Checked text always parses; the fallback only keeps a broken invariant from crashing.
        let value = (try? JSONValue(parsing: bytes)) ?? .null
        parsed.withLock { $0 = value }
        return value
    }

    /// The top-level value, to read members from without decoding the rest; `nil` for text
    /// that was not checked.
    package var root: JSONView? { isChecked ? JSONView(text: self, range: 0..<bytes.count) : nil }
}

/// One value inside checked ``JSONText``, read in place.
///
/// Reading a member walks the object's text, skipping the other members' values without
/// decoding them. Only strings are decoded, and only the ones asked for.
package struct JSONView: Sendable {
    /// The text the value lies in.
    package let text: JSONText
    /// Where the value lies in ``JSONText/bytes`` (leading whitespace excluded).
    package let range: Range<Int>

    /// The value at `range`, which starts where the value does.
    init(text: JSONText, exactly range: Range<Int>) {
        self.text = text
        self.range = range
    }

    init(text: JSONText, range: Range<Int>) {
        self.text = text
        // The document may have whitespace around its value.
        let start = text.bytes.withUnsafeBytes { raw in
            JSONSkipping.whitespace(raw.bindMemory(to: UInt8.self), from: range.lowerBound)
        }
        self.range = start..<range.upperBound
    }

    private var firstByte: UInt8 { text.bytes[range.lowerBound] }

    /// Whether the value is `null`.
    package var isNull: Bool { firstByte == UInt8(ascii: "n") }
    /// Whether the value is an object.
    package var isObject: Bool { firstByte == UInt8(ascii: "{") }

    /// The string, when the value is one.
    package var string: String? {
        text.bytes.withUnsafeBytes { raw -> String? in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
            let body = UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
            if !body.contains(UInt8(ascii: "\\")) { return String(decoding: body, as: UTF8.self) }
            // Escapes are rare in the members adapters map: the full parser decodes those.
            return try? JSONValue(parsing: Data(UnsafeBufferPointer(rebasing: bytes[range]))).stringValue
        }
    }

    /// The member `name` (the last one, when the object repeats it, as ``JSONValue`` keeps
    /// it); `nil` when the value is not an object or has no such member.
    package func member(_ name: String) -> JSONView? { members(JSONMemberNames(name))[0] }

    /// The members `names` asks for, found in one pass over the object (each the last of its
    /// name, as ``member(_:)``); all `nil` when the value is not an object.
    package func members(_ names: JSONMemberNames) -> JSONMembers {
        let ranges = text.bytes.withUnsafeBytes { raw in
            var found = [Range<Int>?](repeating: nil, count: names.utf8.count)
            var cursor = JSONMemberCursor(raw.bindMemory(to: UInt8.self), object: range.lowerBound)
            while let (key, value) = cursor.next() {
                let name = UnsafeBufferPointer(rebasing: cursor.bytes[key])
                for index in names.utf8.indices where JSONView.name(name, equals: names.utf8[index]) {
                    found[index] = value
                }
            }
            return found
        }
        return JSONMembers(text: text, ranges: ranges)
    }

    /// The names of the object's members as they stand in the text (escapes not decoded), in
    /// text order; `nil` when the value is not an object.
    package var rawMemberNames: [String]? {
        guard isObject else { return nil }
        return text.bytes.withUnsafeBytes { raw in
            var cursor = JSONMemberCursor(raw.bindMemory(to: UInt8.self), object: range.lowerBound)
            var names: [String] = []
            while let (key, _) = cursor.next() {
                names.append(String(decoding: UnsafeBufferPointer(rebasing: cursor.bytes[key]), as: UTF8.self))
            }
            return names
        }
    }

    /// The elements, when the value is an array.
    package var elements: [JSONView]? {
        guard firstByte == UInt8(ascii: "[") else { return nil }
        return text.bytes.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var elements: [JSONView] = []
            var index = JSONSkipping.whitespace(bytes, from: range.lowerBound + 1)
            guard bytes[index] != UInt8(ascii: "]") else { return elements }
            while true {
                let end = JSONSkipping.value(bytes, from: index)
                elements.append(JSONView(text: text, exactly: index..<end))
                index = JSONSkipping.whitespace(bytes, from: end)
                guard bytes[index] == UInt8(ascii: ",") else { return elements }
                index = JSONSkipping.whitespace(bytes, from: index + 1)
            }
        }
    }

    /// The value's text on its own, as checked text: an element kept apart from its page
    /// does not keep the whole page's text alive.
    package func detached() -> JSONText { JSONText(checkedCopyOf: text.bytes.subdata(in: range)) }

    /// The value decoded as a tree (the whole text's, kept, when it is the whole text).
    package var value: JSONValue {
        if range == 0..<text.bytes.count { return text.value }
        return (try? JSONValue(parsing: text.bytes.subdata(in: range))) ?? .null
    }

    private static func name(_ raw: UnsafeBufferPointer<UInt8>, equals wanted: [UInt8]) -> Bool {
        guard raw.contains(UInt8(ascii: "\\")) else {
            return raw.count == wanted.count
                && wanted.withUnsafeBufferPointer { memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 }
        }
        var quoted = Data([UInt8(ascii: "\"")])
        quoted.append(contentsOf: raw)
        quoted.append(UInt8(ascii: "\""))
        return (try? JSONValue(parsing: quoted).stringValue).map { Array($0.utf8) == wanted } ?? false
    }
}

/// A member read in place that is not of the type an adapter maps: the adapter then maps the
/// decoded tree instead, whose errors name the member (see ``WireValue``).
package struct JSONUnexpectedShape: Error {
    package init() {}
}

extension JSONView {
    /// The string `view` holds; `nil` when it is absent or `null`.
    /// - Throws: ``JSONUnexpectedShape`` for any other value.
    package static func optionalString(_ view: JSONView?) throws(JSONUnexpectedShape) -> String? {
        guard let view, !view.isNull else { return nil }
        guard let text = view.string else { throw JSONUnexpectedShape() }
        return text
    }

    /// The object `view` is; `nil` when it is absent or `null`.
    /// - Throws: ``JSONUnexpectedShape`` for any other value.
    package static func optionalObject(_ view: JSONView?) throws(JSONUnexpectedShape) -> JSONView? {
        guard let view, !view.isNull else { return nil }
        guard view.isObject else { throw JSONUnexpectedShape() }
        return view
    }
}

/// The members ``JSONView/members(_:)`` found, in the order they were asked for.
package struct JSONMembers: Sendable {
    let text: JSONText
    let ranges: [Range<Int>?]

    /// The member asked for at `index`, or `nil` when the object has none of that name.
    package subscript(index: Int) -> JSONView? { ranges[index].map { JSONView(text: text, exactly: $0) } }
}

/// Member names to look up in one pass (``JSONView/members(_:)``), encoded once.
package struct JSONMemberNames: Sendable {
    let utf8: [[UInt8]]

    /// The names, in the order ``JSONView/members(_:)`` answers.
    package init(_ names: String...) { utf8 = names.map { Array($0.utf8) } }
}

/// Walks the members of an object in checked text.
struct JSONMemberCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    private var index: Int
    private var done: Bool

    /// A cursor over the object at `start`; it yields nothing when that is not an object.
    init(_ bytes: UnsafeBufferPointer<UInt8>, object start: Int) {
        self.bytes = bytes
        done = bytes[start] != UInt8(ascii: "{")
        index = done ? start : JSONSkipping.whitespace(bytes, from: start + 1)
        if !done, bytes[index] == UInt8(ascii: "}") { done = true }
    }

    /// The next member's name (between its quotes) and value.
    mutating func next() -> (key: Range<Int>, value: Range<Int>)? {
        guard !done else { return nil }
        let keyEnd = JSONSkipping.string(bytes, from: index)
        let key = (index + 1)..<(keyEnd - 1)
        // Past the colon, which checked text always has.
        index = JSONSkipping.whitespace(bytes, from: keyEnd)
        let valueStart = JSONSkipping.whitespace(bytes, from: index + 1)
        let valueEnd = JSONSkipping.value(bytes, from: valueStart)
        index = JSONSkipping.whitespace(bytes, from: valueEnd)
        if bytes[index] == UInt8(ascii: ",") {
            index = JSONSkipping.whitespace(bytes, from: index + 1)
        } else {
            done = true
        }
        return (key, valueStart..<valueEnd)
    }
}

/// Finding the ends of values in text already checked to be JSON: nothing is decoded or
/// checked again.
enum JSONSkipping {
    static func whitespace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return index
            }
        }
        return index
    }

    /// Just past the string whose opening quote is at `start`.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        var index = start + 1
        // memchr to each quote; a quote after an odd run of backslashes is escaped.
        while index < bytes.count, let found = memchr(base + index, 0x22, bytes.count - index) {
            let quote = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            var backslashes = 0
            while quote - backslashes - 1 > start, bytes[quote - backslashes - 1] == UInt8(ascii: "\\") {
                backslashes += 1
            }
            if backslashes % 2 == 0 { return quote + 1 }
            index = quote + 1
        }
        return bytes.count
    }

    /// Just past the value that starts at `start`.
    static func value(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return string(bytes, from: start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index = string(bytes, from: index)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return index
        default:
            // A number or a literal: up to the next delimiter.
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: return index
                default: index += 1
                }
            }
            return index
        }
    }
}
