import ExportGateway
import Foundation

extension LabelStudioSimulator {
    /// Who sent `request`, or the 401 to answer, as Label Studio decides it: a JWT middleware
    /// that swallows every JWT error (so an expired, garbage or refresh token as `Bearer` is
    /// the same as no credential at all), then DRF's `TokenAuthentication` for legacy keys
    /// (`X-Api-Key` is rewritten to `Authorization: Token …` first).
    func authenticate(_ request: SimulatedRequest) -> Authentication {
        let now = host.time.now.timeIntervalSince1970
        let (legacyEnabled, tokensEnabled, users) = state.withLock {
            ($0.legacyTokensEnabled, $0.apiTokensEnabled, $0.users)
        }
        let sent = request.headers["X-Api-Key"].map { "Token \($0)" } ?? request.headers["Authorization"]
        guard let sent else { return .refused(Self.unauthorized(Self.notAuthenticated)) }
        let parts = sent.split(separator: " ", omittingEmptySubsequences: true)
        // "Bearer" is matched case-sensitively: "bearer …" is nobody.
        if parts.first == "Bearer" {
            guard tokensEnabled, parts.count == 2,
                let claims = JSONWebToken.verify(String(parts[1]), secret: signingSecret),
                claims.tokenType == "access", now < Double(claims.expires),
                let user = users.first(where: { $0.id == claims.userID })
            else { return .refused(Self.unauthorized(Self.notAuthenticated)) }
            return .user(user)
        }
        guard parts.first?.lowercased() == "token" else { return .refused(Self.unauthorized(Self.notAuthenticated)) }
        guard parts.count == 2 else {
            return .refused(
                Self.unauthorized(
                    parts.count == 1
                        ? "Invalid token header. No credentials provided."
                        : "Invalid token header. Token string should not contain spaces."))
        }
        guard parts[1] == legacyAPIKey, let owner = users.first(where: { $0.id == 1 }) else {
            return .refused(Self.unauthorized("Invalid token."))
        }
        guard legacyEnabled else {
            return .refused(
                Self.unauthorized(
                    "Authentication token no longer valid: legacy token authentication has been disabled for this "
                        + "organization"))
        }
        return .user(owner)
    }

    /// Why a refresh token was refused (simplejwt's words).
    struct TokenRefusal: Error {
        var message: String
    }

    /// Exchanges the personal access token `token` for a new access token, as
    /// `POST /api/token/refresh/` does (rotation off: no new refresh token).
    func refresh(_ token: String) -> Result<String, TokenRefusal> {
        let now = host.time.now.timeIntervalSince1970
        guard let claims = JSONWebToken.verify(token, secret: signingSecret) else {
            return .failure(TokenRefusal(message: "Token is invalid"))
        }
        guard claims.tokenType == "refresh" else { return .failure(TokenRefusal(message: "Token has wrong type")) }
        guard now < Double(claims.expires) else { return .failure(TokenRefusal(message: "Token is expired")) }
        let issued: Result<String, TokenRefusal> = state.withLock { state in
            guard let known = state.refreshTokens.first(where: { $0.token == token }) else {
                return .failure(TokenRefusal(message: "Token is invalid"))
            }
            guard !known.blacklisted else { return .failure(TokenRefusal(message: "Token is blacklisted")) }
            state.tokensIssued += 1
            return .success(
                JSONWebToken.accessToken(
                    userID: known.userID, jti: JSONWebToken.jti(seed: UInt64(state.tokensIssued)),
                    issuedAt: Int(now), lifetime: Int(accessTokenLifetime.rounded(.up)), secret: signingSecret))
        }
        // A credential like the keys: the request log redacts it from now on.
        if case .success(let access) = issued { host.log.recognize(access) }
        return issued
    }

    /// `POST /api/token/refresh/`: no credential needed; `{"refresh": PAT}` as JSON or a form.
    func refreshRoute(_ request: SimulatedRequest) -> HTTPResponse {
        let body: [String: JSONValue]
        switch requestObject(request) {
        case .success(let object): body = object
        case .failure(let refusal): return refusal.response
        }
        let token: String
        switch refreshField(body) {
        case .success(let value): token = value
        case .failure(let refusal): return refusal.response
        }
        switch refresh(token) {
        case .success(let access): return Self.drf(200, ["access": .string(access)])
        case .failure(let refusal):
            return Self.envelope(401, refusal.message, headers: ["WWW-Authenticate": "Bearer realm=\"api\""])
        }
    }

    /// The `refresh` field of a token serializer, or its field error.
    private func refreshField(_ body: [String: JSONValue]) -> Result<String, RequestRefusal> {
        switch body["refresh"] {
        case nil: .failure(RequestRefusal(Self.validation(["refresh": ["This field is required."]])))
        case .null?: .failure(RequestRefusal(Self.validation(["refresh": ["This field may not be null."]])))
        case .string("")?: .failure(RequestRefusal(Self.validation(["refresh": ["This field may not be blank."]])))
        case .string(let text)?: .success(text)
        case .int(let number)?: .success(String(number))
        case .double(let number)?: .success("\(number)")
        case .bool, .array, .object:
            .failure(RequestRefusal(Self.validation(["refresh": ["Not a valid string."]])))
        }
    }

    /// `POST /api/token/`: a new personal access token, unless the caller has a live one.
    func createToken(user: User) -> HTTPResponse {
        let minted: String? = state.withLock { state in
            guard !state.refreshTokens.contains(where: { $0.userID == user.id && !$0.blacklisted }) else { return nil }
            return mintPersonalAccessToken(for: user.id, in: &state)
        }
        guard let minted else {
            return Self.envelope(409, "You already have a valid token. Please revoke it before creating a new one.")
        }
        return Self.drf(201, ["token": .string(minted)])
    }

    /// `GET /api/token/`: the caller's live personal access tokens, signatures stripped.
    func listTokens(user: User) -> HTTPResponse {
        let tokens = state.withLock { $0.refreshTokens.filter { $0.userID == user.id && !$0.blacklisted } }
        return Self.drf(
            200,
            .array(
                tokens.map { token in
                    ["token": .string(token.token.split(separator: ".").prefix(2).joined(separator: "."))]
                }))
    }

    /// `POST /api/token/rotate/`: blacklists the given token and hands out its successor.
    func rotateToken(_ request: SimulatedRequest) -> HTTPResponse {
        let body: [String: JSONValue]
        switch requestObject(request) {
        case .success(let object): body = object
        case .failure(let refusal): return refusal.response
        }
        let token: String
        switch refreshField(body) {
        case .success(let value): token = value
        case .failure(let refusal): return refusal.response
        }
        let rotated: String? = state.withLock { state in
            guard let index = state.refreshTokens.firstIndex(where: { $0.token == token && !$0.blacklisted }) else {
                return nil
            }
            state.refreshTokens[index].blacklisted = true
            return mintPersonalAccessToken(for: state.refreshTokens[index].userID, in: &state)
        }
        guard let rotated else { return Self.bare(400, "Token is invalid or already blacklisted.") }
        return Self.drf(200, ["refresh": .string(rotated)])
    }

    /// `POST /api/token/blacklist/`: no credential needed; the full token or the
    /// `header.payload` form `GET /api/token/` lists.
    func blacklistToken(_ request: SimulatedRequest) -> HTTPResponse {
        let body: [String: JSONValue]
        switch requestObject(request) {
        case .success(let object): body = object
        case .failure(let refusal): return refusal.response
        }
        let token: String
        switch refreshField(body) {
        case .success(let value): token = value
        case .failure(let refusal): return refusal.response
        }
        let found = state.withLock { state in
            guard
                let index = state.refreshTokens.firstIndex(where: {
                    !$0.blacklisted
                        && ($0.token == token
                            || $0.token.split(separator: ".").prefix(2).joined(separator: ".") == token)
                })
            else { return false }
            state.refreshTokens[index].blacklisted = true
            return true
        }
        return found ? HTTPResponse(status: 204) : Self.bare(404, "Token is invalid or already blacklisted.")
    }

    /// `GET`/`POST /api/jwt/settings`: the organization's two token switches.
    func jwtSettings(_ request: SimulatedRequest, method: String, user: User) -> HTTPResponse {
        guard !user.removed else { return Self.envelope(403, Self.permissionDenied) }
        if method == "POST" {
            let body: [String: JSONValue]
            switch requestObject(request) {
            case .success(let object): body = object
            case .failure(let refusal): return refusal.response
            }
            var errors: [OrderedJSON.Member] = []
            var changes: [String: Bool] = [:]
            for field in ["api_tokens_enabled", "legacy_api_tokens_enabled"] {
                guard let value = body[field] else { continue }
                if let flag = Self.boolean(value) {
                    changes[field] = flag
                } else {
                    errors.append(.init(key: field, value: ["Must be a valid boolean."]))
                }
            }
            guard errors.isEmpty else { return Self.validation(.object(errors)) }
            state.withLock { state in
                if let flag = changes["api_tokens_enabled"] { state.apiTokensEnabled = flag }
                if let flag = changes["legacy_api_tokens_enabled"] { state.legacyTokensEnabled = flag }
            }
        }
        let (api, legacy) = state.withLock { ($0.apiTokensEnabled, $0.legacyTokensEnabled) }
        return Self.drf(200, ["api_tokens_enabled": .bool(api), "legacy_api_tokens_enabled": .bool(legacy)])
    }

    /// A new personal access token for `userID`, recorded and redacted from the log.
    private func mintPersonalAccessToken(for userID: Int, in state: inout State) -> String {
        state.tokensIssued += 1
        let token = JSONWebToken.personalAccessToken(
            userID: userID, jti: JSONWebToken.jti(seed: UInt64(state.tokensIssued)),
            issuedAt: Int(host.time.now.timeIntervalSince1970), secret: signingSecret)
        state.refreshTokens.append(RefreshToken(token: token, userID: userID))
        host.log.recognize(token)
        return token
    }
}

/// The simulator's JSON Web Tokens, shaped as simplejwt's: `header.payload.signature` in
/// base64url, an HS256 header, claims `token_type`, `exp`, `iat`, `jti`, `user_id` (a string).
/// The signature is a keyed digest the simulator checks, not HMAC-SHA256: no client can check
/// it either way without the server's secret.
enum JSONWebToken {
    /// `{"alg":"HS256","typ":"JWT"}`, as PyJWT writes it.
    static let header = base64url(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
    /// A personal access token's lifetime: 200 years, as Label Studio issues them.
    static let personalTokenLifetime = 6_307_200_000

    /// The claims of a token the simulator signed.
    struct Claims {
        var tokenType: String
        var expires: Int
        var issuedAt: Int
        var id: String
        var userID: Int
    }

    static func personalAccessToken(userID: Int, jti: String, issuedAt: Int, secret: String) -> String {
        make(
            type: "refresh", userID: userID, jti: jti, issuedAt: issuedAt, lifetime: personalTokenLifetime,
            secret: secret)
    }

    static func accessToken(userID: Int, jti: String, issuedAt: Int, lifetime: Int, secret: String) -> String {
        make(type: "access", userID: userID, jti: jti, issuedAt: issuedAt, lifetime: lifetime, secret: secret)
    }

    private static func make(
        type: String, userID: Int, jti: String, issuedAt: Int, lifetime: Int, secret: String
    ) -> String {
        let claims: OrderedJSON = [
            "token_type": .string(type), "exp": .int(issuedAt + lifetime), "iat": .int(issuedAt),
            "jti": .string(jti), "user_id": .string(String(userID)),
        ]
        let input = header + "." + base64url(claims.written(.compact))
        return input + "." + signature(input, secret: secret)
    }

    /// 32 hex digits, fixed by `seed`.
    static func jti(seed: UInt64) -> String {
        var generator = SplitMix64(seed: seed &* 0x9E37_79B9)
        return (0..<2).map { _ in
            let digits = String(generator.next(), radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }

    /// The claims of `token` when the simulator signed it and they read; `nil` for anything else.
    static func verify(_ token: String, secret: String) -> Claims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, signature("\(parts[0]).\(parts[1])", secret: secret) == parts[2],
            let payload = decodeBase64URL(parts[1]), let claims = try? JSONValue(parsing: payload),
            let type = claims["token_type"]?.stringValue, let expires = claims["exp"]?.intValue,
            let issued = claims["iat"]?.intValue, let id = claims["jti"]?.stringValue,
            let user = claims["user_id"]?.stringValue.flatMap({ Int($0) })
        else { return nil }
        return Claims(tokenType: type, expires: Int(expires), issuedAt: Int(issued), id: id, userID: user)
    }

    /// 32 bytes of keyed 64-bit FNV-1a digests of `input`, in base64url.
    private static func signature(_ input: String, secret: String) -> String {
        var bytes: [UInt8] = []
        for lane in 0..<4 {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in "\(secret)|\(lane)|\(input)".utf8 { hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01B3 }
            for shift in stride(from: 0, to: 64, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: hash >> UInt64(shift)))
            }
        }
        return base64url(Data(bytes))
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
