import Foundation

/// Reads and writes the ISO-8601 timestamps vendors send, with or without fractional seconds.
public enum ISO8601 {
    /// The date `text` denotes, or `nil`.
    public static func date(from text: String) -> Date? {
        if let date = wholeSecondDate(text) { return date }
        if let date = try? Date(text, strategy: withFraction) { return date }
        return try? Date(text, strategy: plain)
    }

    /// `date` as `2025-01-15T09:30:00Z`.
    public static func string(from date: Date) -> String { date.formatted(plain) }

    private static let plain = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// The common form `2024-04-08T16:21:26Z` (or `.000`, or `+02:00`), read without a
    /// formatter, which costs microseconds a row in a record stream; `nil` for any other
    /// form, a field out of range, or a year before 1600 (the formatters count those on the
    /// Julian calendar), which the formatters then judge.
    private static func wholeSecondDate(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count >= 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
                bytes[16] == 0x3A, let year = number(bytes, 0, 4), let month = number(bytes, 5, 2),
                let day = number(bytes, 8, 2), let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2),
                let second = number(bytes, 17, 2), year >= 1600, (1...12).contains(month), hour < 24, minute < 60,
                second < 60, day >= 1, day <= daysIn(month: month, year: year)
            else { return nil }
            var index = 19
            // A fraction of zeros only: any other fraction is left to the formatter's rounding.
            if bytes[index] == 0x2E {
                index += 1
                let start = index
                while index < bytes.count, bytes[index] == 0x30 { index += 1 }
                guard index > start, index < bytes.count, !(0x30...0x39).contains(bytes[index]) else { return nil }
            }
            var offset = 0
            if bytes[index] == 0x5A, index + 1 == bytes.count {
                offset = 0
            } else if bytes[index] == 0x2B || bytes[index] == 0x2D, index + 6 == bytes.count, bytes[index + 3] == 0x3A,
                let hours = number(bytes, index + 1, 2), let minutes = number(bytes, index + 4, 2), hours < 24,
                minutes < 60
            {
                offset = (hours * 3600 + minutes * 60) * (bytes[index] == 0x2D ? -1 : 1)
            } else {
                return nil
            }
            let days = daysSince1970(year: year, month: month, day: day)
            let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
    }

    /// The decimal number in `bytes[start..<start + count]`, or `nil` unless all digits.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<start + count {
            let digit = Int(bytes[index]) - 0x30
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
