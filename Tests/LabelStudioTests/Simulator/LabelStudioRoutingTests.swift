import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// Checklist points 1 (mounting and slash rules), 2 (health and version), 4 (the envelope),
/// 5 (HTML 404s) and 17 (no rate limiting).
@Suite("Label Studio simulator: routing")
struct LabelStudioRoutingTests {
    let client = LabelStudioClient()
    var simulator: LabelStudioSimulator { client.simulator }

    @Test func healthIsJSONTextWithAnHTMLTypeAndNeedsNoCredential() async throws {
        for path in ["/health", "/health/"] {
            let response = try await client.send(.get, path, credential: .none)
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(response.bodyText == "{\"status\": \"UP\"}")
        }
    }

    @Test func versionNamesTheCommunityEditionWithoutACredential() async throws {
        let response = try await client.send(.get, "/api/version", credential: .none)
        #expect(response.status == 200 && response.headers["Content-Type"] == "application/json")
        let body = try LabelStudioClient.json(response)
        #expect(body["release"] == "1.23.2" && body["edition"] == "Community")
        #expect(body["label-studio-os-package"]?["version"] == "1.23.2")
    }

    @Test func slashRoutesAnswerBothFormsAndTheirNotFoundsStayJSON() async throws {
        let project = simulator.seedDataset(named: "Slashes", itemCount: 3)
        for path in [
            "/api/projects/", "/api/projects", "/api/projects/\(project)/", "/api/projects/\(project)",
            "/api/projects/\(project)/exports/", "/api/projects/\(project)/exports", "/api/tasks/?project=\(project)",
            "/api/tasks?project=\(project)", "/api/tasks/1/", "/api/tasks/1",
        ] {
            #expect(try await client.send(.get, path).status == 200, "\(path)")
        }
        for path in ["/api/projects/99/", "/api/projects/99", "/api/projects/99/exports/", "/api/projects/99/exports"] {
            try LabelStudioClient.expectEnvelope(
                try await client.send(.get, path), 404, "No Project matches the given query.")
        }
        let created = try await client.send(.post, "/api/projects/\(project)/exports")
        #expect(created.status == 201, "a POST without the slash is retried with it, not redirected")
    }

    @Test func slashlessRoutesRefuseTheSlashWithTheHTMLPage() async throws {
        let project = simulator.seedDataset(named: "No slashes", itemCount: 3)
        let export = try await client.createExport(project)
        let id = try #require(export["id"]?.intValue)
        for path in [
            "/api/projects/\(project)/exports/\(id)", "/api/projects/\(project)/exports/\(id)/download",
            "/api/projects/\(project)/export/formats", "/api/projects/\(project)/export", "/api/jwt/settings",
        ] {
            #expect(try await client.send(.get, path).status == 200, "\(path)")
            let slashed = try await client.send(.get, path + "/", headers: ["Accept": "application/json"])
            #expect(LabelStudioClient.isHTMLNotFound(slashed), "\(path)/ answered \(slashed.status)")
        }
        let convert = try await client.send(
            .post, "/api/projects/\(project)/exports/\(id)/convert/", json: ["export_type": "CSV"])
        #expect(LabelStudioClient.isHTMLNotFound(convert))
    }

    @Test func everyNotFoundOfASlashlessRouteIsTheHTMLPage() async throws {
        let project = simulator.seedDataset(named: "Not found", itemCount: 3)
        let other = simulator.seedDataset(named: "Other", itemCount: 1)
        simulator.scriptNextExport(.hangs(rawStatus: nil))
        let running = try #require(try await client.createExport(project)["id"]?.intValue)
        let foreign = try #require(try await client.createExport(other)["id"]?.intValue)
        for path in [
            "/api/projects/\(project)/exports/999",  // unknown export
            "/api/projects/\(project)/exports/\(foreign)",  // another project's export
            "/api/projects/\(project)/exports/\(foreign)/download",
            "/api/projects/\(project)/exports/\(running)/download",  // not completed
            "/api/projects/99/export", "/api/projects/99/export/formats",  // unknown project
            "/api/projects/\(project)/exports/\(foreign)/download?exportType=CSV",
        ] {
            let response = try await client.send(.get, path, headers: ["Accept": "application/json"])
            #expect(LabelStudioClient.isHTMLNotFound(response), "\(path) answered \(response.status)")
            #expect(throws: (any Error).self) { _ = try JSONValue(parsing: response.body) }
        }
        #expect(LabelStudioClient.isHTMLNotFound(try await client.send(.get, "/api/nothing/here/")))
        #expect(LabelStudioClient.isHTMLNotFound(try await client.send(.get, "/api/projects/abc/")))
    }

    @Test func neverRedirects() async throws {
        let project = simulator.seedDataset(named: "Redirects", itemCount: 1)
        for path in [
            "/api/projects", "/api/projects/\(project)", "/api/projects/\(project)/export/formats/", "/", "/api",
        ] {
            let status = try await client.send(.get, path).status
            #expect(!(300..<400).contains(status), "\(path) answered \(status)")
        }
    }

    @Test func errorsAreTheEnvelopeWithAFreshIDEachTime() async throws {
        let first = try await client.send(.get, "/api/projects/", credential: .none)
        let second = try await client.send(.get, "/api/projects/", credential: .none)
        try LabelStudioClient.expectEnvelope(first, 401, "Authentication credentials were not provided.")
        #expect(try LabelStudioClient.json(first)["id"] != (try LabelStudioClient.json(second))["id"])
        #expect(first.headers["Allow"] == "GET, POST, HEAD, OPTIONS")
        let keys = try #require(try LabelStudioClient.json(first).objectValue?.keys)
        #expect(Set(keys) == ["id", "status_code", "version", "detail", "exc_info"])
    }

    @Test func malformedAndWrongBodiesGetDRFsAnswers() async throws {
        let project = simulator.seedDataset(named: "Bodies", itemCount: 1)
        let path = "/api/projects/\(project)/exports/"
        let malformed = try await client.send(
            .post, path, body: Data("{\"title\": }".utf8), contentType: "application/json")
        try LabelStudioClient.expectEnvelope(
            malformed, 400, "JSON parse error - Expecting value: line 1 column 11 (char 10)")
        #expect(try LabelStudioClient.json(malformed)["validation_errors"] == nil)
        let list = try await client.send(.post, path, json: [1, 2])
        #expect(
            try LabelStudioClient.json(list)["validation_errors"]
                == ["non_field_errors": ["Invalid data. Expected a dictionary, but got list."]])
        let text = try await client.send(.post, path, body: Data("hello".utf8), contentType: "text/plain")
        try LabelStudioClient.expectEnvelope(text, 415, "Unsupported media type \"text/plain\" in request.")
    }

    @Test func headAnswersLikeGetWithoutTheBody() async throws {
        let project = simulator.seedDataset(named: "Head", itemCount: 2)
        let get = try await client.send(.get, "/api/projects/\(project)/")
        let head = try await client.send(.head, "/api/projects/\(project)/")
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(head.headers["Content-Length"] == String(get.body.count))
    }

    @Test func thereIsNoRateLimitUnlessInjected() async throws {
        let project = simulator.seedDataset(named: "Busy", itemCount: 1)
        for _ in 0..<200 {
            let response = try await client.send(.get, "/api/projects/\(project)/exports/")
            #expect(response.status == 200 && response.headers["Retry-After"] == nil)
        }
        simulator.injectFault(.rateLimited(retryAfterSeconds: 3))
        let limited = try await client.send(.get, "/api/projects/")
        try LabelStudioClient.expectEnvelope(limited, 429, "Request was throttled. Expected available in 3 seconds.")
        #expect(limited.headers["Retry-After"] == "3")
    }
}
