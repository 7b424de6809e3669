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
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var scaled = Double(count)
        var unit: String?
        for next in units where scaled >= 1024 {
            scaled /= 1024
            unit = next
        }
        let plain = "\(grouped(count)) byte\(count == 1 ? "" : "s")"
        return unit.map { plain + String(format: " (%.1f ", scaled) + $0 + ")" } ?? plain
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
