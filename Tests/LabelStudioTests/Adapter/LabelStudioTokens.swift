import ExportGateway
import Foundation

/// JSON Web Tokens for tests, signed with nothing: the adapter reads claims, never signatures.
enum LabelStudioTokens {
    static func jwt(_ claims: JSONValue) -> String {
        part(["alg": "HS256", "typ": "JWT"]) + "." + part(claims) + ".c2lnbmF0dXJl"
    }

    /// A personal access token expiring at `exp` (seconds since 1970; far ahead by default).
    static func refresh(exp: Int64 = 8_000_000_000) -> String {
        jwt(["token_type": "refresh", "exp": .int(exp), "iat": 1_700_000_000, "jti": "0123abcd", "user_id": "1"])
    }

    /// An access token issued at `iat`, living `lifetime` seconds.
    static func access(iat: Int64 = 1_700_000_000, lifetime: Int64 = 300) -> String {
        jwt(["token_type": "access", "exp": .int(iat + lifetime), "iat": .int(iat), "jti": "4567ef", "user_id": "1"])
    }

    private static func part(_ value: JSONValue) -> String {
        value.serialized().base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
