import Foundation

/// The small JSON helpers COCO reading and writing share: parsing one element with the file
/// named in the error, and writing numbers and strings the way COCO tools expect.
enum COCOText {
    /// Parses one element cut out by ``JSONObjectScanner``.
    /// - Throws: ``GatewayError/Kind/decoding`` naming the file and what the element was.
    static func parse(_ bytes: Data, file: String, what: String) throws -> JSONValue {
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw GatewayError(
                .decoding, message: "\(file) has \(what) that is not valid JSON (\(error)). The file is damaged.",
                underlying: error)
        }
    }

    /// The start of a value's JSON text, for messages.
    static func excerpt(_ value: JSONValue) -> String {
        let text = String(decoding: value.serialized(), as: UTF8.self)
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }

    /// An id as written in a message or used as a key: integers in decimal, strings as they are.
    static func idText(_ value: JSONValue?) -> String? {
        switch value {
        case .int(let number): return String(number)
        case .double(let number) where number.rounded() == number && abs(number) < 9e15: return String(Int64(number))
        case .string(let text): return text
        default: return nil
        }
    }

    /// `value` as JSON: integers without a decimal point, others with at most 6 decimals and
    /// never an exponent (`1e-05` trips some COCO readers); `-0` prints as `0`.
    /// Non-finite values have no JSON form: callers check first.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        // Micro-units of larger values would overflow Int64; there a pixel fraction is noise, so
        // they print rounded to whole numbers, all digits and no exponent.
        guard abs(value) < 9e12 else { return String(format: "%.0f", value) }
        if value.rounded() == value { return String(Int64(value)) }
        let micro = Int64((value * 1_000_000).rounded())
        if micro == 0 { return "0" }
        let magnitude = micro.magnitude
        let whole = magnitude / 1_000_000
        var fraction = magnitude % 1_000_000
        let sign = micro < 0 ? "-" : ""
        if fraction == 0 { return sign + String(whole) }
        var digits = 6
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let fractionText = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped; other
    /// characters kept as UTF-8 (`"vélo"`, not `"v\u00e9lo"`), as datumaro writes them.
    static func string(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        JSONValue.appendString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
