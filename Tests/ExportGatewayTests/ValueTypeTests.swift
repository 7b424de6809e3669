import ExportGateway
import Foundation
import Testing

@Suite struct ValueTypeTests {
    @Test func headersCompareNamesCaseInsensitively() {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        #expect(headers["content-type"] == "application/json")
        headers["CONTENT-TYPE"] = "text/plain"
        #expect(headers.values(for: "Content-Type") == ["text/plain"])
        headers.add(name: "Accept", value: "a")
        headers.add(name: "accept", value: "b")
        #expect(headers.values(for: "ACCEPT") == ["a", "b"])
        headers["Accept"] = nil
        #expect(!headers.contains("accept"))
    }

    @Test func redactedHeadersHideCredentialValues() {
        let request = HTTPRequest(
            url: URL(string: "https://x.example")!, headers: ["X-Key": "s3cret", "Accept": "*/*"],
            credentialHeaderNames: ["x-key"])
        #expect(request.redactedHeaders["x-key"] == "[redacted]")
        #expect(request.redactedHeaders["accept"] == "*/*")
    }

    @Test func apiKeyNeverPrints() {
        let key = APIKey("  avk_0123456789abcdef  ")
        #expect(key.secret == "avk_0123456789abcdef")
        #expect("\(key)" == "[redacted]")
        #expect(String(reflecting: key).contains("avk_") == false)
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains("avk_"))
    }

    @Test func gatewayErrorRedactsSecretsFromMessageAndFields() {
        let error = GatewayError(
            .invalidRequest, provider: "sample", httpStatus: 400, message: "bad key avk_secret",
            fieldErrors: ["key": ["avk_secret is wrong"]])
        let redacted = error.redacting(["avk_secret"])
        #expect(!"\(redacted)".contains("avk_secret"))
        #expect("\(redacted)".contains("[redacted]"))
        #expect("\(redacted)".contains("HTTP 400"))
    }

    @Test(arguments: [
        ("7", Duration.seconds(7)), (" 1.5 ", .milliseconds(1500)), ("0", .zero),
    ])
    func retryAfterReadsSeconds(_ header: String, _ expected: Duration) {
        #expect(RetryAfter.parse(header) == expected)
    }

    @Test func retryAfterReadsHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let later = "Tue, 14 Nov 2023 22:13:40 GMT"  // now + 20 s
        #expect(RetryAfter.parse(later, now: now) == .seconds(20))
        #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("soon") == nil)
        #expect(RetryAfter.parse(nil) == nil)
    }

    @Test func backoffGrowsAndIsCapped() {
        let policy = RetryPolicy(initialDelay: .seconds(1), maxDelay: .seconds(5), multiplier: 2, jitter: 0)
        #expect(policy.backoff(afterAttempt: 1) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 2) == .seconds(2))
        #expect(policy.backoff(afterAttempt: 10) == .seconds(5))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(600)) == .seconds(5))
    }

    @Test func terminalStatusesAreExactlyTheEndings() {
        #expect(ExportStatus.completed.isTerminal && ExportStatus.failed.isTerminal && ExportStatus.canceled.isTerminal)
        #expect(!ExportStatus.pending.isTerminal && !ExportStatus.running.isTerminal)
        #expect(!ExportStatus.unknown("paused").isTerminal)
    }

    @Test func jsonValueRoundTripsAndKeepsIntegers() throws {
        let text = #"{"a":[1,2.5,"x",true,null],"big":9007199254740993}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(value["big"]?.intValue == 9_007_199_254_740_993)
        #expect(value["a"]?[1]?.doubleValue == 2.5)
        #expect(value["a"]?[4]?.isNull == true)
        let again = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        #expect(again == value)
    }
}

@Suite("path segments")
struct PathSegmentTests {
    @Test(
        "Every reserved character, space and non-ASCII letter is escaped; dot-only segments too",
        arguments: [
            ("plain-name_1.0~x", "plain-name_1.0~x"), ("a b/c", "a%20b%2Fc"), ("100%+&?#", "100%25%2B%26%3F%23"),
            (".", "%2E"), ("..", "%2E%2E"), ("...", "%2E%2E%2E"), ("..a", "..a"), ("é日本", "%C3%A9%E6%97%A5%E6%9C%AC"),
        ])
    func escapes(segment: String, escaped: String) {
        #expect(APIPath(segment).escaped == "/" + escaped)
    }

    @Test func escapedDotSegmentsStayInsideTheRoute() {
        for segment in [".", ".."] {
            let url = URL(string: "https://api.example.test" + APIPath("exports", segment, "download").escaped)!
            #expect(url.standardized.path.hasPrefix("/exports/"), "\(segment) left the route: \(url.standardized)")
        }
    }
}
