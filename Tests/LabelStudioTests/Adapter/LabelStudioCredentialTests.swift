import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayLabelStudio

/// Which keys are exchanged, read from the key alone.
@Suite struct LabelStudioCredentialTests {
    private let now = Date(timeIntervalSince1970: 1_750_000_000)

    @Test func aPersonalAccessTokenIsExchanged() throws {
        #expect(try LabelStudioCredential(key: LabelStudioTokens.refresh(), now: now) == .refresh)
    }

    @Test(arguments: [
        "f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1",  // a legacy token
        "a.b.c",  // three parts that are not base64url JSON
        "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln",  // a payload that is not JSON
        "header.payload",
    ])
    func anythingElseIsALegacyToken(key: String) throws {
        #expect(try LabelStudioCredential(key: key, now: now) == .legacy)
    }

    @Test func aJWTOfAnotherTypeIsALegacyToken() throws {
        let key = LabelStudioTokens.jwt(["token_type": "something", "exp": 9_000_000_000])
        #expect(try LabelStudioCredential(key: key, now: now) == .legacy)
    }

    @Test func anExpiredPersonalAccessTokenIsRefusedBeforeAnyRequestWithoutRepeatingIt() throws {
        let key = LabelStudioTokens.refresh(exp: 1_600_000_000)
        let error = try #require(throws: GatewayError.self) { try LabelStudioCredential(key: key, now: now) }
        #expect(error.kind == .authentication)
        #expect(error.message.contains("expired on 2020-09-13"))
        #expect(!error.message.contains(key) && !error.message.contains(String(key.prefix(20))))
    }

    @Test func anAccessTokenAsTheKeyIsRefusedWithWhatToSetInstead() throws {
        let error = try #require(throws: GatewayError.self) {
            try LabelStudioCredential(key: LabelStudioTokens.access(), now: now)
        }
        #expect(error.kind == .authentication && error.message.contains("personal access token"))
    }

    @Test func anAccessTokensLifetimeComesFromItsOwnClaims() {
        let token = LabelStudioJWT.accessToken(LabelStudioTokens.access(iat: 1_700_000_000, lifetime: 300))
        #expect(token.issuedAt == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(token.expiresAt == Date(timeIntervalSince1970: 1_700_000_300))
        let opaque = LabelStudioJWT.accessToken("not-a-jwt")
        #expect(opaque.expiresAt == nil && opaque.issuedAt == nil && opaque.secret == "not-a-jwt")
    }
}
