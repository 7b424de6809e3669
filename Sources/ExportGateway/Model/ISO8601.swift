import Foundation

/// Reads and writes the ISO-8601 timestamps vendors send, with or without fractional seconds.
public enum ISO8601 {
    /// The date `text` denotes, or `nil`.
    public static func date(from text: String) -> Date? {
        if let date = try? Date(text, strategy: withFraction) { return date }
        return try? Date(text, strategy: plain)
    }

    /// `date` as `2025-01-15T09:30:00Z`.
    public static func string(from date: Date) -> String { date.formatted(plain) }

    private static let plain = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
