import ExportGateway
import Foundation

/// How the text typed for an option or argument becomes a typed value (a duration, a whole
/// number, a date, one of a few choices), and what a shell completion may offer for it.
///
/// A text that will not do throws a ``ValueMismatch`` naming what would have worked, which
/// the parser turns into a usage error about the option or argument it was typed for.
struct ValueParser<Value: Sendable>: Sendable {
    /// What a shell completion offers for the value.
    let completion: ValueCompletion
    private let read: @Sendable (_ text: String, _ subject: String) throws(ValueMismatch) -> Value

    /// A parser that reads text with `read`, given the text and how its option or argument
    /// is spelled (`--option`), for examples in the mismatch.
    init(
        completion: ValueCompletion = .text,
        read: @escaping @Sendable (_ text: String, _ subject: String) throws(ValueMismatch) -> Value
    ) {
        self.completion = completion
        self.read = read
    }

    /// `text` as a value, typed for `subject` (`--timeout`, `<shell>`).
    func parse(_ text: String, for subject: String) throws(ValueMismatch) -> Value {
        try read(text, subject)
    }

    /// Every text of `texts` as a value, in order.
    func parse(_ texts: [String], for subject: String) throws(ValueMismatch) -> [Value] {
        var values: [Value] = []
        for text in texts { values.append(try read(text, subject)) }
        return values
    }

    /// This parser's values turned into another type that cannot fail, such as an id.
    func map<Other: Sendable>(_ transform: @escaping @Sendable (Value) -> Other) -> ValueParser<Other> {
        ValueParser<Other>(completion: completion) { text, subject throws(ValueMismatch) in
            transform(try read(text, subject))
        }
    }

    /// One of `choices`, by name, case-insensitive and ignoring `-` and `_` on both sides
    /// (`needs-rework` is `needsRework`, `label_studio` is `label-studio`); completions offer
    /// the names.
    static func choice(among choices: [(name: String, value: Value)]) -> Self {
        let names = choices.map(\.name)
        let normalize: @Sendable (String) -> String = { $0.lowercased().filter { $0 != "-" && $0 != "_" } }
        return Self(completion: .choices(names)) { text, _ throws(ValueMismatch) in
            let normalized = normalize(text)
            if let match = choices.first(where: { normalize($0.name) == normalized }) { return match.value }
            throw ValueMismatch(
                text: text, expected: "one of \(names.joined(separator: ", "))",
                suggestion: Suggestion.closest(to: text, among: names))
        }
    }
}

extension ValueParser where Value == String {
    /// Any text, as typed.
    static var text: Self { Self { text, _ in text } }

    /// A file or folder path, as typed; completions offer file names.
    static var path: Self { Self(completion: .paths) { text, _ in text } }
}

extension ValueParser where Value == Int {
    /// A whole number within `range`. Every refusal names both bounds, so a number too large
    /// for the option (or for an `Int` at all) is told the largest one accepted.
    static func integer(in range: ClosedRange<Int>) -> Self {
        Self { text, _ throws(ValueMismatch) in
            guard let number = Int(text), range.contains(number) else {
                throw ValueMismatch(
                    text: text, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
    }
}

extension ValueParser where Value == Duration {
    /// The longest duration accepted, in hours: about 114 years, longer than any wait a
    /// pipeline means, and short enough that a deadline built on it still fits the 64-bit
    /// nanoseconds the system clocks count in.
    static var longestHours: Int64 { 1_000_000 }

    /// A duration from 1ms to ``longestHours`` hours: `90s`, `15m`, `1h`, `500ms`, `1.5s`; a
    /// bare number is seconds.
    static var duration: Self {
        Self { text, _ throws(ValueMismatch) in
            guard let duration = Self.duration(from: text) else {
                throw ValueMismatch(
                    text: text, expected: "a duration from 1ms to \(longestHours)h, such as 90s, 15m, 1h or 500ms")
            }
            return duration
        }
    }

    /// `90s`, `15m`, `1h`, `500ms`, `2.5` (seconds) as a duration, rounded to the
    /// millisecond; `nil` for other text and for a duration under 1ms or over
    /// ``longestHours`` hours.
    static func duration(from text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let unit = units.first { trimmed.hasSuffix($0.suffix) && Double(trimmed.dropLast($0.suffix.count)) != nil }
        let digits = unit.map { String(trimmed.dropLast($0.suffix.count)) } ?? trimmed
        // Decimal notation only: Double also reads "nan", "inf" and hexadecimal.
        guard digits.allSatisfy({ "0123456789.e+-".contains($0) }), let number = Double(digits) else { return nil }
        // Checked as a Double, before any integer conversion can overflow; NaN fails both tests.
        let milliseconds = (number * (unit?.seconds ?? 1) * 1000).rounded()
        let longest = Double(longestHours) * 3600 * 1000
        guard milliseconds >= 1, milliseconds <= longest else { return nil }
        return .milliseconds(Int64(milliseconds))
    }
}

extension ValueParser where Value == Date {
    /// A date as ISO 8601 (`2025-01-15T09:30:00Z`) or a day (`2025-01-15`, midnight UTC).
    static var date: Self {
        Self { text, _ throws(ValueMismatch) in
            if let date = ISO8601.date(from: text) ?? ISO8601.date(from: text + "T00:00:00Z") { return date }
            throw ValueMismatch(text: text, expected: "a date such as 2025-01-15 or 2025-01-15T09:30:00Z")
        }
    }
}

extension ValueParser where Value == KeyValue {
    /// `key=value`, where a value that is JSON (`true`, `42`, `["a","b"]`, `"text"`) is taken
    /// as that JSON and anything else as a string.
    static var keyValue: Self {
        Self { text, subject throws(ValueMismatch) in
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValueMismatch(text: text, expected: "key=value, such as \(subject) organize_by_split=true")
            }
            let value = String(text[text.index(after: equals)...])
            return KeyValue(
                key: String(text[..<equals]), value: (try? JSONValue(parsing: Data(value.utf8))) ?? .string(value))
        }
    }
}

/// One `key=value` of an option such as `--option organize_by_split=true`.
struct KeyValue: Sendable {
    var key: String
    var value: JSONValue
}

/// Text that does not read as the value an option or argument expects.
struct ValueMismatch: Error {
    /// What was typed.
    var text: String
    /// What would have worked, such as `a whole number (1 or more)`.
    var expected: String
    /// The known value `text` is probably a typo of.
    var suggestion: String? = nil

    /// `Option '--limit' expects a whole number (1 or more), not 'ten'.`, where `subject` is
    /// `Option '--limit'`.
    func message(about subject: String) -> String {
        "\(subject) expects \(expected), not '\(text)'." + (suggestion.map { " Did you mean '\($0)'?" } ?? "")
    }
}

/// What a shell completion offers for a value.
enum ValueCompletion: Sendable, Equatable {
    /// Nothing: the value is free text, such as an id, a number or a duration.
    case text
    /// File and folder names.
    case paths
    /// One of these words.
    case choices([String])
}
