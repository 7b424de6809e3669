import Foundation

/// A short-lived credential an adapter got in exchange for the user's key
/// (``ExportProvider/exchangeKey(_:api:)``), wrapped so that it cannot be printed, logged or
/// encoded by accident.
///
/// Its `description`, `debugDescription` and mirror all read `[redacted]`, as ``APIKey``'s do.
/// The core keeps it for one gateway, hands it to the adapter's
/// ``ExportProvider/authenticate(_:token:)``, and asks for a new one before ``expiresAt``.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The token itself. Read it only to put it in a request header.
    public let secret: String
    /// When the vendor stops accepting it, if it says; `nil` keeps it until a request with it
    /// is refused (401).
    public let expiresAt: Date?
    /// When the vendor issued it, if it says. With ``expiresAt`` it gives the token's lifetime
    /// in the vendor's own clock, so this machine's clock need not agree with the vendor's.
    public let issuedAt: Date?

    /// Wraps a token.
    public init(_ secret: String, expiresAt: Date? = nil, issuedAt: Date? = nil) {
        self.secret = secret
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
    }

    /// How long the token is good for from when it was issued: from ``issuedAt`` when the
    /// vendor says, else from `now`; `nil` when unknown or not positive (a clock so far off
    /// that the token seems dead on arrival is no reason to exchange before every request).
    func lifetime(now: Date) -> Duration? {
        guard let expiresAt else { return nil }
        let seconds = expiresAt.timeIntervalSince(issuedAt ?? now)
        guard seconds.isFinite, seconds > 0 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded(.down)))
    }

    public var description: String { Redaction.placeholder }
    public var debugDescription: String { "AccessToken(\(Redaction.placeholder))" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

/// Exchange the user's key for an access token (``ExportProvider/exchangeKey(_:api:)``).
///
/// Not a ``ProviderRequest``: the core exchanges inside whichever call first needs a
/// credential, and that call's operation and resource name any error the exchange throws.
public struct KeyExchangeRequest: Sendable {
    /// The key the gateway was configured with. Put it only in the exchange request's body
    /// or headers, never in a URL.
    public var key: APIKey

    /// Creates a request.
    public init(key: APIKey) { self.key = key }
}
