import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// Checklist points 14 (tasks) and 15 (projects).
@Suite("Label Studio simulator: tasks and projects")
struct LabelStudioTaskTests {
    let client = LabelStudioClient()
    var simulator: LabelStudioSimulator { client.simulator }

    @Test func tasksComeInIdOrderWithTheEnvelopeAndNoLinks() async throws {
        let project = simulator.seedDataset(named: "Tasks", itemCount: 250)
        let page = try await client.get("/api/tasks/?project=\(project)")
        let object = try #require(page.objectValue)
        #expect(Set(object.keys) == ["total_annotations", "total_predictions", "total", "tasks"])
        #expect(page["total"] == 250 && page["total_annotations"] == 95 && page["total_predictions"] == 50)
        let tasks = try #require(page["tasks"]?.arrayValue)
        #expect(tasks.count == 100, "100 a page by default")
        #expect(tasks.compactMap { $0["id"]?.intValue } == Array(1...100))
        #expect(tasks[0]["annotations"] == nil, "no annotations without fields=all")
        #expect(Set(try #require(tasks[0].objectValue).keys).count == 25)
        #expect(tasks[0]["data"] == ["image": "https://images.example.invalid/img_00000.jpg", "seq": 0])
        #expect(tasks[0]["is_labeled"] == true && tasks[1]["is_labeled"] == false && tasks[2]["is_labeled"] == false)

        let last = try await client.get("/api/tasks/?project=\(project)&page=3&page_size=100")
        #expect(last["tasks"]?.arrayValue?.count == 50)
        let named = try await client.get("/api/tasks/?project=\(project)&page=last&page_size=100")
        #expect(named["tasks"] == last["tasks"])
        for query in ["page=4", "page=0", "page=abc", "page=-1"] {
            try LabelStudioClient.expectEnvelope(
                try await client.send(.get, "/api/tasks/?project=\(project)&\(query)"), 404, "Invalid page.")
        }
    }

    @Test func oddPageSizesFallBackToTheDefaultAndThereIsNoMaximum() async throws {
        let project = simulator.seedDataset(named: "Sizes", itemCount: 250)
        for size in ["0", "-1", "abc"] {
            let page = try await client.get("/api/tasks/?project=\(project)&page_size=\(size)")
            #expect(page["tasks"]?.arrayValue?.count == 100, "page_size=\(size)")
        }
        let everything = try await client.get("/api/tasks/?project=\(project)&page_size=100000")
        #expect(everything["tasks"]?.arrayValue?.count == 250)
        let ordering = try await client.get("/api/tasks/?project=\(project)&ordering=-id&page_size=3")
        #expect(ordering["tasks"]?.arrayValue?.compactMap { $0["id"]?.intValue } == [1, 2, 3], "ordering is ignored")
    }

    @Test func hugeNumbersInTheQueryAreNoCrash() async throws {
        let project = simulator.seedDataset(named: "Huge", itemCount: 3)
        let max = "9223372036854775807"
        let all = try await client.get("/api/tasks/?project=\(project)&page_size=\(max)")
        #expect(all["tasks"]?.arrayValue?.count == 3)
        for path in [
            "/api/tasks/?project=\(project)&page=\(max)", "/api/projects/\(project)/tasks/?page=\(max)",
            "/api/projects/?page=\(max)", "/api/projects/?page=\(max)&page_size=\(max)",
            "/api/projects/\(project)/tasks/?page=\(max)&page_size=\(max)",
        ] {
            #expect(try await client.send(.get, path).status == 404, "\(path)")
        }
        #expect(try await client.send(.get, "/api/tasks/\(max)99/").status == 404)
        let ranged = try await client.send(
            .get, "/api/projects/\(project)/export?download_all_tasks=true", headers: ["Range": "bytes=\(max)99-"])
        #expect(ranged.status == 200)
    }

    @Test func fieldsAllAddsAnnotationsAndPredictions() async throws {
        let project = simulator.seedDataset(named: "Full", itemCount: 5)
        let tasks = try #require(try await client.get("/api/tasks/?project=\(project)&fields=all")["tasks"]?.arrayValue)
        #expect(Set(try #require(tasks[0].objectValue).keys).count == 31)
        let annotation = try #require(tasks[0]["annotations"]?[0])
        #expect(annotation["was_cancelled"] == false && annotation["result"]?.arrayValue?.isEmpty == false)
        #expect(tasks[1]["annotations"]?[0]?["was_cancelled"] == true)
        #expect(tasks[1]["predictions"]?[0]?["model_version"] == "yolo-v1")
        #expect(tasks[2]["annotations"] == [] && tasks[3]["predictions"] == [])
    }

    @Test func emptyProjectHasAnEmptyFirstPageAndNoSecond() async throws {
        let project = simulator.seedDataset(named: "Empty", itemCount: 0)
        #expect(
            try await client.get("/api/tasks/?project=\(project)") == [
                "total_annotations": 0, "total_predictions": 0, "total": 0, "tasks": [],
            ])
        try LabelStudioClient.expectEnvelope(
            try await client.send(.get, "/api/tasks/?project=\(project)&page=2"), 404, "Invalid page.")
    }

    @Test func tasksNeedAProject() async throws {
        let bare = try await client.send(.get, "/api/tasks/")
        #expect(bare.status == 404)
        #expect(try LabelStudioClient.json(bare) == ["detail": "Neither project nor view id specified"])
        try LabelStudioClient.expectEnvelope(
            try await client.send(.get, "/api/tasks/?project=42"), 404, "No Project matches the given query.")
    }

    /// Seen on 1.23.2: `project` and `view` are read by Python's `int` (`" 1"`, `"+1"`,
    /// `"00001"` are project 1); one it cannot read is a 400 whose field error is a string,
    /// `view` checked first. A view is looked up after the project.
    @Test func taskListReadsProjectAndViewAsPythonNumbers() async throws {
        let project = simulator.seedDataset(named: "Numbers", itemCount: 3)
        for (query, key, value) in [
            ("project=abc", "project", "abc"), ("project=", "project", ""), ("project=1.5", "project", "1.5"),
            ("view=abc", "view", "abc"), ("project=abc&view=abc", "view", "abc"), ("project=1&view=x", "view", "x"),
        ] {
            let response = try await client.send(.get, "/api/tasks/?\(query)")
            try LabelStudioClient.expectEnvelope(response, 400, "Validation error")
            #expect(
                try LabelStudioClient.json(response)["validation_errors"]
                    == [key: .string("Incorrect value in key \"\(key)\" = \"\(value)\". It should be digit string.")],
                "\(query)")
        }
        for query in ["project=%20\(project)", "project=%2B\(project)", "project=0000\(project)"] {
            #expect(try await client.get("/api/tasks/?\(query)")["total"] == 3, "\(query)")
        }
        try LabelStudioClient.expectEnvelope(
            try await client.send(.get, "/api/tasks/?project=\(project)&view=999"), 404,
            "No View matches the given query.")
        try LabelStudioClient.expectEnvelope(
            try await client.send(.get, "/api/tasks/?project=99&view=999"), 404, "No Project matches the given query.")
        try LabelStudioClient.expectEnvelope(
            try await client.send(.get, "/api/tasks/?project=-1"), 404, "No Project matches the given query.")
    }

    /// Seen on 1.23.2: `page` and `page_size` go through Python's `int` too: an empty one is
    /// absent, `+2`, ` 2` and `1_0` are numbers, `1.0` is no page.
    @Test func taskPagesAreReadAsPythonNumbers() async throws {
        let project = simulator.seedDataset(named: "Pages", itemCount: 30)
        let ids = { (query: String) in
            try await client.get("/api/tasks/?project=\(project)&\(query)")["tasks"]?.arrayValue?.compactMap {
                $0["id"]?.intValue
            }
        }
        #expect(try await ids("page=&page_size=")?.count == 30)
        #expect(try await ids("page=%2B2&page_size=%2B2") == [3, 4])
        #expect(try await ids("page=%202&page_size=1_0")?.first == 11)
        try LabelStudioClient.expectEnvelope(
            try await client.send(.get, "/api/tasks/?project=\(project)&page=1.0"), 404, "Invalid page.")
        #expect(try await client.get("/api/projects/?page=&page_size=%2B1")["results"]?.arrayValue?.count == 1)
    }

    /// Seen on 1.23.2: the older route's rows are `TaskSimpleSerializer`'s (no Data Manager
    /// fields, `updated_by` null, annotations and predictions last); `page` that is no number
    /// is a 400 naming it, `page_size` (or `length`) that is none a 500 in Python's words;
    /// exactly `-1` is every task whatever the page.
    @Test func olderProjectTasksRouteFollowsLabelStudiosOwnPaginator() async throws {
        let project = simulator.seedDataset(named: "Older rows", itemCount: 60)
        let response = try await client.send(.get, "/api/projects/\(project)/tasks/?page_size=2")
        let fields = [
            "id", "data", "meta", "created_at", "updated_at", "is_labeled", "overlap", "inner_id", "total_annotations",
            "cancelled_annotations", "total_predictions", "comment_count", "unresolved_comment_count",
            "last_comment_updated_at", "project", "updated_by", "file_upload", "comment_authors", "annotations",
            "predictions",
        ]
        let rows = try #require(try LabelStudioClient.json(response).arrayValue)
        #expect(Set(try #require(rows[0].objectValue).keys) == Set(fields))
        #expect(response.bodyText?.hasPrefix("[{\"id\":") == true && response.bodyText?.contains("\"data\":") == true)
        #expect(rows[0]["updated_by"] == .null && rows[0]["annotations"]?[0]?["updated_by"] == .null)
        #expect(rows[0]["annotations"]?[0]?["created_ago"] == "0\u{A0}minutes")
        for (query, value) in [("page=abc", "abc"), ("page=", ""), ("page=1.5&page_size=abc", "1.5")] {
            let bad = try await client.send(.get, "/api/projects/\(project)/tasks/?\(query)")
            try LabelStudioClient.expectEnvelope(bad, 400, "Validation error")
            #expect(
                try LabelStudioClient.json(bad)["validation_errors"]
                    == ["page": .string("Incorrect value in key \"page\" = \"\(value)\". It should be digit string.")])
        }
        for (query, literal) in [("page_size=abc", "'abc'"), ("page_size=", "''"), ("length=1.5", "'1.5'")] {
            let failed = try await client.send(.get, "/api/projects/\(project)/tasks/?\(query)")
            try LabelStudioClient.expectEnvelope(failed, 500, "invalid literal for int() with base 10: \(literal)")
        }
        #expect(try await client.get("/api/projects/\(project)/tasks/?page_size=-1&page=2").arrayValue?.count == 60)
        #expect(try await client.get("/api/projects/\(project)/tasks/?page_size=-1&page=0").arrayValue?.count == 60)
        #expect(try await client.get("/api/projects/\(project)/tasks/?length=2").arrayValue?.count == 2)
        #expect(
            try await client.get("/api/projects/\(project)/tasks/?page=%2B2&page_size=%2B25").arrayValue?.count == 25)
        for query in ["page=-1", "page_size=-2", "page_size=0", "page=4"] {
            try LabelStudioClient.expectEnvelope(
                try await client.send(.get, "/api/projects/\(project)/tasks/?\(query)"), 404, "Not found.")
        }
    }

    @Test func oneTaskHasItsAnnotationsInlineAndIgnoresProjects() async throws {
        _ = simulator.seedDataset(named: "First", itemCount: 3)
        let second = simulator.seedTextProject(named: "Second", itemCount: 3)
        for path in ["/api/tasks/4/", "/api/tasks/4"] {
            let task = try await client.get(path)
            #expect(task["project"] == .int(Int64(second) ?? 0) && task["id"] == 4)
            #expect(Set(try #require(task.objectValue).keys).count == 31)
            #expect(task["annotations"]?[0]?["completed_by"]?["email"] == "admin@example.com")
            #expect(task["annotations"]?[0]?["result"]?[0]?["value"] == ["choices": ["Positive"]])
            #expect(task["data"]?["text"]?.stringValue?.hasPrefix("Review 0: ") == true)
        }
        try LabelStudioClient.expectEnvelope(
            try await client.send(.get, "/api/tasks/99/"), 404, "No Task matches the given query.")
    }

    @Test func olderProjectTasksRouteIsABareArrayByUpdateTime() async throws {
        let project = simulator.seedDataset(named: "Older", itemCount: 60)
        let page = try #require(try await client.get("/api/projects/\(project)/tasks/").arrayValue)
        #expect(page.count == 50)
        #expect(page[0]["annotations"] != nil, "annotations inline")
        let updated = page.compactMap { $0["updated_at"]?.stringValue }.compactMap(ISO8601.date(from:))
        #expect(updated == updated.sorted(by: >), "most recently updated first")
        #expect(try await client.get("/api/projects/\(project)/tasks/?page_size=-1").arrayValue?.count == 60)
        try LabelStudioClient.expectEnvelope(
            try await client.send(.get, "/api/projects/\(project)/tasks/?page=3"), 404, "Not found.")
        let bad = try await client.send(.get, "/api/projects/\(project)/tasks/?page=abc")
        #expect(bad.status == 400)
    }

    @Test func projectsAreADRFPageWithAbsoluteLinks() async throws {
        for index in 0..<3 { simulator.seedDataset(named: "Project \(index)", itemCount: index) }
        let first = try await client.get("/api/projects/?page_size=1")
        #expect(first["count"] == 3 && first["previous"] == .null)
        #expect(first["next"] == .string("\(simulator.apiBaseURL.absoluteString)/api/projects/?page=2&page_size=1"))
        let second = try await client.get("/api/projects/?page=2&page_size=1")
        #expect(second["previous"] == .string("\(simulator.apiBaseURL.absoluteString)/api/projects/?page_size=1"))
        let third = try await client.get("/api/projects/?page=3&page_size=1")
        #expect(third["next"] == .null)
        let newest = try #require(first["results"]?[0])
        #expect(newest["id"] == 3 && newest["title"] == "Project 2" && newest["task_number"] == 2)
        #expect(Set(try #require(newest.objectValue).keys).count == 46)
        for query in ["page=4&page_size=1", "page=abc"] {
            try LabelStudioClient.expectEnvelope(
                try await client.send(.get, "/api/projects/?\(query)"), 404, "Invalid page.")
        }
        let narrowed = try await client.get("/api/projects/?include=id,title,task_number&title=project%201")
        #expect(narrowed["results"] == [["id": 2, "title": "Project 1", "task_number": 1]])
    }

    /// Seen on 1.23.2: the project serializer's 46 fields in this order, in the list and the
    /// detail alike; one weight per control and label, `valueType` on each input.
    @Test func projectHasTheFieldsOfARealOneInItsOrder() async throws {
        let project = simulator.seedDataset(named: "Fields", itemCount: 5)
        let text = simulator.seedTextProject(named: "Text fields", itemCount: 5)
        let response = try await client.send(.get, "/api/projects/\(project)/")
        let fields = [
            "id", "title", "description", "label_config", "expert_instruction", "show_instruction",
            "show_skip_button", "enable_empty_annotation", "show_annotation_history", "organization", "color",
            "maximum_annotations", "is_published", "model_version", "is_draft", "created_by", "created_at",
            "min_annotations_to_start_training", "start_training_on_annotation_update", "show_collab_predictions",
            "num_tasks_with_annotations", "task_number", "useful_annotation_number", "ground_truth_number",
            "skipped_annotations_number", "total_annotations_number", "total_predictions_number", "sampling",
            "show_ground_truth_first", "annotator_evaluation_enabled", "show_overlap_first",
            "overlap_cohort_percentage", "task_data_login", "task_data_password", "control_weights",
            "parsed_label_config", "evaluate_predictions_automatically", "config_has_control_tags", "skip_queue",
            "reveal_preannotations_interactively", "pinned_at", "finished_task_number", "queue_total", "queue_done",
            "config_suitable_for_bulk_annotation", "state",
        ]
        var keyOrder: [String] = []
        for match in (response.bodyText ?? "").matches(of: /"([a-z_]+)":/)
        where !keyOrder.contains(String(match.output.1)) {
            keyOrder.append(String(match.output.1))
        }
        #expect(keyOrder.filter { fields.contains($0) } == fields)
        let detail = try LabelStudioClient.json(response)
        #expect(Set(try #require(detail.objectValue).keys) == Set(fields))
        #expect(detail["state"] == .null && detail["annotator_evaluation_enabled"] == false)
        #expect(
            detail["control_weights"] == [
                "label": ["overall": 1.0, "type": "RectangleLabels", "labels": ["Car": 1.0, "Person": 1.0]]
            ])
        #expect(
            detail["parsed_label_config"]?["label"]?["inputs"] == [
                ["type": "Image", "valueType": nil, "value": "image"]
            ])
        let textDetail = try await client.get("/api/projects/\(text)/")
        #expect(
            textDetail["control_weights"]?["sentiment"]?["labels"] == [
                "Positive": 1.0, "Negative": 1.0, "Neutral": 1.0,
            ])
        let listed = try await client.get("/api/projects/?ids=\(project)")
        #expect(listed["results"]?[0] == detail)
    }

    @Test func projectPagesDefaultTo30AndCapAt100() async throws {
        for index in 0..<120 { simulator.seedDataset(named: "P\(index)", itemCount: 0) }
        #expect(try await client.get("/api/projects/")["results"]?.arrayValue?.count == 30)
        #expect(try await client.get("/api/projects/?page_size=500")["results"]?.arrayValue?.count == 100)
    }

    @Test func projectDetailHasCountsAndCreateMakesAnEmptyProject() async throws {
        let project = simulator.seedDataset(named: "Counts", itemCount: 250)
        let detail = try await client.get("/api/projects/\(project)/")
        #expect(detail["task_number"] == 250 && detail["total_predictions_number"] == 50)
        #expect(detail["parsed_label_config"]?["label"]?["type"] == "RectangleLabels")
        let created = try await client.send(
            .post, "/api/projects/", json: ["title": "Made", "label_config": "<View></View>"])
        #expect(created.status == 201)
        let body = try LabelStudioClient.json(created)
        #expect(body["title"] == "Made" && body["task_number"] == .null)
        let id = try #require(body["id"]?.intValue)
        #expect(try await client.get("/api/projects/\(id)")["task_number"] == 0)
        let long = try await client.send(
            .post, "/api/projects/", json: ["title": .string(String(repeating: "a", count: 2049))])
        #expect(
            try LabelStudioClient.json(long)["validation_errors"] == [
                "title": ["Ensure this field has no more than 2048 characters."]
            ])
    }
}
