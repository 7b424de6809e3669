/// Keeps secrets out of text that may be logged, printed or stored.
public enum Redaction {
    /// What a secret is replaced with.
    public static let placeholder = "[redacted]"

    /// `text` with every occurrence of each non-empty secret replaced by ``placeholder``, and
    /// the start of a secret that a cut (``cutMarker``) left behind replaced too.
    public static func redact(_ text: String, secrets: some Sequence<String>) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: placeholder)
            result = redactingCutPrefix(of: secret, in: result)
        }
        return result
    }

    /// What ends a vendor text that was cut short.
    static let cutMarker = "… (cut)"

    /// A vendor text cut at `limit` characters may end with the first part of a key; the
    /// longest such part (four characters or more) before each cut marker is replaced.
    private static func redactingCutPrefix(of secret: String, in text: String) -> String {
        guard secret.count >= 4, text.contains(cutMarker) else { return text }
        var result = ""
        var rest = Substring(text)
        while let marker = rest.range(of: cutMarker) {
            var before = String(rest[..<marker.lowerBound])
            for length in stride(from: min(secret.count - 1, before.count), through: 4, by: -1)
            where before.hasSuffix(secret.prefix(length)) {
                before = String(before.dropLast(length)) + placeholder
                break
            }
            result += before + cutMarker
            rest = rest[marker.upperBound...]
        }
        return result + rest
    }
}
