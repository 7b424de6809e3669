import ExportGateway
import Foundation

/// Typed readings of option values (durations, `key=value` pairs, dates, choices), each
/// throwing a ``UsageError`` that shows a value that would have worked.
extension ParsedArguments {
    /// The duration `--name` gives (`90s`, `15m`, `1h`, `500ms`, `1.5s`; a bare number is
    /// seconds), or `defaultValue` when it is absent.
    /// - Throws: ``UsageError`` for anything else, or a duration that is not positive.
    func duration(_ name: String, default defaultValue: Duration) throws -> Duration {
        guard let text = value(name) else { return defaultValue }
        guard let duration = Self.parseDuration(text), duration > .zero else {
            throw UsageError(
                "Option '--\(name)' expects a positive duration such as 90s, 15m, 1h or 500ms, not '\(text)'.",
                command: commandPath)
        }
        return duration
    }

    /// Every `--name key=value` as a dictionary; a value that is JSON (`true`, `42`,
    /// `["a","b"]`, `"text"`) is taken as that JSON, anything else as a string.
    /// - Throws: ``UsageError`` for a pair without `=` or with an empty key.
    func keyValues(_ name: String) throws -> [String: JSONValue] {
        var pairs: [String: JSONValue] = [:]
        for text in values(name) {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw UsageError(
                    "Option '--\(name)' expects key=value, such as --\(name) organize_by_split=true, not '\(text)'.",
                    command: commandPath)
            }
            let value = String(text[text.index(after: equals)...])
            pairs[String(text[..<equals])] = (try? JSONValue(parsing: Data(value.utf8))) ?? .string(value)
        }
        return pairs
    }

    /// The date `--name` gives, as ISO 8601 (`2025-01-15T09:30:00Z`) or a day
    /// (`2025-01-15`, midnight UTC), or `nil` when it is absent.
    /// - Throws: ``UsageError`` for anything else.
    func date(_ name: String) throws -> Date? {
        guard let text = value(name) else { return nil }
        if let date = ISO8601.date(from: text) ?? ISO8601.date(from: text + "T00:00:00Z") { return date }
        throw UsageError(
            "Option '--\(name)' expects a date such as 2025-01-15 or 2025-01-15T09:30:00Z, not '\(text)'.",
            command: commandPath)
    }

    /// The value of `--name` as one of `choices` (by name, case-insensitive), or
    /// `defaultValue` when it is absent.
    /// - Throws: ``UsageError`` listing the choices, with the closest one suggested.
    func choice<Value>(_ name: String, among choices: [(name: String, value: Value)], default defaultValue: Value) throws
        -> Value
    {
        guard let text = value(name) else { return defaultValue }
        return try Self.choose(text, option: name, among: choices, command: commandPath)
    }

    /// `text` as one of `choices`, for options and repeated options alike.
    static func choose<Value>(
        _ text: String, option: String, among choices: [(name: String, value: Value)], command: [String]
    ) throws -> Value {
        let normalized = text.lowercased().filter { $0 != "-" && $0 != "_" }
        if let match = choices.first(where: { $0.name.lowercased() == normalized }) { return match.value }
        let names = choices.map(\.name)
        let suggestion = Suggestion.closest(to: text, among: names).map { " Did you mean '\($0)'?" } ?? ""
        throw UsageError(
            "Option '--\(option)' expects one of \(names.joined(separator: ", ")), not '\(text)'.\(suggestion)",
            command: command)
    }

    /// `90s`, `15m`, `1h`, `500ms`, `2.5` (seconds) as a duration.
    static func parseDuration(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let unit = units.first { trimmed.hasSuffix($0.suffix) && Double(trimmed.dropLast($0.suffix.count)) != nil }
        guard let number = Double(unit.map { String(trimmed.dropLast($0.suffix.count)) } ?? trimmed),
            number.isFinite
        else { return nil }
        return .milliseconds(Int64((number * (unit?.seconds ?? 1) * 1000).rounded()))
    }
}
