import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// Wire-level checks of the Avala simulator against the protocol note's checklist: the
/// adapter's tests are only as good as the simulator is faithful.
@Suite("Avala simulator (wire level)")
struct AvalaSimulatorTests {
    let avala = AvalaSimulator()

    func send(_ path: String, key: String? = nil) async throws -> HTTPResponse {
        try await send(.get, path, key: key)
    }

    func send(
        _ method: HTTPMethod, _ path: String, key: String? = nil, json: JSONValue? = nil
    ) async throws -> HTTPResponse {
        let url = path.hasPrefix("http") ? URL(string: path)! : URL(string: avala.apiBaseURL.absoluteString + path)!
        var request = HTTPRequest(method: method, url: url)
        request.headers["Accept"] = "application/json"
        if let key = key ?? Optional(avala.apiKey), !key.isEmpty { request.headers["X-Avala-Api-Key"] = key }
        if let json {
            request.body = try JSONEncoder().encode(json)
            request.headers["Content-Type"] = "application/json"
        }
        return try await avala.transport.send(request)
    }

    func body(_ response: HTTPResponse) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: response.body)
    }

    @Test func missingOrUnknownKeyIs401WithDetail() async throws {
        for key in ["", "avk_not-a-key"] {
            let response = try await send("/exports/", key: key)
            #expect(response.status == 401)
            #expect(try body(response)["detail"] == "Invalid API key.")
        }
        let logged = avala.requestLog.requests
        #expect(logged.count == 2)
        #expect(!logged.contains { $0.headers.contains { $0.value.contains(avala.apiKey) } })
    }

    @Test func logRedactsTheKeyAndRecordsThatItWasCarried() async throws {
        _ = try await send("/exports/")
        let entry = try #require(avala.requestLog.requests.first)
        #expect(entry.carriedCredential)
        #expect(entry.headers["X-Avala-Api-Key"] == "[redacted]")
        #expect(entry.status == 200)
    }

    @Test func logKeepsTheStartOfALargeBodyWithNoPartOfAKey() async throws {
        let cap = RequestLog.maxKeptBodyBytes
        // One key across the cut (after the JSON string's opening quote), one far past it.
        let text = String(repeating: "a", count: cap - 5) + avala.apiKey + String(repeating: "b", count: cap)
        _ = try await send(.post, "/exports/", key: "", json: .string(text + avala.apiKey))
        let entry = try #require(avala.requestLog.requests.last)
        #expect(entry.carriedCredential)
        let kept = String(decoding: entry.body, as: UTF8.self)
        #expect(entry.body.count < cap && kept.hasPrefix("\"aaaa") && kept.hasSuffix("a"))
        #expect(!kept.contains("avk"))
    }

    @Test func routesNeedTrailingSlashesAndRefuseOtherMethods() async throws {
        #expect(try await send("/exports").status == 404)
        #expect(try await send("/nothing-here/").status == 404)
        let delete = try await send(.delete, "/exports/\(UUID().uuidString.lowercased())/")
        #expect(delete.status == 405)
        #expect(try body(delete)["detail"] == "Method \"DELETE\" not allowed.")
    }

    @Test func everyAnswerCarriesRateLimitHeadersAndJSONContentType() async throws {
        let ok = try await send("/exports/")
        let denied = try await send("/exports/", key: "wrong")
        for response in [ok, denied] {
            #expect(response.headers["X-RateLimit-Limit"] != nil)
            #expect(response.headers["X-RateLimit-Remaining"] != nil)
            #expect(response.headers["X-RateLimit-Reset"] != nil)
            #expect(response.headers["Content-Type"] == "application/json")
        }
    }

    @Test func itemPageReadAgainIsTheSameCanonicalJSONWithItsOwnCursors() async throws {
        let dataset = avala.seedDataset(named: "Read Twice", itemCount: 25)
        let first = try await send("/datasets/\(dataset)/items/?limit=10")
        let again = try await send("/datasets/\(dataset)/items/?limit=10")
        #expect(first.status == 200 && again.body == first.body)
        #expect(first.headers["Content-Type"] == "application/json")
        // The kept rows spliced into the envelope read as the simulator's JSON always does:
        // keys sorted, nothing between tokens.
        let parsed = try JSONValue(parsing: first.body)
        #expect(parsed.serialized() == first.body)
        #expect(parsed["results"]?.arrayValue?.count == 10 && parsed["previous"] == .null)
        // Same rows, other request: the cursor URLs follow the request, not the kept page.
        let middle = try JSONValue(parsing: try await send("/datasets/\(dataset)/items/?limit=10&search=x").body)
        #expect(middle["results"] == parsed["results"])
        let next = try #require(middle["next"]?.stringValue)
        #expect(next.contains("search=x") && next != parsed["next"]?.stringValue)
        let second = try JSONValue(parsing: try await send(next).body)
        #expect(second["results"]?.arrayValue?.first?["id"] == 11)
    }

    @Test func itemPagesFollowEncodedCursorsToTheEndWithoutRepeats() async throws {
        let dataset = avala.seedDataset(named: "Paging Set", itemCount: 53)
        #expect(dataset == "sim-org/paging-set")
        var url: String? = "/datasets/\(dataset)/items/?limit=10"
        var uids: [String] = []
        var pages = 0
        while let next = url {
            let page = try body(try await send(next))
            uids += (page["results"]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
            url = page["next"]?.stringValue
            if let url {
                #expect(url.hasPrefix(avala.apiBaseURL.absoluteString))
                let token = try #require(URLComponents(string: url)?.queryItems?.first { $0.name == "cursor" }?.value)
                #expect(token.contains("+") || token.contains("/"))
                #expect(token.hasSuffix("=="))
                #expect(!url.contains("+") && url.contains("%"))
            }
            pages += 1
        }
        #expect(pages == 6)
        #expect(uids.count == 53 && Set(uids).count == 53)
    }

    @Test func pageSizeDefaultsTo20AndClampsAt1000() async throws {
        let dataset = avala.seedDataset(named: "big", itemCount: 2_500)
        #expect(try body(try await send("/datasets/\(dataset)/items/"))["results"]?.arrayValue?.count == 20)
        #expect(try body(try await send("/datasets/\(dataset)/items/?limit=abc"))["results"]?.arrayValue?.count == 20)
        #expect(
            try body(try await send("/datasets/\(dataset)/items/?limit=5000"))["results"]?.arrayValue?.count == 1000)
    }

    @Test func emptyDatasetHasNoLinksAndGarbageCursorIs404() async throws {
        let dataset = avala.seedDataset(named: "empty", itemCount: 0)
        let page = try body(try await send("/datasets/\(dataset)/items/"))
        #expect(page["results"] == [] && page["next"] == .null && page["previous"] == .null)
        let garbage = try await send("/datasets/\(dataset)/items/?cursor=not-a-cursor")
        #expect(garbage.status == 404)
        #expect(try body(garbage)["detail"] == "Invalid cursor")
    }

    @Test func millionsOfItemsAreServedWithoutStoringThem() async throws {
        let dataset = avala.seedDataset(named: "huge", itemCount: 5_000_000)
        let first = try body(try await send("/datasets/\(dataset)/items/?limit=1"))
        let uid = try #require(first["results"]?[0]?["uid"]?.stringValue)
        let item = try body(try await send("/datasets/\(dataset)/items/\(uid)/"))
        #expect(item == first["results"]?[0])
        #expect(try await send("/datasets/\(dataset)/items/00000000-0000-4000-8000-000000000000/").status == 404)
    }

    @Test func itemsAndSequencesCoverEveryStatusWord() async throws {
        let dataset = avala.seedDataset(named: "words", itemCount: 14, sequenceCount: 12)
        let items = try body(try await send("/datasets/\(dataset)/items/?limit=100"))["results"]?.arrayValue ?? []
        #expect(
            Set(items.compactMap { $0["status"]?.stringValue }) == [
                "unattempted", "pending", "ready_for_annotation", "in_progress", "completed", "rework_required",
                "customer_approved",
            ])
        let sequences =
            try body(try await send("/datasets/\(dataset)/sequences/?limit=100"))["results"]?.arrayValue ?? []
        #expect(Set(sequences.compactMap { $0["status"]?.stringValue }).count == 12)
        #expect(sequences.allSatisfy { $0["frames"] == nil })
        let uid = try #require(sequences.first?["uid"]?.stringValue)
        let detail = try body(try await send("/datasets/\(dataset)/sequences/\(uid)/"))
        #expect(detail["frames"]?.arrayValue?.count == Int(detail["number_of_frames"]?.intValue ?? -1))
    }

    @Test func restrictedKeyIsForbiddenOnDataButUnknownDataIsNotFound() async throws {
        let dataset = avala.seedDataset(named: "private", itemCount: 3)
        let forbidden = try await send("/datasets/\(dataset)/items/", key: avala.restrictedAPIKey)
        #expect(forbidden.status == 403)
        #expect(try body(forbidden)["detail"] == "You do not have permission to perform this action.")
        #expect(try await send("/datasets/sim-org/missing/items/", key: avala.restrictedAPIKey).status == 404)
    }

    @Test func sdkShapedCreateReturns201AndAdvancesOverPolls() async throws {
        let dataset = avala.seedDataset(named: "exp", itemCount: 30)
        let uid = try #require(avala.datasetUID(for: dataset))
        let created = try await send(.post, "/exports/", json: ["dataset": .string(uid)])
        #expect(created.status == 201)
        let export = try body(created)
        #expect(
            export["status"] == "requested" && export["download_url"] == .null && export["total_task_count"] == .null)
        #expect(export["created_at"] == export["updated_at"] && export["datasets"] == [.string(uid)])
        let id = try #require(export["uid"]?.stringValue)
        var words: [String] = []
        var urls: [JSONValue] = []
        for _ in 0..<4 {
            let read = try body(try await send("/exports/\(id)/"))
            words.append(read["status"]?.stringValue ?? "")
            urls.append(read["download_url"] ?? .null)
        }
        #expect(words == ["requested", "exporting", "exported", "exported"])
        #expect(urls[0] == .null && urls[1] == .null && urls[2] != .null)
    }

    @Test func typescriptVocabularyUsesItsWords() async throws {
        let avala = AvalaSimulator(vocabulary: .typescript, pollsToComplete: 3)
        let dataset = avala.seedDataset(named: "ts", itemCount: 1)
        var request = HTTPRequest(method: .post, url: avala.apiBaseURL.appendingPathComponent("exports/"))
        request.headers["X-Avala-Api-Key"] = avala.apiKey
        request.body = try JSONEncoder().encode(["dataset": avala.datasetUID(for: dataset)!])
        let created = try JSONDecoder().decode(JSONValue.self, from: try await avala.transport.send(request).body)
        let id = try #require(created["uid"]?.stringValue)
        var words = [created["status"]?.stringValue ?? ""]
        for _ in 0..<3 {
            var read = HTTPRequest(method: .get, url: avala.apiBaseURL.appendingPathComponent("exports/\(id)/"))
            read.headers["X-Avala-Api-Key"] = avala.apiKey
            words.append(
                try JSONDecoder().decode(JSONValue.self, from: try await avala.transport.send(read).body)["status"]?
                    .stringValue ?? "")
        }
        #expect(words == ["pending", "pending", "processing", "completed"])
    }

    @Test func restShapedCreateListsEveryMissingFieldAndBadFormat() async throws {
        let missing = try await send(.post, "/exports/", json: ["name": "x"])
        #expect(missing.status == 400)
        let errors = try body(missing)
        for field in ["format", "datasets", "projects", "slices"] {
            #expect(errors[field] == ["This field is required."])
        }
        let bad = try body(
            try await send(
                .post, "/exports/", json: ["name": "", "format": "COCO", "datasets": [], "projects": [], "slices": []]))
        #expect(bad["format"] == ["\"COCO\" is not a valid choice."])
        #expect(bad["name"] == ["This field may not be blank."])
        let unknown = try body(try await send(.post, "/exports/", json: ["dataset": "nope"]))
        #expect(unknown["dataset"] == ["Invalid pk \"nope\" - object does not exist."])
    }

    @Test func resultIsAValidZipOnStorageThatRefusesKeysAndExpires() async throws {
        let avala = AvalaSimulator(pollsToComplete: 1)
        let dataset = avala.seedDataset(named: "zip", itemCount: 7)
        var create = HTTPRequest(method: .post, url: avala.apiBaseURL.appendingPathComponent("exports/"))
        create.headers["X-Avala-Api-Key"] = avala.apiKey
        create.body = try JSONEncoder().encode(["dataset": avala.datasetUID(for: dataset)!])
        let id = try #require(
            try JSONDecoder().decode(JSONValue.self, from: try await avala.transport.send(create).body)["uid"]?
                .stringValue)
        var read = HTTPRequest(method: .get, url: avala.apiBaseURL.appendingPathComponent("exports/\(id)/"))
        read.headers["X-Avala-Api-Key"] = avala.apiKey
        let export = try JSONDecoder().decode(JSONValue.self, from: try await avala.transport.send(read).body)
        let url = try #require(export["download_url"]?.stringValue.flatMap(URL.init(string:)))
        #expect(url.host == avala.storageBaseURL.host && url.query?.contains("expires=") == true)

        let whole = try await avala.transport.send(HTTPRequest(method: .get, url: url))
        #expect(whole.status == 200)
        let entries = try #require(ZipArchive.entries(of: whole.body))
        let document = try JSONDecoder().decode(JSONValue.self, from: try #require(entries.first).contents)
        #expect(document["items"]?.arrayValue?.count == 7)

        var ranged = HTTPRequest(method: .get, url: url)
        ranged.headers["Range"] = "bytes=10-19"
        let part = try await avala.transport.send(ranged)
        #expect(part.status == 206 && part.body == whole.body.subdata(in: 10..<20))
        #expect(part.headers["Content-Range"] == "bytes 10-19/\(whole.body.count)")
        ranged.headers["Range"] = "bytes=\(whole.body.count)-"
        #expect(try await avala.transport.send(ranged).status == 416)

        var leaky = HTTPRequest(method: .get, url: url)
        leaky.headers["X-Avala-Api-Key"] = avala.apiKey
        #expect(try await avala.transport.send(leaky).status == 400)

        avala.advanceTime(by: 3601)
        #expect(try await avala.transport.send(HTTPRequest(method: .get, url: url)).status == 403)
        let fresh = try JSONDecoder().decode(JSONValue.self, from: try await avala.transport.send(read).body)
        let freshURL = try #require(fresh["download_url"]?.stringValue.flatMap(URL.init(string:)))
        #expect(freshURL != url)
        #expect(try await avala.transport.send(HTTPRequest(method: .get, url: freshURL)).status == 200)
    }

    @Test func injectedRateLimitUsesIntegerRetryAfterAndDRFWording() async throws {
        avala.injectFault(.rateLimited(retryAfterSeconds: 7), method: .get, count: 1)
        let limited = try await send("/exports/")
        #expect(limited.status == 429 && limited.headers["Retry-After"] == "7")
        #expect(try body(limited)["detail"] == "Request was throttled. Expected available in 7 seconds.")
        #expect(try await send("/exports/").status == 200)
        avala.injectFault(.badGateway)
        let proxy = try await send("/exports/")
        #expect(proxy.status == 502 && proxy.bodyText?.contains("<html>") == true)
    }

    @Test func exportListIsNewestFirstAndStableWhileExportsAreCreated() async throws {
        let dataset = try #require(avala.datasetUID(for: avala.seedDataset(named: "list", itemCount: 1)))
        for _ in 0..<5 { _ = try await send(.post, "/exports/", json: ["dataset": .string(dataset)]) }
        let first = try body(try await send("/exports/?limit=2"))
        _ = try await send(.post, "/exports/", json: ["dataset": .string(dataset)])
        var uids = (first["results"]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
        var next = first["next"]?.stringValue
        while let url = next {
            let page = try body(try await send(url))
            uids += (page["results"]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
            next = page["next"]?.stringValue
        }
        #expect(uids.count == 5 && Set(uids).count == 5)
        #expect(uids == uids.sorted(by: >))
    }

    // MARK: Faults in Avala's shapes

    @Test func unauthorizedAndFieldErrorFaultsUseDRFShapes() async throws {
        avala.injectFault(.unauthorized, count: 1)
        let refused = try await send("/exports/")
        #expect(refused.status == 401)
        #expect(try body(refused) == ["detail": "Invalid API key."])
        avala.injectFault(.fieldErrors, method: .post, count: 1)
        let invalid = try await send(.post, "/exports/", json: [:])
        #expect(invalid.status == 400 && invalid.headers["Content-Type"] == "application/json")
        #expect(
            try body(invalid)
                == ["name": ["This field is required."], "format": ["\"avala-json-internal\" is not a valid choice."]])
        // In the vendor's place: nothing was created.
        #expect(try body(try await send("/exports/"))["results"] == [])
    }

    @Test func missingListFieldDropsResultsFromTheNextListPageOnly() async throws {
        let dataset = avala.seedDataset(named: "list", itemCount: 3)
        avala.injectFault(.missingListField, count: 1)
        // An answer without a list is left alone: the fault waits for one that has it.
        #expect(try body(try await send("/datasets/\(dataset)/"))["slug"] == "list")
        let page = try await send("/datasets/\(dataset)/items/?limit=2")
        #expect(page.status == 200 && page.headers["X-RateLimit-Limit"] == "1000")
        let json = try body(page)
        #expect(json["results"] == nil && json["next"]?.stringValue != nil && json["previous"] == .null)
        #expect(try body(try await send("/datasets/\(dataset)/items/"))["results"]?.arrayValue?.count == 3)
    }

    @Test func unknownStatusWordReplacesExportStatusesOnly() async throws {
        let reference = avala.seedDataset(named: "words", itemCount: 2)
        let dataset = try #require(avala.datasetUID(for: reference))
        let created = try body(try await send(.post, "/exports/", json: ["dataset": .string(dataset)]))
        let uid = try #require(created["uid"]?.stringValue)
        avala.injectFault(.unknownStatusWord("quarantined"), count: 2)
        // Items report status words too, but not an export's: the fault waits.
        let items = try body(try await send("/datasets/\(reference)/items/"))
        #expect(items["results"]?[0]?["status"] == "unattempted")
        #expect(try body(try await send("/exports/\(uid)/"))["status"] == "quarantined")
        let listed = try body(try await send("/exports/"))
        #expect(listed["results"]?.arrayValue?.map { $0["status"] } == ["quarantined"])
        #expect(try body(try await send("/exports/\(uid)/"))["status"] != "quarantined")
    }
}
