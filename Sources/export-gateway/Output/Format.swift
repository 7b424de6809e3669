import Foundation

/// Number and time formats for people, independent of the locale.
enum Format {
    /// `1234567` as `1,234,567`.
    static func grouped(_ value: some BinaryInteger) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// `52311` as `52,311 bytes (51.1 KiB)`.
    static func bytes(_ count: Int64) -> String {
        let plain = "\(grouped(count)) byte\(count == 1 ? "" : "s")"
        return count >= 1024 ? plain + " (\(size(count)))" : plain
    }

    /// `52311` as `51.1 KiB`, `900` as `900 B`: short, for progress lines.
    static func size(_ count: Int64) -> String {
        guard count >= 1024 else { return "\(count) B" }
        var units = ["KiB", "MiB", "GiB", "TiB"][...]
        var unit = units.removeFirst()
        var scaled = Double(count) / 1024
        while scaled >= 1024, let next = units.popFirst() {
            scaled /= 1024
            unit = next
        }
        return String(format: "%.1f ", scaled) + unit
    }

    /// A duration a person reads at a glance: `4s`, `2m 05s`, `1h 02m`.
    static func elapsed(_ duration: Duration) -> String {
        let total = max(0, duration.components.seconds)
        if total < 60 { return "\(total)s" }
        func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if total < 3600 { return "\(total / 60)m \(twoDigits(total % 60))s" }
        return "\(total / 3600)h \(twoDigits((total % 3600) / 60))m"
    }

    /// A duration as seconds with two decimals: `1.25 s`.
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.2f s", Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// `text` padded with spaces to `width` characters.
    static func padded(_ text: String, to width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// Rows as columns separated by two spaces, each as wide as its widest cell.
    static func table(_ rows: [[String]], indent: Int) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : padded(cell, to: widths[column])
            }
            return String(repeating: " ", count: indent) + cells.joined(separator: "  ")
        }
    }
}
