import ExportGateway
import Foundation

/// A `[start, end]` date range for Labelbox's `data_row_last_activity_at` and `labeled_at`
/// search filters.
///
/// The SDK accepts `YYYY-MM-DD`, `YYYY-MM-DD hh:mm:ss` (both read in the user's profile
/// timezone) and ISO 8601 with an offset. It sends ISO values with their offset *replaced*
/// by `+0000`, shifting the time; we convert them to UTC instead, so the instant is the one
/// the caller meant. As in the SDK, once a bound is ISO the filter's timezone is UTC.
struct DateFilter {
    /// A bound as sent: a plain date read in a timezone, or an instant written in UTC.
    enum Bound {
        case plain(String)
        case utc(String)
    }

    /// Why an option value cannot be a date range.
    struct Problem: Error {
        var message: String
    }

    var start: Bound?
    var end: Bound?

    /// The normalized activity interval: both bounds exact instants.
    init(interval: DateInterval) {
        start = .utc(Self.utcText(Self.wholeSecond(interval.start, roundingUp: false)))
        end = .utc(Self.utcText(Self.wholeSecond(interval.end, roundingUp: true)))
    }

    /// A `[start, end]` option; `nil` when both bounds are null (no filter at all).
    init?(option value: JSONValue) throws {
        guard let pair = value.arrayValue, pair.count == 2 else {
            throw Problem(message: "expects [start, end], each a date string or null")
        }
        let bounds = try pair.enumerated().map { position, item -> Bound? in
            if item.isNull { return nil }
            guard let text = item.stringValue else {
                throw Problem(message: "expects [start, end], each a date string or null")
            }
            return try Self.bound(text, isEnd: position == 1)
        }
        guard bounds[0] != nil || bounds[1] != nil else { return nil }
        start = bounds[0]
        end = bounds[1]
    }

    /// Whether the filter is read in the user's profile timezone (no bound is ISO).
    var needsUserTimezone: Bool { ![start, end].contains { if case .utc? = $0 { true } else { false } } }

    /// The search filter object, as the SDK builds it.
    func searchFilter(type: String, userTimezone: String) -> JSONValue? {
        let zone: JSONValue = .string(needsUserTimezone ? userTimezone : "UTC")
        let operatorAndValue: (String, JSONValue)
        switch (start.map(Self.text), end.map(Self.text)) {
        case let (start?, end?): operatorAndValue = ("BETWEEN", ["min": .string(start), "max": .string(end)])
        case let (start?, nil): operatorAndValue = ("GREATER_THAN_OR_EQUAL", .string(start))
        case let (nil, end?): operatorAndValue = ("LESS_THAN_OR_EQUAL", .string(end))
        case (nil, nil): return nil
        }
        return [
            "type": .string(type),
            "value": ["operator": .string(operatorAndValue.0), "timezone": zone, "value": operatorAndValue.1],
        ]
    }

    private static func text(_ bound: Bound) -> String {
        switch bound {
        case .plain(let text), .utc(let text): text
        }
    }

    private static func bound(_ text: String, isEnd: Bool) throws -> Bound {
        let digits = text.unicodeScalars.map { CharacterSet.decimalDigits.contains($0) }
        func shaped(_ pattern: String) -> Bool {
            guard text.count >= pattern.count else { return false }
            return zip(pattern, zip(text, digits)).allSatisfy { want, got in want == "9" ? got.1 : want == got.0 }
        }
        if text.count == 10, shaped("9999-99-99"), plainDate(text, format: "yyyy-MM-dd") {
            return .plain(text)
        }
        if text.count == 19, shaped("9999-99-99 99:99:99"), plainDate(text, format: "yyyy-MM-dd HH:mm:ss") {
            return .plain(text)
        }
        if shaped("9999-99-99T99:99:99"), let instant = isoInstant(text) {
            return .utc(utcText(wholeSecond(instant, roundingUp: isEnd)))
        }
        throw Problem(
            message:
                "\"\(text)\" is not a date: use YYYY-MM-DD, YYYY-MM-DD hh:mm:ss, or ISO 8601 with an offset (YYYY-MM-DDThh:mm:ss±hhmm or Z)"
        )
    }

    private static func plainDate(_ text: String, format: String) -> Bool {
        formatter(format).date(from: text) != nil
    }

    /// `YYYY-MM-DDThh:mm:ss` then `Z`, `±hhmm` or `±hh:mm`; no offset is refused, as the SDK
    /// refuses it, because the instant would be a guess.
    private static func isoInstant(_ text: String) -> Date? {
        let local = String(text.prefix(19))
        var offset = Substring(text.dropFirst(19))
        var fraction: TimeInterval = 0
        if offset.first == "." {
            let digits = offset.dropFirst().prefix { $0.isNumber }
            guard !digits.isEmpty, let value = TimeInterval("0." + digits) else { return nil }
            fraction = value
            offset = offset.dropFirst(1 + digits.count)
        }
        let seconds: Int
        if offset == "Z" {
            seconds = 0
        } else {
            guard let sign = offset.first, sign == "+" || sign == "-" else { return nil }
            let clock = offset.dropFirst().replacingOccurrences(of: ":", with: "")
            guard clock.count == 4, let hours = Int(clock.prefix(2)), let minutes = Int(clock.suffix(2)), hours < 24,
                minutes < 60
            else { return nil }
            seconds = (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
        }
        guard let wallClock = formatter("yyyy-MM-dd'T'HH:mm:ss").date(from: local) else { return nil }
        return wallClock.addingTimeInterval(fraction - TimeInterval(seconds))
    }

    /// Whole seconds on the wire: an end rounds up and a start down, so the range sent
    /// widens, never narrows, the one asked for.
    private static func wholeSecond(_ date: Date, roundingUp: Bool) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(roundingUp ? .up : .down))
    }

    static func utcText(_ date: Date) -> String {
        formatter("yyyy-MM-dd'T'HH:mm:ss").string(from: date) + "+0000"
    }

    private static func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.isLenient = false
        formatter.dateFormat = format
        return formatter
    }
}
