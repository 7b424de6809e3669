import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// Wire-level checks of the Pictograph simulator against the protocol note's checklist
/// (`shared/protocols/pictograph.md`, section 8): the adapter's tests are only as good as
/// the simulator is faithful.
@Suite("Pictograph simulator (wire level)")
struct PictographSimulatorTests {
    static let exports = "/api/v1/developer/exports"
    static let exportFields: Set<String> = [
        "id", "dataset_id", "dataset_name", "name", "format", "include_images", "class_filter", "status_filter",
        "status",
        "error_message", "file_size", "image_count", "annotation_count", "created_at", "completed_at", "expires_at",
        "organization_id",
    ]

    let sim = PictographSimulator()

    // MARK: Helpers

    /// GETs `path`.
    func send(_ path: String, key: String? = nil, to simulator: PictographSimulator? = nil) async throws -> HTTPResponse
    {
        try await send(.get, path, key: key, to: simulator)
    }

    /// Sends `method path` to `simulator` with `key` (the owner key by default; `""` sends none).
    func send(
        _ method: HTTPMethod, _ path: String, key: String? = nil, json: JSONValue? = nil, body: Data? = nil,
        headers: [String: String] = [:], to simulator: PictographSimulator? = nil
    ) async throws -> HTTPResponse {
        let simulator = simulator ?? sim
        let url = path.hasPrefix("http") ? URL(string: path)! : URL(string: simulator.apiBaseURL.absoluteString + path)!
        var request = HTTPRequest(method: method, url: url)
        request.headers["Accept"] = "application/json"
        let key = key ?? simulator.apiKey
        if !key.isEmpty { request.headers["X-API-Key"] = key }
        if let json {
            request.body = json.serialized()
            request.headers["Content-Type"] = "application/json"
        }
        if let body { request.body = body }
        for (name, value) in headers { request.headers[name] = value }
        return try await simulator.transport.send(request)
    }

    func decode(_ response: HTTPResponse) throws -> JSONValue { try JSONValue(parsing: response.body) }

    /// `quote(text, safe='')`, as the SDK encodes a name into one path segment.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(
                charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))!
    }

    /// A form-encoded query value, as httpx sends one (space → `+`).
    static func form(_ text: String) -> String { segment(text).replacingOccurrences(of: "%20", with: "+") }

    /// Creates an export and returns its `data`.
    @discardableResult
    func create(
        _ dataset: String, _ name: String, _ extra: [String: JSONValue] = [:], key: String? = nil,
        to simulator: PictographSimulator? = nil
    ) async throws -> JSONValue {
        var body: [String: JSONValue] = ["dataset_name": .string(dataset), "name": .string(name)]
        body.merge(extra) { _, new in new }
        let response = try await send(.post, Self.exports + "/", key: key, json: .object(body), to: simulator)
        #expect(response.status == 201, "create: \(response.bodyText ?? "")")
        return try #require(try decode(response)["data"])
    }

    /// Creates an export on a one-poll simulator, reads it once (completing it), downloads
    /// the ZIP and returns the completed export, the ZIP and its entries.
    func completed(
        _ simulator: PictographSimulator, _ dataset: String, _ name: String, _ extra: [String: JSONValue] = [:]
    ) async throws -> (export: JSONValue, zip: Data, entries: [ZipArchive.Entry]) {
        let id = try #require(try await create(dataset, name, extra, to: simulator)["id"]?.stringValue)
        let export = try #require(try decode(try await send(Self.exports + "/\(id)", to: simulator))["data"])
        #expect(export["status"] == "completed")
        let link = try decode(try await send(Self.exports + "/\(id)/download", to: simulator))
        let url = try #require(link["data"]?["download_url"]?.stringValue.flatMap(URL.init(string:)))
        let file = try await simulator.transport.send(HTTPRequest(method: .get, url: url))
        #expect(file.status == 200)
        #expect(file.headers["Content-Type"] == "application/zip")
        #expect(file.headers["Content-Length"] == String(file.body.count))
        #expect(export["file_size"]?.intValue == Int64(file.body.count))
        #expect(link["data"]?["file_size"]?.intValue == Int64(file.body.count))
        let entries = try #require(ZipArchive.entries(of: file.body))
        return (export, file.body, entries)
    }

    // MARK: Auth, envelopes, request ids

    @Test func missingOrUnknownKeyIs401EnvelopeWithRequestID() async throws {
        for key in ["", "pk_live_not_a_key"] {
            let response = try await send(Self.exports + "/", key: key)
            #expect(response.status == 401)
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(response.headers["X-Request-Id"]?.hasPrefix("req_") == true)
            let body = try decode(response)
            #expect(body["error"]?["code"] == "unauthorized")
            #expect(body["error"]?["details"] == .object([:]))
            #expect(body["detail"] == body["error"]?["message"])
        }
        #expect(!sim.requestLog.requests.contains { $0.headers.contains { $0.value.contains(sim.apiKey) } })
    }

    @Test func headerNameIsCaseInsensitive() async throws {
        var request = HTTPRequest(method: .get, url: URL(string: sim.apiBaseURL.absoluteString + Self.exports + "/")!)
        request.headers["x-api-key"] = sim.apiKey
        #expect(try await sim.transport.send(request).status == 200)
    }

    @Test func everyAnswerCarriesAUniqueRequestID() async throws {
        sim.seedDataset(named: "ids", itemCount: 2)
        var responses: [HTTPResponse] = []
        responses.append(try await send(Self.exports + "/"))
        responses.append(try await send(.post, Self.exports + "/", json: ["dataset_name": "ids", "name": "a"]))
        responses.append(try await send(Self.exports + "/nope?dataset=ids"))
        responses.append(try await send(.post, Self.exports + "/", json: [:]))
        responses.append(try await send(.delete, Self.exports + "/a?dataset=ids"))
        responses.append(try await send(.put, Self.exports + "/"))
        sim.injectFault(.rateLimited(retryAfterSeconds: 3))
        responses.append(try await send(Self.exports + "/"))
        sim.injectFault(.serverError)
        responses.append(try await send(Self.exports + "/"))
        #expect(responses.map(\.status) == [200, 201, 404, 422, 204, 405, 429, 500])
        let ids = responses.compactMap { $0.headers["X-Request-Id"] }
        #expect(ids.count == responses.count && Set(ids).count == ids.count)
        #expect(responses[4].body.isEmpty)
    }

    @Test func injectedFaultsUseTheEnvelopeAndRetryAfter() async throws {
        sim.injectFault(.rateLimited(retryAfterSeconds: 7), method: .get)
        let limited = try await send(Self.exports + "/")
        #expect(limited.status == 429 && limited.headers["Retry-After"] == "7")
        #expect(try decode(limited)["error"]?["code"] == "rate_limited")
        #expect(try await send(Self.exports + "/").status == 200)

        sim.injectFault(.rateLimitedUntilDate(secondsAhead: 30))
        let dated = try await send(Self.exports + "/")
        #expect(dated.status == 429)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = try #require(dated.headers["Retry-After"].flatMap(formatter.date(from:)))
        #expect(date.timeIntervalSinceNow > 20 && date.timeIntervalSinceNow <= 31)

        sim.injectFault(.serverError)
        let failed = try await send(Self.exports + "/")
        #expect(failed.status == 500 && failed.headers["Content-Type"] == "application/json")
        #expect(try decode(failed)["error"]?["code"] == "internal_error")
    }

    // MARK: Roles and organizations

    @Test func rolesGateCreateListAndDelete() async throws {
        sim.seedDataset(named: "roles", itemCount: 3)
        let denied = try await send(
            .post, Self.exports + "/", key: sim.restrictedAPIKey, json: ["dataset_name": "roles", "name": "v"])
        #expect(denied.status == 403)
        #expect(try decode(denied)["error"]?["code"] == "forbidden")
        try await create("roles", "by member", key: sim.memberAPIKey)
        try await create("roles", "second", key: sim.memberAPIKey)
        #expect(try await send(Self.exports + "/", key: sim.restrictedAPIKey).status == 200)
        #expect(try await send(Self.exports + "/second?dataset=roles", key: sim.restrictedAPIKey).status == 200)

        let memberDelete = try await send(.delete, Self.exports + "/second?dataset=roles", key: sim.memberAPIKey)
        #expect(memberDelete.status == 403)
        #expect(try decode(memberDelete)["error"]?["code"] == "forbidden")
        #expect(
            try await send(.post, Self.exports + "/bulk-delete", key: sim.memberAPIKey, json: ["export_ids": ["x"]])
                .status == 403)
        #expect(try await send(.delete, Self.exports + "/second?dataset=roles", key: sim.adminAPIKey).status == 204)
        #expect(try await send(.delete, Self.exports + "/roles/by%20member", key: sim.apiKey).status == 204)
        #expect(try await send(Self.exports + "/second?dataset=roles").status == 404)
    }

    @Test func organizationsNeverSeeEachOther() async throws {
        sim.seedDataset(named: "shared-name", itemCount: 2)
        sim.seedDataset(named: "shared-name", itemCount: 5, coldStorage: false, organization: .b)
        sim.seedDataset(named: "b-only", itemCount: 1, coldStorage: false, organization: .b)
        let mine = try await create("shared-name", "mine")
        let id = try #require(mine["id"]?.stringValue)
        let other = sim.otherOrganizationAPIKey

        let byID = try await send(Self.exports + "/\(id)", key: other)
        #expect(try byID.status == 404 && (try decode(byID)["error"]?["code"]) == "not_found")
        #expect(try await send(Self.exports + "/\(id)/download", key: other).status == 404)
        #expect(try await send(Self.exports + "/mine?dataset=shared-name", key: other).status == 404)
        #expect(try decode(try await send(Self.exports + "/", key: other))["data"] == [])
        #expect(try await send(.post, Self.exports + "/", json: ["dataset_name": "b-only", "name": "x"]).status == 404)

        let theirs = try await create("shared-name", "mine", key: other)
        #expect(theirs["organization_id"] != mine["organization_id"] && theirs["dataset_id"] != mine["dataset_id"])
        let bulk = try decode(
            try await send(.post, Self.exports + "/bulk-delete", key: other, json: ["export_ids": [.string(id)]]))
        #expect(bulk["data"]?["not_found"] == [.string(id)] && bulk["data"]?["count"] == 0)
        #expect(try await send(Self.exports + "/\(id)").status == 200)
    }

    // MARK: Create

    @Test func createReturnsAFullPendingExportWithoutDownloadURL() async throws {
        sim.seedDataset(named: "street-scenes", itemCount: 10)
        let response = try await send(
            .post, Self.exports + "/", json: ["dataset_name": "street-scenes", "name": "Training Export v1"])
        #expect(response.status == 201)
        let export = try #require(try decode(response)["data"]?.objectValue)
        #expect(Set(export.keys) == Self.exportFields)
        #expect(export["status"] == "pending" && export["format"] == "pictograph" && export["include_images"] == false)
        for field in [
            "file_size", "image_count", "annotation_count", "completed_at", "expires_at", "error_message",
            "class_filter", "status_filter",
        ] {
            #expect(export[field] == .null, "\(field)")
        }
        let id = try #require(export["id"]?.stringValue)
        #expect(UUID(uuidString: id) != nil)
        #expect(export["created_at"]?.stringValue.flatMap(ISO8601.date(from:)) != nil)
        #expect(export["created_at"]?.stringValue?.hasSuffix("Z") == true)

        // Readable by name at once; get carries download_url (null until completed).
        let read = try #require(
            try decode(try await send(Self.exports + "/Training%20Export%20v1?dataset=street-scenes"))["data"])
        #expect(read["id"] == export["id"])
        #expect(Set(read.objectValue?.keys.map { $0 } ?? []) == Self.exportFields.union(["download_url"]))
        #expect(read["download_url"] == .null)
    }

    @Test func createValidationUsesFastAPIFieldErrors() async throws {
        sim.seedDataset(named: "valid", itemCount: 1)
        let missing = try await send(.post, Self.exports + "/", json: [:])
        #expect(missing.status == 422)
        let body = try decode(missing)
        #expect(body["error"]?["code"] == "validation_error")
        let errors = try #require(body["error"]?["details"]?["errors"]?.arrayValue)
        #expect(body["detail"] == .array(errors))
        #expect(errors.map { $0["loc"] } == [["body", "dataset_name"], ["body", "name"]])
        #expect(errors.allSatisfy { $0["msg"] == "Field required" && $0["type"] == "missing" })

        func firstError(_ json: JSONValue) async throws -> JSONValue? {
            let response = try await send(.post, Self.exports + "/", json: json)
            #expect(response.status == 422)
            return try decode(response)["detail"]?[0]
        }
        let long = try await firstError(["dataset_name": "valid", "name": .string(String(repeating: "n", count: 101))])
        #expect(long?["loc"] == ["body", "name"] && long?["type"] == "string_too_long")
        let empty = try await firstError(["dataset_name": "valid", "name": ""])
        #expect(empty?["loc"] == ["body", "name"] && empty?["type"] == "string_too_short")
        let format = try await firstError(["dataset_name": "valid", "name": "f", "format": "COCO"])
        #expect(format?["loc"] == ["body", "format"] && format?["type"] == "enum")
        let filter = try await firstError(["dataset_name": "valid", "name": "f", "class_filter": "car"])
        #expect(filter?["loc"] == ["body", "class_filter"])
        let notJSON = try await send(.post, Self.exports + "/", body: Data("{nope".utf8))
        #expect(try notJSON.status == 422 && (try decode(notJSON)["detail"]?[0]?["type"]) == "json_invalid")

        // 100 characters (counted as Python does) is fine; unknown fields are ignored.
        try await create("valid", String(repeating: "é", count: 100), ["unknown_field": true, "format": "yolo_obb"])
        let unknown = try await send(.post, Self.exports + "/", json: ["dataset_name": "nope", "name": "x"])
        #expect(try unknown.status == 404 && (try decode(unknown)["error"]?["code"]) == "not_found")
    }

    @Test func duplicateNamesAndColdStorageAre409() async throws {
        sim.seedDataset(named: "dupes", itemCount: 1)
        sim.seedDataset(named: "frozen", itemCount: 1, coldStorage: true)
        try await create("dupes", "nightly")
        let duplicate = try await send(.post, Self.exports + "/", json: ["dataset_name": "dupes", "name": "nightly"])
        #expect(try duplicate.status == 409 && (try decode(duplicate)["error"]?["code"]) == "conflict")
        let cold = try await send(.post, Self.exports + "/", json: ["dataset_name": "frozen", "name": "nightly"])
        #expect(cold.status == 409)
        #expect(try decode(cold)["error"]?["message"]?.stringValue?.contains("paused") == true)
        // Names are unique per dataset only, and dataset names are case-sensitive.
        sim.seedDataset(named: "Dupes", itemCount: 1)
        try await create("Dupes", "nightly")
    }

    @Test func idempotencyKeyReplaysByteForByteWithoutASecondExport() async throws {
        sim.seedDataset(named: "idem", itemCount: 1)
        let body: JSONValue = ["dataset_name": "idem", "name": "once"]
        let key = "5f0c2a7e9b1d4c3a8e6f7a9b0c1d2e3f"
        let first = try await send(.post, Self.exports + "/", json: body, headers: ["Idempotency-Key": key])
        sim.advanceTime(by: 60)
        let spaced = Data(#"{"dataset_name": "idem", "name": "once"}"#.utf8)
        let second = try await send(.post, Self.exports + "/", body: spaced, headers: ["Idempotency-Key": key])
        #expect(first.status == 201 && second.status == 201)
        #expect(first.body == second.body)
        #expect(first.headers["X-Request-Id"] != second.headers["X-Request-Id"])
        #expect(try decode(try await send(Self.exports + "/"))["pagination"]?["total"] == 1)

        // Another key for the same name is a new request: the duplicate is refused.
        #expect(
            try await send(.post, Self.exports + "/", json: body, headers: ["Idempotency-Key": "other"]).status == 409)
        #expect(try await send(.post, Self.exports + "/", json: body).status == 409)
        // The same key with another body is refused; another API key has its own keys.
        let reused = try await send(
            .post, Self.exports + "/", json: ["dataset_name": "idem", "name": "twice"],
            headers: ["Idempotency-Key": key])
        #expect(reused.status == 422)
        let admin = try await send(
            .post, Self.exports + "/", key: sim.adminAPIKey, json: body, headers: ["Idempotency-Key": key])
        #expect(admin.status == 409)

        // After 24 h the record is gone: the repeat runs again (and meets the duplicate).
        sim.advanceTime(by: sim.idempotencyWindow)
        #expect(try await send(.post, Self.exports + "/", json: body, headers: ["Idempotency-Key": key]).status == 409)
    }

    @Test func lostResponseRetriedWithTheSameKeyCreatesOneExport() async throws {
        sim.seedDataset(named: "lost", itemCount: 1)
        sim.injectFault(.loseResponse, method: .post)
        let body: JSONValue = ["dataset_name": "lost", "name": "only-one"]
        await #expect(throws: URLError.self) {
            try await send(.post, Self.exports + "/", json: body, headers: ["Idempotency-Key": "abc"])
        }
        let retry = try await send(.post, Self.exports + "/", json: body, headers: ["Idempotency-Key": "abc"])
        #expect(retry.status == 201)
        #expect(try decode(try await send(Self.exports + "/"))["data"]?.arrayValue?.count == 1)
    }

    // MARK: Routing and names

    @Test func namesWithSpacesAndSlashesWorkInEveryForm() async throws {
        let dataset = sim.seedDataset(named: "Street Scenes/2024", itemCount: 4)
        #expect(dataset == "Street Scenes/2024")
        let name = "Training Export v1/final & more"
        let export = try await create(dataset, name)
        let id = try #require(export["id"]?.stringValue)
        let sdkForm = Self.exports + "/\(Self.segment(name))?dataset=\(Self.form(dataset))"
        let docsForm = Self.exports + "/\(Self.segment(dataset))/\(Self.segment(name))"
        #expect(sdkForm.contains("%2F") && sdkForm.contains("+"))

        var statuses: [JSONValue] = []
        for path in [sdkForm, docsForm, Self.exports + "/\(id)"] {
            let response = try await send(path)
            #expect(response.status == 200, "\(path)")
            let data = try decode(response)["data"]
            #expect(data?["id"] == .string(id) && data?["name"] == .string(name))
            statuses.append(data?["status"] ?? .null)
        }
        #expect(statuses == ["pending", "processing", "completed"])

        let downloads = [
            Self.exports + "/\(Self.segment(name))/download?dataset=\(Self.form(dataset))",
            Self.exports + "/\(Self.segment(dataset))/\(Self.segment(name))/download",
            Self.exports + "/\(id)/download",
        ]
        for path in downloads {
            let response = try await send(path)
            #expect(response.status == 200, "\(path)")
            #expect(
                try decode(response)["data"]?["download_url"]?.stringValue?.hasPrefix(sim.storageBaseURL.absoluteString)
                    == true)
        }
        // A slash that is not encoded splits the name: not found.
        #expect(
            try await send(Self.exports + "/Training%20Export%20v1/final?dataset=\(Self.form(dataset))").status == 404)
        #expect(try await send(Self.exports + "/by-name/\(Self.segment(dataset))/\(Self.segment(name))").status == 404)
        #expect(try await send(Self.exports + "/\(UUID().uuidString.lowercased())").status == 404)
        #expect(try await send(Self.exports + "/not-an-id").status == 404)
        #expect(try await send(.delete, docsForm).status == 204)
        #expect(try await send(sdkForm).status == 404)
    }

    @Test func collectionAnswersWithAndWithoutSlashAndNeverRedirects() async throws {
        sim.seedDataset(named: "slash", itemCount: 1)
        #expect(try await send(.post, Self.exports, json: ["dataset_name": "slash", "name": "a"]).status == 201)
        #expect(try await send(Self.exports).status == 200)
        #expect(try await send(Self.exports + "/").status == 200)
        #expect(try await send(Self.exports + "/a/?dataset=slash").status == 200)
        #expect(try await send(.put, Self.exports + "/").status == 405)
        #expect(try await send("/api/v1/developer/other").status == 404)
        let noDataset = try await send(.delete, Self.exports + "/a")
        #expect(try noDataset.status == 422 && (try decode(noDataset)["detail"]?[0]?["loc"]) == ["query", "dataset"])
        #expect(sim.requestLog.requests.allSatisfy { !(300..<400).contains($0.status ?? 0) })
    }

    // MARK: List

    @Test func listPagesNewestFirstWithBooleanHasMoreAndFilters() async throws {
        sim.seedDataset(named: "one", itemCount: 1)
        sim.seedDataset(named: "two words", itemCount: 1)
        for number in 0..<3 { try await create("one", "e\(number)") }
        for number in 3..<5 { try await create("two words", "e\(number)") }

        let first = try decode(try await send(Self.exports + "/?limit=2&offset=0"))
        #expect(first["data"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["e4", "e3"])
        #expect(first["pagination"] == ["total": 5, "limit": 2, "offset": 0, "has_more": true])
        let last = try decode(try await send(Self.exports + "/?limit=2&offset=4"))
        #expect(last["data"]?.arrayValue?.count == 1 && last["pagination"]?["has_more"] == false)
        let beyond = try decode(try await send(Self.exports + "/?offset=10"))
        #expect(beyond["data"] == [] && beyond["pagination"]?["has_more"] == false)
        #expect(try decode(try await send(Self.exports + "/"))["pagination"]?["limit"] == 100)
        #expect(try await send(Self.exports + "/?limit=1000").status == 200)

        for query in ["limit=0", "limit=1001", "offset=-1", "limit=abc", "status=complete"] {
            let response = try await send(Self.exports + "/?\(query)")
            #expect(response.status == 422, "\(query)")
            let field = String(query.prefix { $0 != "=" })
            #expect(try decode(response)["detail"]?[0]?["loc"] == ["query", .string(field)])
        }

        let byName = try decode(try await send(Self.exports + "/?dataset_name=two+words"))
        #expect(byName["pagination"]?["total"] == 2)
        #expect(try decode(try await send(Self.exports + "/?dataset=one"))["pagination"]?["total"] == 3)
        #expect(try decode(try await send(Self.exports + "/?status=pending"))["pagination"]?["total"] == 5)
        // Listing is not a poll: nothing advanced.
        #expect(try decode(try await send(Self.exports + "/?status=processing"))["pagination"]?["total"] == 0)
        _ = try await send(Self.exports + "/e0?dataset=one")
        _ = try await send(Self.exports + "/e0?dataset=one")
        #expect(
            try decode(try await send(Self.exports + "/?status=processing&dataset_name=one"))["data"]?[0]?["name"]
                == "e0")
    }

    @Test func listingShapesCapPagesDropOrFixHasMoreAndServeBareArrays() async throws {
        sim.seedDataset(named: "one", itemCount: 1)
        for number in 0..<5 { try await create("one", "e\(number)") }

        sim.shapeListing(.init(pageCap: 2))
        let capped = try decode(try await send(Self.exports + "/?limit=4&offset=0"))
        #expect(capped["data"]?.arrayValue?.count == 2 && capped["pagination"]?["has_more"] == true)
        #expect(capped["pagination"]?["limit"] == 4, "the limit asked for is echoed, not the cap")

        sim.shapeListing(.init(hasMore: .absent))
        let absent = try decode(try await send(Self.exports + "/?limit=2"))
        #expect(absent["pagination"]?["has_more"] == nil && absent["pagination"]?["total"] == 5)

        sim.shapeListing(.init(hasMore: .always("yes")))
        #expect(try decode(try await send(Self.exports + "/?offset=9"))["pagination"]?["has_more"] == "yes")

        sim.shapeListing(.init(bareArray: true))
        let bare = try decode(try await send(Self.exports + "/?limit=3"))
        #expect(bare.arrayValue?.compactMap { $0["name"]?.stringValue } == ["e4", "e3", "e2"])

        sim.shapeListing(.init())
        #expect(try decode(try await send(Self.exports + "/?limit=2"))["pagination"]?["has_more"] == true)
    }

    @Test func injectedAnswersReplaceMatchingAnswersOnlyAndAreLogged() async throws {
        sim.seedDataset(named: "one", itemCount: 1)
        try await create("one", "e0")
        sim.injectAnswer(
            .json(200, ["data": [["status": "completed"]]]), method: .get, pathPrefix: Self.exports, count: 2, after: 1)
        #expect(try decode(try await send(Self.exports + "/"))["data"]?[0]?["name"] == "e0", "the first match passes")
        #expect(try decode(try await send(Self.exports + "/"))["data"]?[0]?["name"] == nil)
        #expect(
            try await send(.post, Self.exports + "/", json: ["dataset_name": "one", "name": "e1"]).status == 201,
            "another method is not matched")
        #expect(try decode(try await send(Self.exports + "/"))["data"]?[0]?["name"] == nil)
        #expect(try decode(try await send(Self.exports + "/"))["data"]?[0]?["name"] == "e1", "used up after count")
        #expect(sim.requestLog.requests.count == 6)
    }

    // MARK: Progression

    @Test func exportsProgressOverPollsAndEarlyDownloadIs409() async throws {
        sim.seedDataset(named: "progress", itemCount: 8)
        let id = try #require(try await create("progress", "p")["id"]?.stringValue)
        let early = try await send(Self.exports + "/\(id)/download")
        #expect(early.status == 409)
        let conflict = try decode(early)
        #expect(
            conflict["error"]?["code"] == "conflict"
                && conflict["error"]?["message"]?.stringValue?.contains("pending") == true)
        let second = try decode(try await send(Self.exports + "/\(id)"))["data"]
        #expect(second?["status"] == "processing" && second?["download_url"] == .null)
        let done = try #require(try decode(try await send(Self.exports + "/\(id)"))["data"])
        #expect(done["status"] == "completed" && done["image_count"] == 8)
        let created = try #require(done["created_at"]?.stringValue.flatMap(ISO8601.date(from:)))
        let completed = try #require(done["completed_at"]?.stringValue.flatMap(ISO8601.date(from:)))
        let expires = try #require(done["expires_at"]?.stringValue.flatMap(ISO8601.date(from:)))
        #expect(completed > created && expires.timeIntervalSince(completed) == 30 * 86_400)
        #expect(done["download_url"]?.stringValue?.hasPrefix(sim.storageBaseURL.absoluteString) == true)
        let listed = try decode(try await send(Self.exports + "/"))["data"]?[0]
        #expect(listed?["status"] == "completed" && listed?["download_url"]?.stringValue != nil)

        let link = try decode(try await send(Self.exports + "/\(id)/download"))["data"]
        let linkExpiry = try #require(link?["expires_at"]?.stringValue.flatMap(ISO8601.date(from:)))
        #expect(linkExpiry.timeIntervalSince(sim.host.time.now) == 3600)
        #expect(try await send(Self.exports + "/00000000-0000-4000-8000-000000000000/download").status == 404)
    }

    @Test func scriptsFailCancelHangAndFinishAtOnce() async throws {
        sim.seedDataset(named: "scripts", itemCount: 2)
        func statuses(_ script: ExportScript, _ name: String, reads: Int) async throws -> [JSONValue] {
            sim.scriptNextExport(script)
            let id = try #require(try await create("scripts", name)["id"]?.stringValue)
            var seen: [JSONValue] = []
            for _ in 0..<reads { seen.append(try decode(try await send(Self.exports + "/\(id)"))["data"] ?? .null) }
            return seen
        }
        let failed = try await statuses(.fails(afterPolls: 2, reason: "out of disk"), "f", reads: 3)
        #expect(failed.map { $0["status"] } == ["processing", "failed", "failed"])
        #expect(failed.last?["error_message"] == "out of disk" && failed.last?["file_size"] == .null)
        let canceled = try await statuses(.cancels(afterPolls: 1), "c", reads: 1)
        #expect(canceled[0]["status"] == "failed" && canceled[0]["error_message"] == "canceled")
        #expect(!sim.canCancelExports)
        let odd = try await statuses(.hangs(rawStatus: "queued"), "q", reads: 2)
        #expect(odd.map { $0["status"] } == ["queued", "queued"])
        let hung = try await statuses(.hangs(rawStatus: nil), "h", reads: 4)
        #expect(hung.allSatisfy { $0["status"] == "processing" })
        let instant = try await statuses(.completes(afterPolls: 1), "i", reads: 1)
        #expect(instant[0]["status"] == "completed" && instant[0]["file_size"]?.intValue != nil)
        // Download reads are polls too.
        sim.scriptNextExport(.completes(afterPolls: 2))
        let id = try #require(try await create("scripts", "d")["id"]?.stringValue)
        #expect(try await send(Self.exports + "/\(id)/download").status == 409)
        #expect(try await send(Self.exports + "/\(id)/download").status == 200)
    }

    // MARK: The ZIP

    @Test(arguments: [
        "pictograph", "darwin", "coco", "yolo", "yolo_obb", "yolo_pose", "dota", "pascal_voc", "cvat", "datumaro",
        "labelme",
        "csv",
    ])
    func everyFormatIsAValidZipOfTheDataset(format: String) async throws {
        let simulator = PictographSimulator(pollsToComplete: 1)
        simulator.seedDataset(named: "formats", itemCount: 12)
        let (export, zip, entries) = try await completed(
            simulator, "formats", "f", ["format": .string(format), "include_images": true])
        #expect(export["format"] == .string(format) && export["image_count"] == 12)
        let annotations = try #require(export["annotation_count"]?.intValue)
        #expect(annotations == 18)  // 0+1+2+3 boxes, three times
        let paths = entries.map(\.path)
        #expect(paths.filter { $0.hasPrefix("images/") }.count == 12)
        #expect(zip.count == Int(export["file_size"]?.intValue ?? -1))

        func json(_ path: String) throws -> JSONValue {
            try JSONValue(parsing: try #require(entries.first { $0.path == path }).contents)
        }
        func text(_ path: String) throws -> String {
            String(decoding: try #require(entries.first { $0.path == path }).contents, as: UTF8.self)
        }
        switch format {
        case "pictograph":
            let document = try json("annotations.json")
            #expect(document["images"]?.arrayValue?.count == 12)
            #expect(
                document["images"]?.arrayValue?.reduce(0) { $0 + ($1["annotations"]?.arrayValue?.count ?? 0) } == 18)
        case "coco":
            let document = try json("annotations.json")
            #expect(document["images"]?.arrayValue?.count == 12 && document["annotations"]?.arrayValue?.count == 18)
            #expect(document["categories"]?.arrayValue?.count == 6)
        case "yolo", "yolo_obb", "yolo_pose":
            #expect(paths.filter { $0.hasPrefix("labels/") && $0.hasSuffix(".txt") }.count == 12)
            let yaml = try text("data.yaml")
            #expect(yaml.contains("names:") && yaml.contains("0: car"))
            let lines = try text("labels/image_000003.txt").split(separator: "\n")
            let fields = format == "yolo" ? 5 : format == "yolo_obb" ? 9 : 14
            #expect(lines.count == 3 && lines.allSatisfy { $0.split(separator: " ").count == fields })
        case "dota":
            #expect(paths.filter { $0.hasPrefix("labelTxt/") }.count == 12)
            #expect(try text("labelTxt/image_000001.txt").split(separator: " ").count == 10)
        case "pascal_voc":
            #expect(paths.filter { $0.hasPrefix("Annotations/") && $0.hasSuffix(".xml") }.count == 12)
            #expect(try text("Annotations/image_000002.xml").components(separatedBy: "<object>").count == 3)
        case "cvat":
            let xml = try text("annotations.xml")
            #expect(
                xml.components(separatedBy: "<image ").count == 13 && xml.components(separatedBy: "<box ").count == 19)
        case "datumaro":
            #expect(try json("annotations/default.json")["items"]?.arrayValue?.count == 12)
        case "labelme":
            #expect(try json("annotations/image_000003.json")["shapes"]?.arrayValue?.count == 3)
        case "darwin":
            #expect(try json("annotations/image_000003.json")["annotations"]?.arrayValue?.count == 3)
        case "csv":
            let rows = try text("annotations.csv").split(separator: "\n")
            #expect(rows.first?.hasPrefix("image_id,file_name") == true)
            #expect(rows.count == 1 + 18 + 3)  // one row per box, one per image without boxes
        default:
            Issue.record("untested format \(format)")
        }
    }

    @Test func archivesAreDeterministic() async throws {
        var zips: [Data] = []
        for _ in 0..<2 {
            let simulator = PictographSimulator(pollsToComplete: 1)
            simulator.seedDataset(named: "same", itemCount: 20)
            zips.append(try await completed(simulator, "same", "x", ["format": "coco"]).zip)
        }
        #expect(zips[0] == zips[1])
    }

    @Test func statusFilterAllMatchesNothingAndAStageMatchesItsImages() async throws {
        let simulator = PictographSimulator(pollsToComplete: 1)
        simulator.seedDataset(named: "stages", itemCount: 20)
        let all = try await completed(simulator, "stages", "all", ["status_filter": "all", "format": "coco"])
        #expect(
            all.export["status"] == "completed" && all.export["image_count"] == 0 && all.export["annotation_count"] == 0
        )
        #expect(try JSONValue(parsing: try #require(all.entries.first).contents)["images"] == [])
        let complete = try await completed(
            simulator, "stages", "complete", ["status_filter": "complete", "format": "pictograph"])
        #expect(complete.export["image_count"] == 5 && complete.export["status_filter"] == "complete")
        let images = try JSONValue(parsing: try #require(complete.entries.first).contents)["images"]?.arrayValue ?? []
        #expect(images.count == 5 && images.allSatisfy { $0["status"] == "complete" })
    }

    @Test func classFilterKeepsOnlyThoseClasses() async throws {
        let simulator = PictographSimulator(pollsToComplete: 1)
        simulator.seedDataset(named: "classes", itemCount: 40)
        let everything = try await completed(simulator, "classes", "all", ["format": "coco"])
        let cars = try await completed(simulator, "classes", "cars", ["format": "coco", "class_filter": ["car"]])
        #expect(cars.export["class_filter"] == ["car"])
        let document = try JSONValue(
            parsing: try #require(cars.entries.first { $0.path == "annotations.json" }).contents)
        #expect(document["categories"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["car"])
        let annotations = document["annotations"]?.arrayValue ?? []
        #expect(!annotations.isEmpty && annotations.allSatisfy { $0["category_id"] == 1 })
        #expect(cars.export["annotation_count"]?.intValue == Int64(annotations.count))
        #expect(cars.export["image_count"] == 40)
        #expect(
            (cars.export["annotation_count"]?.intValue ?? 0) < (everything.export["annotation_count"]?.intValue ?? 0))
    }

    @Test func organizeBySplitUsesTopLevelSplitDirectories() async throws {
        let simulator = PictographSimulator(pollsToComplete: 1)
        simulator.seedDataset(named: "splits", itemCount: 30)
        let yolo = try await completed(
            simulator, "splits", "yolo", ["format": "yolo", "organize_by_split": true, "include_images": true])
        let paths = yolo.entries.map(\.path)
        let tops = Set(paths.compactMap { $0.contains("/") ? String($0.prefix { $0 != "/" }) : nil })
        #expect(tops == ["train", "valid", "test"])
        #expect(paths.contains("data.yaml") && paths.contains { $0.hasPrefix("train/images/") })
        #expect(paths.filter { $0.hasSuffix(".txt") }.count == 30)
        let coco = try await completed(simulator, "splits", "coco", ["format": "coco", "organize_by_split": true])
        #expect(
            Set(coco.entries.map(\.path)) == [
                "train/annotations.json", "valid/annotations.json", "test/annotations.json",
            ])
        let flat = try await completed(simulator, "splits", "flat", ["format": "coco"])
        #expect(flat.entries.map(\.path) == ["annotations.json"])
    }

    // MARK: Storage

    @Test func storageRefusesKeysExpiresAndForgetsDeletedExports() async throws {
        let simulator = PictographSimulator(pollsToComplete: 1)
        simulator.seedDataset(named: "storage", itemCount: 3)
        _ = try await completed(simulator, "storage", "s")
        let link = try decode(try await send(Self.exports + "/s/download?dataset=storage", to: simulator))
        let url = try #require(link["data"]?["download_url"]?.stringValue.flatMap(URL.init(string:)))
        #expect(url.host == simulator.storageBaseURL.host && url.query?.contains("sig=") == true)

        var leaky = HTTPRequest(method: .get, url: url)
        leaky.headers["X-API-Key"] = simulator.apiKey
        #expect(try await simulator.transport.send(leaky).status == 400)

        simulator.advanceTime(by: 3601)
        let expired = try await simulator.transport.send(HTTPRequest(method: .get, url: url))
        #expect(expired.status == 403 && expired.bodyText?.contains("<Error>") == true)
        let fresh = try decode(try await send(Self.exports + "/s/download?dataset=storage", to: simulator))
        let freshURL = try #require(fresh["data"]?["download_url"]?.stringValue.flatMap(URL.init(string:)))
        #expect(try await simulator.transport.send(HTTPRequest(method: .get, url: freshURL)).status == 200)

        #expect(try await send(.delete, Self.exports + "/s?dataset=storage", to: simulator).status == 204)
        #expect(try await simulator.transport.send(HTTPRequest(method: .get, url: freshURL)).status == 404)
        #expect(try await send(.delete, Self.exports + "/s?dataset=storage", to: simulator).status == 404)
    }

    // MARK: Bulk delete

    @Test func bulkDeleteReportsSucceededAndNotFoundAndReRuns() async throws {
        let simulator = PictographSimulator(pollsToComplete: 1)
        simulator.seedDataset(named: "bulk", itemCount: 2)
        let (export, _, _) = try await completed(simulator, "bulk", "a")
        let a = try #require(export["id"]?.stringValue)
        let b = try #require(try await create("bulk", "b", to: simulator)["id"]?.stringValue)
        let stranger = "00000000-0000-4000-8000-000000000000"
        let url = try #require(
            try decode(try await send(Self.exports + "/\(a)", to: simulator))["data"]?["download_url"]?
                .stringValue.flatMap(URL.init(string:)))

        for body: JSONValue in [["export_ids": []], [:], ["export_ids": "x"]] {
            let refused = try await send(.post, Self.exports + "/bulk-delete", json: body, to: simulator)
            #expect(refused.status == 422)
            #expect(try decode(refused)["detail"]?[0]?["loc"] == ["body", "export_ids"])
        }
        let ids: JSONValue = ["export_ids": [.string(a), .string(b), .string(a), .string(stranger)]]
        let first = try decode(try await send(.post, Self.exports + "/bulk-delete", json: ids, to: simulator))
        #expect(
            first["data"] == ["succeeded": [.string(a), .string(b)], "not_found": [.string(stranger)], "count": 2])
        #expect(try await simulator.transport.send(HTTPRequest(method: .get, url: url)).status == 404)
        let again = try await send(.post, Self.exports + "/bulk-delete", json: ids, to: simulator)
        #expect(again.status == 200)
        #expect(
            try decode(again)["data"] == [
                "succeeded": [], "not_found": [.string(a), .string(b), .string(stranger)], "count": 0,
            ])
        #expect(try decode(try await send(Self.exports + "/", to: simulator))["pagination"]?["total"] == 0)
    }

    // MARK: Faults in Pictograph's shapes

    @Test func unauthorizedAndFieldErrorFaultsUseTheEnvelope() async throws {
        sim.injectFault(.unauthorized, count: 1)
        let refused = try await send(Self.exports + "/")
        #expect(refused.status == 401 && refused.headers["X-Request-Id"] != nil)
        #expect(try decode(refused)["error"]?["code"] == "unauthorized")
        #expect(try decode(refused)["detail"] == "Invalid API key.")
        sim.injectFault(.fieldErrors, method: .post, count: 1)
        let invalid = try await send(.post, Self.exports + "/", json: ["dataset_name": "any", "name": "x"])
        #expect(invalid.status == 400 && invalid.headers["X-Request-Id"] != nil)
        let envelope = try decode(invalid)
        #expect(envelope["error"]?["code"] == "validation_error")
        let errors = try #require(envelope["error"]?["details"]?["errors"]?.arrayValue)
        #expect(errors.map { $0["loc"] } == [["body", "name"], ["body", "format"]])
        #expect(errors.allSatisfy { $0["msg"]?.stringValue != nil && $0["type"]?.stringValue != nil })
        #expect(envelope["detail"] == .array(errors))
    }

    @Test func missingListFieldDropsTheListingsDataOnly() async throws {
        sim.seedDataset(named: "listed", itemCount: 1)
        let id = try #require(try await create("listed", "one")["id"]?.stringValue)
        sim.injectFault(.missingListField, count: 1)
        // A read's `data` is one export, not a list: the fault waits for a listing.
        #expect(try decode(try await send(Self.exports + "/\(id)"))["data"]?["id"] == .string(id))
        let listing = try await send(Self.exports + "/")
        #expect(listing.status == 200 && listing.headers["X-Request-Id"] != nil)
        let page = try decode(listing)
        #expect(page["data"] == nil && page["pagination"]?["total"] == 1)
        #expect(try decode(try await send(Self.exports + "/"))["data"]?.arrayValue?.count == 1)
    }

    @Test func unknownStatusWordReplacesTheStatusOfReadsAndListings() async throws {
        sim.seedDataset(named: "words", itemCount: 1)
        let id = try #require(try await create("words", "w")["id"]?.stringValue)
        sim.injectFault(.unknownStatusWord("quarantined"), count: 2)
        // A download link reports no status: the fault waits.
        #expect(try await send(Self.exports + "/\(id)/download").status == 409)
        #expect(try decode(try await send(Self.exports + "/\(id)"))["data"]?["status"] == "quarantined")
        #expect(try decode(try await send(Self.exports + "/"))["data"]?[0]?["status"] == "quarantined")
        #expect(try decode(try await send(Self.exports + "/\(id)"))["data"]?["status"] == "completed")
    }
}
