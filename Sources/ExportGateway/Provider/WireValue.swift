/// A value read from a vendor's JSON, with its path in it (`results[2].uid`): how adapters
/// read answers.
///
/// A field the answer must have that is missing, `null` or of another type fails as a
/// `.decoding` error naming the path and what was there, instead of reading as empty: a
/// list answer without its list must not pass for an empty list. Messages describe what
/// was found briefly and never repeat a long string or a URL (which may be signed).
///
/// ```swift
/// let answer = WireValue(answer: try api.json(from: response))
/// let results = try answer.required("results").elements()     // `results` must be an array
/// let uid = try results[0].required("uid").string()           // "`results[0].uid` should be a string, but found null."
/// ```
public struct WireValue: Sendable {
    /// The value as sent.
    public let json: JSONValue
    /// Where the value sits, such as `results[2].uid`; empty for the top level.
    public var path: String { step.path(under: parentPath) }
    /// The path of the value's container, and the step from it: the path is spelled out only
    /// when asked (an error names it), so reading a well-formed row builds no path text.
    private let parentPath: String
    private let step: Step

    /// The whole answer (or record line).
    public init(answer json: JSONValue) {
        self.init(json, parentPath: "", step: .top)
    }

    private init(_ json: JSONValue, parentPath: String, step: Step) {
        self.json = json
        self.parentPath = parentPath
        self.step = step
    }

    /// The member `key`, which must be present. It may be `null`: the typed readers refuse that.
    public func required(_ key: String) throws -> WireValue {
        guard let member = try members()[key] else {
            throw Self.failure("Required field `\(child(key).path)` is missing; found \(Self.describe(json)).")
        }
        return WireValue(member, parentPath: path, step: .member(key))
    }

    /// The member `key`, or `nil` when it is absent or `null`: for fields the vendor may leave out.
    public func optional(_ key: String) throws -> WireValue? {
        guard let member = try members()[key], !member.isNull else { return nil }
        return WireValue(member, parentPath: path, step: .member(key))
    }

    /// The members, when this is an object.
    public func members() throws -> [String: JSONValue] {
        guard let object = json.objectValue else { throw mismatch("an object") }
        return object
    }

    /// The elements, each with its path, when this is an array.
    public func elements() throws -> [WireValue] {
        guard let array = json.arrayValue else { throw mismatch("an array") }
        let path = self.path
        return array.enumerated().map { index, element in WireValue(element, parentPath: path, step: .element(index)) }
    }

    /// The string, when this is one.
    public func string() throws -> String {
        guard let text = json.stringValue else { throw mismatch("a string") }
        return text
    }

    /// The integer, when this is an integral number.
    public func integer() throws -> Int64 {
        guard let number = json.intValue else { throw mismatch("an integer") }
        return number
    }

    /// The `.decoding` error for this value, which should have been `expected`.
    public func mismatch(_ expected: String) -> GatewayError {
        let subject = path.isEmpty ? "The top level" : "`\(path)`"
        return Self.failure("\(subject) should be \(expected), but found \(Self.describe(json)).")
    }

    /// The member `key`, present or not: for naming it.
    private func child(_ key: String) -> WireValue { WireValue(.null, parentPath: path, step: .member(key)) }

    /// The last step of a path.
    private enum Step: Sendable {
        case top
        case member(String)
        case element(Int)

        func path(under parent: String) -> String {
            switch self {
            case .top: parent
            case .member(let key): parent.isEmpty ? key : parent + "." + key
            case .element(let index): parent + "[\(index)]"
            }
        }
    }

    private static func failure(_ message: String) -> GatewayError {
        GatewayError(.decoding, message: message)
    }

    /// What a value is, briefly: short scalars as they are, strings only when short and not a
    /// URL (which may be signed), containers by size and keys. Never the whole of a huge value.
    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null, .bool, .int, .double:
            return String(decoding: value.serialized(), as: UTF8.self)
        case .string(let text):
            let isShort = text.utf8.count <= 32 && !text.contains("://")
            return isShort
                ? "the string \(String(decoding: value.serialized(), as: UTF8.self))"
                : "a string of \(text.utf8.count) bytes"
        case .array(let elements):
            return elements.isEmpty ? "an empty array" : "an array of \(elements.count) elements"
        case .object(let members):
            guard !members.isEmpty else { return "an empty object" }
            let keys = members.keys.sorted()
            let named = keys.prefix(6).map { "`\($0.prefix(32))`" }.joined(separator: ", ")
            return "an object with the keys " + named + (keys.count > 6 ? ", … (\(keys.count) in all)" : "")
        }
    }
}
