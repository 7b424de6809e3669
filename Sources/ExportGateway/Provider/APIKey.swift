import Foundation

/// A vendor API key, wrapped so that it cannot be printed, logged or encoded by accident.
///
/// Its `description`, `debugDescription` and mirror all read `[redacted]`. Only the core
/// reads ``secret``, to hand it to an adapter's `authenticate` for the vendor's API host.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The key itself. Read it only to put it in a request header.
    public let secret: String

    /// Wraps a key; surrounding white space (a common copy-paste slip) is dropped.
    public init(_ secret: String) { self.secret = secret.trimmingCharacters(in: .whitespacesAndNewlines) }

    public var description: String { Redaction.placeholder }
    public var debugDescription: String { "APIKey(\(Redaction.placeholder))" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
