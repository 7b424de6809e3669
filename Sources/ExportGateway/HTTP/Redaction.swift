/// Keeps secrets out of text that may be logged, printed or stored.
public enum Redaction {
    /// What a secret is replaced with.
    public static let placeholder = "[redacted]"

    /// `text` with every occurrence of each non-empty secret replaced by ``placeholder``.
    public static func redact(_ text: String, secrets: some Sequence<String>) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: placeholder)
        }
        return result
    }
}
