import Foundation

/// Pictograph's `Idempotency-Key` header, sent on every `POST`.
///
/// The server remembers a key for 24 hours and answers a repeat with the first answer,
/// without doing the work again. That is what makes a create or bulk delete safe to
/// retry after a lost answer: the core re-sends the same `HTTPRequest`, so
/// a key set once per call stays the same on every attempt of that call.
enum PictographIdempotency {
    /// The header name, in the SDK's (Stripe's) spelling.
    static let header = "Idempotency-Key"

    /// A new key: 32 lowercase hex characters, like the SDK's `uuid4().hex`.
    static func newKey() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}
