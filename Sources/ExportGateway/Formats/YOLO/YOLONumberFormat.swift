import Foundation

/// Writes numbers in `[0, 1]` as `%.6f` does (`0.093750`), straight into bytes: a label file
/// has four or more per row and `String(format:)` per number is slow.
enum YOLONumberFormat {
    /// Appends `value`, clamped to `[0, 1]`, with six decimals and C's rounding.
    static func append(_ value: Double, to bytes: inout [UInt8]) {
        let clamped = value.isNaN ? 0 : min(max(value, 0), 1)
        let scaled = clamped * 1_000_000
        let floor = scaled.rounded(.down)
        var units: Int
        if abs(scaled - floor - 0.5) < 1e-6 {
            // Near a tie the product's own rounding can tip the result; printf decides on the
            // exact binary value, so ask it.
            bytes.append(contentsOf: String(format: "%.6f", clamped).utf8)
            return
        } else {
            units = Int(scaled.rounded())
        }
        units = min(max(units, 0), 1_000_000)
        bytes.append(units == 1_000_000 ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        bytes.append(UInt8(ascii: "."))
        var fraction = units % 1_000_000
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 6)
        for index in stride(from: 5, through: 0, by: -1) {
            digits[index] = UInt8(ascii: "0") + UInt8(fraction % 10)
            fraction /= 10
        }
        bytes.append(contentsOf: digits)
    }
}
