import ExportGateway
import Foundation

/// What kind of key a Label Studio user configured, read from the key alone, as Label
/// Studio's own SDK decides it.
///
/// A personal access token is a JWT refresh token (three base64url parts whose payload says
/// `"token_type": "refresh"`): it is exchanged at `POST /api/token/refresh/` for an access
/// token that lives five minutes, sent as `Authorization: Bearer`. Any other key is a legacy
/// token, sent as `Authorization: Token <key>` and never exchanged. The signature is not
/// checked: only the server can.
enum LabelStudioCredential: Equatable {
    /// A legacy token, sent as it is.
    case legacy
    /// A personal access token to exchange.
    case refresh

    /// The kind of `key`. A refresh token whose own `exp` has passed, or a short-lived access
    /// token given as the key, is an `authentication` error here, before any request: the
    /// server would only refuse it without saying why.
    init(key: String, now: Date) throws {
        guard let claims = LabelStudioJWT.claims(of: key) else {
            self = .legacy
            return
        }
        switch claims["token_type"]?.stringValue {
        case "refresh":
            if let expiry = LabelStudioJWT.date(claims["exp"]), expiry <= now {
                throw GatewayError(
                    .authentication,
                    message:
                        "The Label Studio personal access token expired on \(ISO8601DateFormatter().string(from: expiry)). "
                        + "Create a new one (Account & Settings, Personal Access Token) and set LABEL_STUDIO_API_KEY.")
            }
            self = .refresh
        case "access":
            throw GatewayError(
                .authentication,
                message:
                    "The key is a Label Studio access token, which expires minutes after it is issued. Set the "
                    + "personal access token (Account & Settings, Personal Access Token) instead; the gateway "
                    + "exchanges it for access tokens itself.")
        default:
            self = .legacy
        }
    }
}

/// Reads the claims of a JSON Web Token without checking its signature.
enum LabelStudioJWT {
    /// The payload's members, when `token` is three non-empty base64url parts whose first two
    /// decode to JSON objects; `nil` for anything else.
    static func claims(of token: String) -> [String: JSONValue]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }),
            let header = decode(parts[0]).flatMap({ try? JSONValue(parsing: $0) }), header.objectValue != nil,
            let payload = decode(parts[1]).flatMap({ try? JSONValue(parsing: $0) })
        else { return nil }
        return payload.objectValue
    }

    /// A NumericDate claim (`exp`, `iat`: seconds since 1970) as a date.
    static func date(_ claim: JSONValue?) -> Date? {
        claim?.doubleValue.map { Date(timeIntervalSince1970: $0) }
    }

    /// An access token as the core keeps it: its expiry and issue time from its own claims,
    /// so its lifetime is measured by the server's clock; neither when it is not a JWT.
    static func accessToken(_ secret: String) -> AccessToken {
        let claims = claims(of: secret)
        return AccessToken(secret, expiresAt: date(claims?["exp"]), issuedAt: date(claims?["iat"]))
    }

    private static func decode(_ part: Substring) -> Data? {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/") }) else {
            return nil
        }
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        return Data(base64Encoded: text)
    }
}
