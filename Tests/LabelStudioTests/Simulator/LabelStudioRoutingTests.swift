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
        #expect(body["label-studio-converter"] == ["version": "2.1.2"])
    }

    /// Seen on 1.23.2: the version is `json.dumps` text (`", "` and `": "`), with the
    /// frontend's, the data manager's and the backend's builds besides the package's.
    @Test func versionIsPythonTextWithEveryBuildOfTheRelease() async throws {
        let response = try await client.send(.get, "/api/version", credential: .none)
        #expect(response.bodyText?.hasPrefix("{\"release\": \"1.23.2\", \"label-studio-os-package\": {") == true)
        let body = try #require(try LabelStudioClient.json(response).objectValue)
        #expect(
            Set(body.keys) == [
                "release", "label-studio-os-package", "label-studio-os-backend", "label-studio-frontend", "dm2",
                "label-studio-converter", "edition", "lsf", "backend",
            ])
        for build in ["label-studio-frontend", "dm2", "lsf"] {
            #expect(Set(body[build]?.objectValue?.keys ?? [:].keys) == ["message", "commit", "date", "branch"])
        }
        #expect(body["backend"]?.objectValue?.keys.sorted() == ["commit"])
    }

    /// Seen on 1.23.2: project and task details allow PUT, PATCH and DELETE, the tasks list
    /// POST, a project's tasks POST and DELETE; those views look their object up first, so
    /// an unknown one answers its JSON 404, not 405. (The simulator edits nothing: on an
    /// object that exists these methods answer 405.)
    @Test func writeMethodsOfTheRealViewsAreAllowedAndFindTheirObjectFirst() async throws {
        let project = simulator.seedDataset(named: "Writes", itemCount: 2)
        let allowed = [
            ("/api/projects/\(project)/", "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"),
            ("/api/tasks/1/", "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"),
            ("/api/tasks/?project=\(project)", "GET, POST, HEAD, OPTIONS"),
            ("/api/projects/\(project)/tasks/", "GET, POST, DELETE, HEAD, OPTIONS"),
        ]
        for (path, allow) in allowed {
            let response = try await client.send(.get, path)
            #expect(response.status == 200 && response.headers["Allow"] == allow, "\(path)")
        }
        for method in [HTTPMethod.put, .patch, .delete] {
            for path in ["/api/projects/99/", "/api/projects/99"] {
                try LabelStudioClient.expectEnvelope(
                    try await client.send(method, path, json: [:]), 404, "No Project matches the given query.")
            }
            try LabelStudioClient.expectEnvelope(
                try await client.send(method, "/api/tasks/999999/", json: [:]), 404, "No Task matches the given query.")
            let existing = try await client.send(method, "/api/projects/\(project)/", json: [:])
            try LabelStudioClient.expectEnvelope(existing, 405, "Method \"\(method.rawValue)\" not allowed.")
        }
        try LabelStudioClient.expectEnvelope(
            try await client.send(.post, "/api/projects/99/tasks/", json: [:]), 404,
            "No Project matches the given query.")
    }

    /// Seen on 1.23.2: Django's session middleware sets its cookie only on answers below 500,
    /// so a 500 (an unknown `exportType`, an `ids[]` that is no number) has no `Set-Cookie`.
    @Test func answersOf500CarryNoSessionCookie() async throws {
        let project = simulator.seedDataset(named: "Cookies", itemCount: 2)
        let id = try #require(try await client.createExport(project)["id"]?.intValue)
        let path = "/api/projects/\(project)/exports/\(id)/download"
        #expect(try await client.send(.get, path).headers["Set-Cookie"] != nil)
        for query in ["?exportType=BOGUS", "?exportType=json", "?exportType="] {
            let failed = try await client.send(.get, path + query)
            #expect(failed.status == 500 && failed.headers["Set-Cookie"] == nil, "\(query)")
        }
        let simple = try await client.send(.get, "/api/projects/\(project)/export?exportType=BOGUS")
        #expect(simple.status == 500 && simple.headers["Set-Cookie"] == nil)
        #expect(try await client.send(.get, "/api/nothing/").headers["Set-Cookie"] != nil, "a 404 still has one")
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

    /// Seen on 1.23.2: Python's scanner names what it expected where it stopped, counting
    /// characters (not bytes) and lines; `NaN` and the infinities are refused without a place.
    @Test(arguments: [
        ("{bad", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ("[1", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
        ("{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)"),
        ("{\"a\":1,}", "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"),
        ("[1,]", "Expecting value: line 1 column 4 (char 3)"),
        ("\"abc", "Unterminated string starting at: line 1 column 1 (char 0)"),
        ("{\"a\":\"\\q\"}", "Invalid \\escape: line 1 column 7 (char 6)"),
        ("{\"a\": \"\\u12\"}", "Invalid \\uXXXX escape: line 1 column 9 (char 8)"),
        ("{\"a\":\"é\u{01}\"}", "Invalid control character at: line 1 column 8 (char 7)"),
        ("{\"é\": tru}", "Expecting value: line 1 column 7 (char 6)"),
        ("\n\n{\"a\":", "Expecting value: line 3 column 6 (char 7)"),
        ("[1] x", "Extra data: line 1 column 5 (char 4)"),
        ("01", "Extra data: line 1 column 2 (char 1)"),
        ("[1.]", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
        ("{\"a\":1e}", "Expecting ',' delimiter: line 1 column 7 (char 6)"),
        ("  ", "Expecting value: line 1 column 3 (char 2)"),
        ("[Infinity]", "Out of range float values are not JSON compliant: 'Infinity'"),
        ("NaN", "Out of range float values are not JSON compliant: 'NaN'"),
        ("\u{FEFF}{}", "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"),
    ])
    func malformedJSONIsDescribedAsPythonDescribesIt(body: String, message: String) async throws {
        for path in ["/api/token/refresh/", "/api/projects/1/exports/"] {
            let response = try await client.send(.post, path, body: Data(body.utf8), contentType: "application/json")
            try LabelStudioClient.expectEnvelope(response, 400, "JSON parse error - \(message)")
        }
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
