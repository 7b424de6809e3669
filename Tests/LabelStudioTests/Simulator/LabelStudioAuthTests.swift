import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// Checklist points 3 (auth), 4 (envelope) and 16 (cookies): tokens, their refresh and
/// expiry, legacy keys behind their switch, and 401s that cannot tell expired from missing.
@Suite("Label Studio simulator: auth")
struct LabelStudioAuthTests {
    let client = LabelStudioClient()
    var simulator: LabelStudioSimulator { client.simulator }

    func claims(_ token: String) throws -> JSONValue {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        var text = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return try JSONValue(parsing: try #require(Data(base64Encoded: text)))
    }

    @Test func apiKeyIsAPersonalAccessTokenOf200Years() throws {
        for key in [simulator.apiKey, simulator.restrictedAPIKey] {
            let parts = key.split(separator: ".")
            #expect(parts.count == 3 && parts[0] == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9")
            #expect(!key.contains("=") && !key.contains("+") && !key.contains("/"))
            let payload = try claims(key)
            #expect(payload["token_type"] == "refresh")
            let exp = try #require(payload["exp"]?.intValue), iat = try #require(payload["iat"]?.intValue)
            #expect(exp - iat == 6_307_200_000)
            let jti = try #require(payload["jti"]?.stringValue)
            #expect(jti.count == 32 && jti.allSatisfy(\.isHexDigit))
        }
        #expect(try claims(simulator.apiKey)["user_id"] == "1")
        #expect(simulator.apiKey != simulator.restrictedAPIKey)
    }

    @Test func refreshExchangesThePersonalTokenForAFiveMinuteAccessToken() async throws {
        for body in [
            (Data("{\"refresh\": \"\(simulator.apiKey)\"}".utf8), "application/json"),
            (Data("refresh=\(simulator.apiKey)".utf8), "application/x-www-form-urlencoded"),
        ] {
            for path in ["/api/token/refresh/", "/api/token/refresh"] {
                let response = try await client.send(
                    .post, path, credential: .none, body: body.0, contentType: body.1)
                #expect(response.status == 200)
                let object = try #require(try LabelStudioClient.json(response).objectValue)
                #expect(Array(object.keys) == ["access"], "rotation is off: no new refresh token")
                let access = try #require(object["access"]?.stringValue)
                let payload = try claims(access)
                #expect(payload["token_type"] == "access" && payload["user_id"] == "1")
                #expect(try #require(payload["exp"]?.intValue) - (try #require(payload["iat"]?.intValue)) == 300)
                let projects = try await client.send(
                    .get, "/api/projects/", credential: .authorization("Bearer \(access)"))
                #expect(projects.status == 200)
            }
        }
    }

    @Test func refreshRefusalsUseSimplejwtWordsAndTheBearerChallenge() async throws {
        let access = try #require(simulator.accessToken())
        let truncated = simulator.apiKey.split(separator: ".").prefix(2).joined(separator: ".")
        for (token, detail) in [
            ("garbage", "Token is invalid"), (truncated, "Token is invalid"), (access, "Token has wrong type"),
        ] {
            let response = try await client.send(
                .post, "/api/token/refresh/", credential: .none, json: ["refresh": .string(token)])
            try LabelStudioClient.expectEnvelope(response, 401, detail)
            #expect(response.headers["WWW-Authenticate"] == "Bearer realm=\"api\"")
        }
        let missing = try await client.send(.post, "/api/token/refresh/", credential: .none, json: [:])
        try LabelStudioClient.expectEnvelope(missing, 400, "Validation error")
        #expect(try LabelStudioClient.json(missing)["validation_errors"] == ["refresh": ["This field is required."]])
        let get = try await client.send(.get, "/api/token/refresh/", credential: .none)
        try LabelStudioClient.expectEnvelope(get, 405, "Method \"GET\" not allowed.")
    }

    @Test func accessTokenExpiresOnTheSimulatedClockAnd401LooksLikeNoCredential() async throws {
        let access = try #require(simulator.accessToken())
        let bearer = LabelStudioClient.Credential.authorization("Bearer \(access)")
        simulator.advanceTime(by: 299)
        #expect(try await client.send(.get, "/api/projects/", credential: bearer).status == 200)
        simulator.advanceTime(by: 2)
        let expired = try await client.send(.get, "/api/projects/", credential: bearer)
        let missing = try await client.send(.get, "/api/projects/", credential: .none)
        let garbage = try await client.send(.get, "/api/projects/", credential: .authorization("Bearer nonsense"))
        let refreshAsBearer = try await client.send(
            .get, "/api/projects/", credential: .authorization("Bearer \(simulator.apiKey)"))
        for response in [expired, missing, garbage, refreshAsBearer] {
            try LabelStudioClient.expectEnvelope(response, 401, "Authentication credentials were not provided.")
            #expect(response.headers["WWW-Authenticate"] == "Token")
            var body = try #require(try LabelStudioClient.json(response).objectValue)
            body["id"] = nil
            var other = try #require(try LabelStudioClient.json(missing).objectValue)
            other["id"] = nil
            #expect(body == other, "an expired token must be indistinguishable from none")
        }
        #expect(try LabelStudioClient.json(expired)["id"] != (try LabelStudioClient.json(missing))["id"])
        // A new access token from the same personal token works again.
        #expect(try await client.send(.get, "/api/projects/").status == 200)
    }

    @Test func accessTokenLifetimeIsAKnob() async throws {
        let short = LabelStudioClient(LabelStudioSimulator(accessTokenLifetime: 3))
        let access = try #require(short.simulator.accessToken())
        short.simulator.advanceTime(by: 2)
        #expect(
            try await short.send(.get, "/api/projects/", credential: .authorization("Bearer \(access)")).status == 200)
        short.simulator.advanceTime(by: 1)
        #expect(
            try await short.send(.get, "/api/projects/", credential: .authorization("Bearer \(access)")).status == 401)
    }

    @Test func bearerIsCaseSensitive() async throws {
        let access = try #require(simulator.accessToken())
        let response = try await client.send(.get, "/api/projects/", credential: .authorization("bearer \(access)"))
        try LabelStudioClient.expectEnvelope(response, 401, "Authentication credentials were not provided.")
    }

    @Test func legacyTokensAreRefusedWithTheExactWordsUntilEnabled() async throws {
        let disabled =
            "Authentication token no longer valid: legacy token authentication has been disabled for this organization"
        let token = LabelStudioClient.Credential.authorization("Token \(simulator.legacyAPIKey)")
        let apiKey = LabelStudioClient.Credential.header("X-Api-Key", simulator.legacyAPIKey)
        for credential in [token, apiKey] {
            try LabelStudioClient.expectEnvelope(
                try await client.send(.get, "/api/projects/", credential: credential), 401, disabled)
        }
        try LabelStudioClient.expectEnvelope(
            try await client.send(.get, "/api/projects/", credential: .authorization("Token unknown-key")), 401,
            "Invalid token.")
        // A JWT in X-Api-Key is a legacy key nobody has.
        try LabelStudioClient.expectEnvelope(
            try await client.send(.get, "/api/projects/", credential: .header("X-Api-Key", simulator.apiKey)), 401,
            "Invalid token.")

        simulator.legacyTokensEnabled = true
        for credential in [token, apiKey, .authorization("token \(simulator.legacyAPIKey)")] {
            #expect(try await client.send(.get, "/api/projects/", credential: credential).status == 200)
        }
        let enabledAtStart = LabelStudioClient(LabelStudioSimulator(legacyTokensEnabled: true))
        #expect(
            try await enabledAtStart.send(
                .get, "/api/projects/", credential: .authorization("Token \(enabledAtStart.simulator.legacyAPIKey)")
            ).status == 200)
    }

    @Test func jwtSettingsTurnLegacyTokensOnAndBearerOff() async throws {
        #expect(
            try await client.get("/api/jwt/settings") == [
                "api_tokens_enabled": true, "legacy_api_tokens_enabled": false,
            ])
        let on = try await client.send(.post, "/api/jwt/settings", json: ["legacy_api_tokens_enabled": true])
        #expect(try LabelStudioClient.json(on) == ["api_tokens_enabled": true, "legacy_api_tokens_enabled": true])
        #expect(simulator.legacyTokensEnabled)
        let bad = try await client.send(.post, "/api/jwt/settings", json: ["api_tokens_enabled": "maybe"])
        #expect(
            try LabelStudioClient.json(bad)["validation_errors"] == ["api_tokens_enabled": ["Must be a valid boolean."]]
        )
        let access = try #require(simulator.accessToken())
        _ = try await client.send(
            .post, "/api/jwt/settings", credential: .authorization("Bearer \(access)"),
            json: ["api_tokens_enabled": false])
        #expect(
            try await client.send(.get, "/api/projects/", credential: .authorization("Bearer \(access)")).status == 401)
        let legacy = LabelStudioClient.Credential.authorization("Token \(simulator.legacyAPIKey)")
        #expect(try await client.send(.get, "/api/projects/", credential: legacy).status == 200)
        #expect(try await client.send(.get, "/api/jwt/settings/", credential: legacy).status == 404)
    }

    @Test func personalTokensCanBeListedRotatedAndBlacklisted() async throws {
        let second = try await client.send(.post, "/api/token/")
        try LabelStudioClient.expectEnvelope(
            second, 409, "You already have a valid token. Please revoke it before creating a new one.")
        let listed = try await client.get("/api/token/")
        let stripped = simulator.apiKey.split(separator: ".").prefix(2).joined(separator: ".")
        #expect(listed == [["token": .string(stripped)]])

        let rotated = try await client.send(.post, "/api/token/rotate/", json: ["refresh": .string(simulator.apiKey)])
        let successor = try #require(try LabelStudioClient.json(rotated)["refresh"]?.stringValue)
        let old = try await client.send(
            .post, "/api/token/refresh/", credential: .none, json: ["refresh": .string(simulator.apiKey)])
        try LabelStudioClient.expectEnvelope(old, 401, "Token is blacklisted")
        #expect(simulator.accessToken(for: successor) != nil)

        // Lost it: blacklist the listed (signature-less) form, then make a new one.
        let successorListed = successor.split(separator: ".").prefix(2).joined(separator: ".")
        let access = try #require(simulator.accessToken(for: successor))
        let bearer = LabelStudioClient.Credential.authorization("Bearer \(access)")
        let blacklisted = try await client.send(
            .post, "/api/token/blacklist/", credential: .none, json: ["refresh": .string(successorListed)])
        #expect(blacklisted.status == 204 && blacklisted.body.isEmpty)
        let again = try await client.send(
            .post, "/api/token/blacklist/", credential: .none, json: ["refresh": .string(successorListed)])
        #expect(again.status == 404)
        #expect(try LabelStudioClient.json(again) == ["detail": "Token is invalid or already blacklisted."])
        // The access token outlives its blacklisted personal token until its own expiry.
        let created = try await client.send(.post, "/api/token/", credential: bearer)
        #expect(created.status == 201)
        let fresh = try #require(try LabelStudioClient.json(created)["token"]?.stringValue)
        #expect(simulator.accessToken(for: fresh) != nil)
    }

    @Test func everyAnswerSetsASessionCookieAndDjangoHeaders() async throws {
        var cookies: Set<String> = []
        for (path, credential) in [
            ("/health", LabelStudioClient.Credential.none), ("/api/version", .none), ("/api/projects/", .bearer),
            ("/api/projects/", .none), ("/nothing-here", .none),
        ] {
            let response = try await client.send(.get, path, credential: credential)
            let cookie = try #require(response.headers["Set-Cookie"])
            #expect(
                cookie.hasPrefix("sessionid=") && cookie.hasSuffix("; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"))
            cookies.insert(cookie)
            #expect(response.headers["X-Content-Type-Options"] == "nosniff")
            #expect(response.headers["Vary"] == "Accept-Language, Cookie, origin")
            // Seen on 1.23.2: the cookie expires in two weeks, every answer is in en-us.
            #expect(cookie.contains("; expires=Wed, 29 Jan 2025 09:30:00 GMT; HttpOnly;"))
            #expect(response.headers["Content-Language"] == "en-us")
            #expect(
                response.headers["Content-Security-Policy-Report-Only"]?.hasPrefix("img-src 'self' 'report-sample'")
                    == true)
        }
        #expect(cookies.count == 5, "each answer starts a fresh anonymous session")
    }

    @Test func requestLogRedactsKeysAndTheAccessTokensHandedOut() async throws {
        let refreshed = try await client.send(
            .post, "/api/token/refresh/", credential: .none, json: ["refresh": .string(simulator.apiKey)])
        let access = try #require(try LabelStudioClient.json(refreshed)["access"]?.stringValue)
        _ = try await client.send(.get, "/api/projects/", credential: .authorization("Bearer \(access)"))
        let entries = simulator.requestLog.requests
        #expect(entries.count == 2 && entries.allSatisfy(\.carriedCredential))
        #expect(String(decoding: entries[0].body, as: UTF8.self) == "{\"refresh\":\"[redacted]\"}")
        #expect(entries[1].headers["Authorization"] == "Bearer [redacted]")
    }
}
