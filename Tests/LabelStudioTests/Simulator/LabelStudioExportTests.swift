import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// Checklist points 6 (create and its knobs), 7 (the export object), 8 (list) and 9
/// (detail and delete).
@Suite("Label Studio simulator: exports")
struct LabelStudioExportTests {
    let client = LabelStudioClient()
    var simulator: LabelStudioSimulator { client.simulator }

    static let exportKeys: Set<String> = [
        "title", "id", "created_by", "created_at", "finished_at", "status", "md5", "counters", "converted_formats",
    ]

    func detail(_ project: String, _ id: Int64) async throws -> JSONValue {
        try await client.get("/api/projects/\(project)/exports/\(id)")
    }

    @Test func createIsSynchronousAndAnswersATerminalExport() async throws {
        let project = simulator.seedDataset(named: "Images bbox", itemCount: 250)
        for body in [
            nil, [:], ["title": "x"], ["title": 42, "status": "failed", "id": 7, "exportType": "CSV", "bogus": 1],
        ]
            as [JSONValue?]
        {
            let export = try await client.createExport(project, json: body)
            #expect(export["status"] == "completed")
            let md5 = try #require(export["md5"]?.stringValue)
            #expect(md5.count == 32 && md5.allSatisfy(\.isHexDigit))
            #expect(export["counters"] == ["task_number": 250])
            #expect(export["finished_at"]?.stringValue != nil)
            let keys = Set(try #require(export.objectValue).keys)
            #expect(
                keys
                    == Self.exportKeys.union([
                        "task_filter_options", "annotation_filter_options", "serialization_options",
                    ]))
            #expect(export["task_filter_options"] == .null && export["serialization_options"] == .null)
        }
        let exports = try await client.get("/api/projects/\(project)/exports/")
        let titles = (exports.arrayValue ?? []).map { $0["title"]?.stringValue ?? "" }
        #expect(titles[0] == "42" && titles[1] == "x")
        #expect(titles[2].hasPrefix("Images-bbox-at-2025-01-15-09-3"), "default title: \(titles[2])")
    }

    @Test func exportObjectHasExactlyTheDocumentedFields() async throws {
        let project = simulator.seedDataset(named: "Fields", itemCount: 4)
        let created = try await client.createExport(project)
        let id = try #require(created["id"]?.intValue)
        let read = try await detail(project, id)
        #expect(Set(try #require(read.objectValue).keys) == Self.exportKeys)
        #expect(
            read["created_by"] == [
                "id": 1, "first_name": "", "last_name": "", "email": "admin@example.com", "avatar": nil,
            ])
        let created_at = try #require(read["created_at"]?.stringValue)
        #expect(created_at.hasSuffix("Z") && ISO8601.date(from: created_at) != nil)
        #expect(read["converted_formats"] == [])
        let response = try await client.send(.get, "/api/projects/\(project)/exports/\(id)")
        #expect(response.headers["Allow"] == "GET, DELETE, HEAD, OPTIONS")
    }

    @Test func createValidatesTheDocumentedFieldsWithDRFMessages() async throws {
        let project = simulator.seedDataset(named: "Validation", itemCount: 2)
        let path = "/api/projects/\(project)/exports/"
        let cases: [(JSONValue, JSONValue)] = [
            (
                ["title": .string(String(repeating: "t", count: 2049))],
                ["title": ["Ensure this field has no more than 2048 characters."]]
            ),
            (["title": true], ["title": ["Not a valid string."]]),
            (
                ["task_filter_options": ["annotated": "yes"]],
                ["task_filter_options": ["annotated": ["\"yes\" is not a valid choice."]]]
            ),
            (
                ["task_filter_options": ["only_with_annotations": "maybe", "view": "abc"]],
                [
                    "task_filter_options": [
                        "view": ["A valid integer is required."], "only_with_annotations": ["Must be a valid boolean."],
                    ]
                ]
            ),
            (
                ["task_filter_options": "all"],
                ["task_filter_options": ["non_field_errors": ["Invalid data. Expected a dictionary, but got str."]]]
            ),
            (
                ["annotation_filter_options": ["usual": 5]],
                ["annotation_filter_options": ["usual": ["Must be a valid boolean."]]]
            ),
            (
                ["serialization_options": ["drafts": ["only_id": "perhaps"]]],
                ["serialization_options": ["drafts": ["only_id": ["Must be a valid boolean."]]]]
            ),
        ]
        for (body, errors) in cases {
            let response = try await client.send(.post, path, json: body)
            try LabelStudioClient.expectEnvelope(response, 400, "Validation error")
            #expect(try LabelStudioClient.json(response)["validation_errors"] == errors, "\(body)")
        }
        #expect(try await client.get(path) == [], "refused creates make nothing")
        try LabelStudioClient.expectEnvelope(
            try await client.send(.post, "/api/projects/77/exports/"), 404, "No Project matches the given query.")
    }

    @Test func filtersChooseTasksAndAnnotations() async throws {
        let project = simulator.seedDataset(named: "Filters", itemCount: 250)
        func count(_ body: JSONValue) async throws -> Int64? {
            try await client.createExport(project, json: body)["counters"]?["task_number"]?.intValue
        }
        #expect(try await count(["task_filter_options": ["annotated": "only"]]) == 95)
        #expect(try await count(["task_filter_options": ["annotated": "exclude"]]) == 155)
        #expect(try await count(["task_filter_options": ["finished": "only"]]) == 95)
        #expect(try await count(["task_filter_options": ["skipped": "only"]]) == 5)
        #expect(try await count(["task_filter_options": ["only_with_annotations": true]]) == 100)
        // Only the annotation filter: every task stays, the skipped annotations go.
        let export = try await client.createExport(project, json: ["annotation_filter_options": ["usual": true]])
        let id = try #require(export["id"]?.intValue)
        let file = try await client.send(.get, "/api/projects/\(project)/exports/\(id)/download")
        let tasks = try #require(try LabelStudioClient.json(file).arrayValue)
        #expect(tasks.count == 250)
        #expect(tasks.reduce(0) { $0 + ($1["annotations"]?.arrayValue?.count ?? 0) } == 95)
    }

    /// Seen on 1.23.2: the three option objects, the nested serialization options, `view`,
    /// `only_with_annotations` and the serialization flags may not be null; the choices and
    /// the annotation filter's flags may (a null flag is not true).
    @Test func nullIsRefusedWhereTheSerializersRefuseIt() async throws {
        let project = simulator.seedDataset(named: "Nulls", itemCount: 5)
        let path = "/api/projects/\(project)/exports/"
        let notNull: JSONValue = ["This field may not be null."]
        let cases: [(JSONValue, JSONValue)] = [
            (
                ["task_filter_options": nil, "annotation_filter_options": nil, "serialization_options": nil],
                [
                    "task_filter_options": notNull, "annotation_filter_options": notNull,
                    "serialization_options": notNull,
                ]
            ),
            (
                [
                    "task_filter_options": [
                        "view": nil, "only_with_annotations": nil, "annotated": nil, "finished": nil,
                    ]
                ],
                ["task_filter_options": ["view": notNull, "only_with_annotations": notNull]]
            ),
            (
                ["serialization_options": ["drafts": nil, "predictions": ["only_id": nil]]],
                ["serialization_options": ["drafts": notNull, "predictions": ["only_id": notNull]]]
            ),
            (
                ["serialization_options": ["include_annotation_history": nil, "interpolate_key_frames": nil]],
                ["serialization_options": ["include_annotation_history": notNull, "interpolate_key_frames": notNull]]
            ),
        ]
        for (body, errors) in cases {
            let response = try await client.send(.post, path, json: body)
            try LabelStudioClient.expectEnvelope(response, 400, "Validation error")
            #expect(try LabelStudioClient.json(response)["validation_errors"] == errors, "\(body)")
        }
        let accepted = try await client.send(
            .post, path,
            json: [
                "task_filter_options": ["skipped": nil],
                "annotation_filter_options": ["usual": nil, "ground_truth": nil, "skipped": nil],
            ])
        #expect(accepted.status == 201)
    }

    /// Seen on 1.23.2 (and in `mixins.py`): annotations are filtered by the OR of the flags
    /// that are true, so with none true (`usual: false`, or nulls) every annotation stays;
    /// `only_id` defaults to false, so `{"predictions": {}}` expands the predictions.
    @Test func annotationFilterWithNoTrueFlagKeepsEverythingAndOnlyIDDefaultsToFalse() async throws {
        let project = simulator.seedDataset(named: "No flag", itemCount: 50)
        func annotations(_ body: JSONValue) async throws -> (Int, [JSONValue]) {
            let id = try #require(try await client.createExport(project, json: body)["id"]?.intValue)
            let file = try await client.send(.get, "/api/projects/\(project)/exports/\(id)/download")
            let tasks = try #require(try LabelStudioClient.json(file).arrayValue)
            return (
                tasks.reduce(0) { $0 + ($1["annotations"]?.arrayValue?.count ?? 0) },
                tasks.compactMap { $0["predictions"]?.arrayValue?.first }
            )
        }
        let all = try await annotations([:]).0
        #expect(all == 20, "19 annotations and one skipped in 50 tasks")
        #expect(try await annotations(["annotation_filter_options": ["usual": false]]).0 == all)
        #expect(try await annotations(["annotation_filter_options": ["usual": nil, "skipped": nil]]).0 == all)
        #expect(try await annotations(["annotation_filter_options": ["usual": true]]).0 == 19)
        #expect(try await annotations(["annotation_filter_options": ["usual": false, "skipped": true]]).0 == 1)
        #expect(try await annotations(["annotation_filter_options": ["ground_truth": true]]).0 == 19, "usual stays")
        #expect(try await annotations(["annotation_filter_options": ["usual": false, "ground_truth": true]]).0 == 0)
        let ids = try await annotations([:]).1
        #expect(ids.allSatisfy { $0.intValue != nil }, "ids unless asked")
        let expanded = try await annotations(["serialization_options": ["predictions": [:]]]).1
        #expect(expanded.allSatisfy { $0["model_version"] == "yolo-v1" }, "{} is only_id false")
        let onlyIDs = try await annotations(["serialization_options": ["predictions": ["only_id": true]]]).1
        #expect(onlyIDs.allSatisfy { $0.intValue != nil })
    }

    @Test func listIsABareArrayNewestFirstCappedAt100() async throws {
        let project = simulator.seedDataset(named: "Many", itemCount: 1)
        #expect(try await client.get("/api/projects/\(project)/exports/") == [])
        var ids: [Int64] = []
        for _ in 0..<105 { ids.append(try #require(try await client.createExport(project)["id"]?.intValue)) }
        for path in ["/api/projects/\(project)/exports/", "/api/projects/\(project)/exports/?page=2&page_size=10"] {
            let listed = try #require(try await client.get(path).arrayValue)
            #expect(listed.count == 100)
            #expect(listed.compactMap { $0["id"]?.intValue } == Array(ids.reversed().prefix(100)))
            #expect(listed.allSatisfy { Set($0.objectValue?.keys ?? [:].keys) == Self.exportKeys })
        }
    }

    @Test func deleteAnswers204ThenTheHTMLPageAndOtherMethodsAre405() async throws {
        let project = simulator.seedDataset(named: "Delete", itemCount: 2)
        let id = try #require(try await client.createExport(project)["id"]?.intValue)
        let path = "/api/projects/\(project)/exports/\(id)"
        for method in [HTTPMethod.patch, .put, .post] {
            let response = try await client.send(method, path, json: ["title": "new"])
            try LabelStudioClient.expectEnvelope(response, 405, "Method \"\(method.rawValue)\" not allowed.")
            #expect(response.headers["Allow"] == "GET, DELETE, HEAD, OPTIONS")
        }
        let deleted = try await client.send(.delete, path)
        #expect(deleted.status == 204 && deleted.body.isEmpty)
        #expect(deleted.headers["Content-Length"] == "0", "Django declares the empty body, as seen on 1.23.2")
        #expect(LabelStudioClient.isHTMLNotFound(try await client.send(.delete, path)))
        #expect(LabelStudioClient.isHTMLNotFound(try await client.send(.get, path)))
        #expect(LabelStudioClient.isHTMLNotFound(try await client.send(.delete, path + "/")))
    }

    @Test func redisModeAnswersInProgressAndFinishesOnTheNthPoll() async throws {
        let redis = LabelStudioClient(LabelStudioSimulator(pollsToComplete: 3))
        let project = redis.simulator.seedDataset(named: "Redis", itemCount: 10)
        let created = try await redis.createExport(project)
        #expect(created["status"] == "in_progress" && created["md5"] == "" && created["counters"] == [:])
        #expect(created["finished_at"] == .null)
        let id = try #require(created["id"]?.intValue)
        let path = "/api/projects/\(project)/exports/\(id)"
        #expect(try await redis.get(path)["status"] == "in_progress")
        #expect(
            try await redis.get("/api/projects/\(project)/exports/")[0]?["status"] == "in_progress", "a list is no poll"
        )
        #expect(try await redis.get(path)["status"] == "in_progress")
        let done = try await redis.get(path)
        #expect(
            done["status"] == "completed" && done["counters"] == ["task_number": 10] && done["finished_at"] != .null)
        #expect(try await redis.get(path)["status"] == "completed", "terminal states never change")
    }

    @Test func scriptsFailHangOrReportAnUnknownWord() async throws {
        let project = simulator.seedDataset(named: "Scripts", itemCount: 3)
        simulator.scriptNextExport(.fails(afterPolls: 0, reason: "disk full"))
        let failed = try await client.createExport(project)
        #expect(failed["status"] == "failed" && failed["md5"] == "" && failed["counters"] == [:])
        #expect(failed["finished_at"]?.stringValue != nil)

        simulator.scriptNextExport(.fails(afterPolls: 2, reason: "disk full"))
        let later = try #require(try await client.createExport(project)["id"]?.intValue)
        #expect(try await detail(project, later)["status"] == "in_progress")
        #expect(try await detail(project, later)["status"] == "failed")

        simulator.scriptNextExport(.hangs(rawStatus: nil))
        let stuck = try #require(try await client.createExport(project)["id"]?.intValue)
        for _ in 0..<20 { #expect(try await detail(project, stuck)["status"] == "in_progress") }

        simulator.scriptNextExport(.hangs(rawStatus: "queued_for_review"))
        let odd = try #require(try await client.createExport(project)["id"]?.intValue)
        #expect(try await detail(project, odd)["status"] == "queued_for_review")

        simulator.scriptNextExport(.cancels(afterPolls: 1))
        let canceled = try #require(try await client.createExport(project)["id"]?.intValue)
        #expect(try await detail(project, canceled)["status"] == "failed", "Label Studio has no canceled state")
        #expect(!LabelStudioSimulator.canCancelExports)

        simulator.injectFault(
            .unknownStatusWord("paused"), method: .get, pathPrefix: "/api/projects/\(project)/exports")
        #expect(try await client.get("/api/projects/\(project)/exports/")[0]?["status"] == "paused")
    }

    @Test func slowCreateHoldsItsAnswerWhileOthersSeeInProgress() async throws {
        let slow = LabelStudioClient(LabelStudioSimulator(createDuration: 12))
        let project = slow.simulator.seedDataset(named: "Slow", itemCount: 5)
        let before = slow.simulator.host.time.now

        // The create's answer is lost (a client that gave up): the snapshot goes on without it.
        slow.simulator.injectFault(.loseResponse, method: .post)
        await #expect(throws: (any Error).self) { _ = try await slow.send(.post, "/api/projects/\(project)/exports/") }
        let listed = try await slow.get("/api/projects/\(project)/exports/")
        let running = try #require(listed[0])
        #expect(running["status"] == "in_progress" && running["finished_at"] == .null && running["md5"] == "")
        let id = try #require(running["id"]?.intValue)
        #expect(try await slow.get("/api/projects/\(project)/exports/\(id)")["status"] == "in_progress")
        #expect(
            LabelStudioClient.isHTMLNotFound(
                try await slow.send(.get, "/api/projects/\(project)/exports/\(id)/download")))
        slow.simulator.advanceTime(by: 12)
        #expect(try await slow.get("/api/projects/\(project)/exports/\(id)")["status"] == "completed")

        // An answer that arrives took the whole time: the clock moved on with it.
        let answered = try await slow.createExport(project)
        #expect(answered["status"] == "completed")
        #expect(slow.simulator.host.time.now.timeIntervalSince(before) >= 24)
        let second = try #require(answered["id"]?.intValue)
        #expect(try await slow.send(.get, "/api/projects/\(project)/exports/\(second)/download").status == 200)
    }

    @Test func removedUserMayListAndCreateButNotReadAnExport() async throws {
        let project = simulator.seedDataset(named: "Removed", itemCount: 2)
        let access = try #require(simulator.accessToken(for: simulator.restrictedAPIKey))
        let removed = LabelStudioClient.Credential.authorization("Bearer \(access)")
        let created = try await client.send(.post, "/api/projects/\(project)/exports/", credential: removed)
        #expect(created.status == 201)
        #expect(try LabelStudioClient.json(created)["created_by"]?["first_name"] == "Deleted")
        #expect(try await client.send(.get, "/api/projects/\(project)/exports/", credential: removed).status == 200)
        #expect(try await client.send(.get, "/api/projects/", credential: removed).status == 200)
        let id = try #require(try LabelStudioClient.json(created)["id"]?.intValue)
        for path in [
            "/api/projects/\(project)/exports/\(id)", "/api/projects/\(project)/", "/api/tasks/?project=\(project)",
            "/api/tasks/1/", "/api/projects/\(project)/exports/\(id)/download",
        ] {
            try LabelStudioClient.expectEnvelope(
                try await client.send(.get, path, credential: removed), 403,
                "You do not have permission to perform this action.")
        }
    }
}
