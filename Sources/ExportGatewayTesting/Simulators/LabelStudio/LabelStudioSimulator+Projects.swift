import ExportGateway
import Foundation

extension LabelStudioSimulator {
    static let defaultProjectPageSize = 30
    static let maxProjectPageSize = 100

    /// `GET /api/projects/`: Django REST Framework's page-number envelope with absolute links,
    /// newest first; `title`, `ids` and `include` narrow it.
    func listProjects(_ request: SimulatedRequest) -> HTTPResponse {
        var projects = state.withLock { $0.projects }.sorted {
            $0.createdAt != $1.createdAt ? $0.createdAt > $1.createdAt : $0.id > $1.id
        }
        switch Self.query(request, "ordering") {
        case "id": projects.sort { $0.id < $1.id }
        case "-id": projects.sort { $0.id > $1.id }
        case "title": projects.sort { $0.title < $1.title }
        case "-title": projects.sort { $0.title > $1.title }
        default: break
        }
        if let title = Self.query(request, "title"), !title.isEmpty {
            projects = projects.filter { $0.title.range(of: title, options: .caseInsensitive) != nil }
        }
        if let ids = Self.query(request, "ids"), !ids.isEmpty {
            let wanted = Set(ids.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
            projects = projects.filter { wanted.contains($0.id) }
        }
        let included = Self.query(request, "include").map { Set($0.split(separator: ",").map(String.init)) }
        let size = Self.pageSize(request, default: Self.defaultProjectPageSize, cutoff: Self.maxProjectPageSize)
        let pages = Self.pageCount(projects.count, size: size)
        guard let page = Self.pageNumber(Self.query(request, "page"), pages: pages) else {
            return Self.envelope(404, Self.invalidPage)
        }
        let rows = projects.dropFirst((page - 1) * size).prefix(size).map { project in
            included.map { keep in projectJSON(project).filteringMembers { keep.contains($0) } } ?? projectJSON(project)
        }
        return Self.drf(
            200,
            [
                "count": .int(projects.count),
                "next": page < pages ? .string(pageLink(request, page: page + 1)) : nil,
                "previous": page > 1 ? .string(pageLink(request, page: page - 1)) : nil,
                "results": .array(rows),
            ])
    }

    /// How many pages `count` rows make at `size` a page (one, empty, when there are none),
    /// without overflowing for any size a client sends.
    static func pageCount(_ count: Int, size: Int) -> Int {
        count == 0 ? 1 : (count - 1) / size + 1
    }

    /// Django's paginator behind DRF's: a number from 1 to `pages` (read by Python's `int`;
    /// none or an empty one is 1), or `last`; anything else is no page.
    static func pageNumber(_ text: String?, pages: Int) -> Int? {
        guard let text, !text.isEmpty else { return 1 }
        if text == "last" { return pages }
        guard let number = pythonInt(text), number >= 1, number <= pages else { return nil }
        return number
    }

    /// DRF's `page_size`: a positive number by Python's `int`, at most `cutoff`; anything
    /// else (none, empty, zero, negative, not a number) is `default`.
    static func pageSize(_ request: SimulatedRequest, default size: Int, cutoff: Int? = nil) -> Int {
        guard let text = query(request, "page_size"), let asked = pythonInt(text), asked > 0 else { return size }
        return cutoff.map { min(asked, $0) } ?? asked
    }

    /// The absolute URL of another page, as DRF builds it: the request's query with `page`
    /// replaced (left out for page 1), sorted by name.
    func pageLink(_ request: SimulatedRequest, page: Int) -> String {
        var pairs = Self.queryPairs(request).filter { $0.0 != "page" }
        if page > 1 { pairs.append(("page", String(page))) }
        pairs.sort { $0.0 < $1.0 }
        var components = URLComponents()
        components.scheme = request.url.scheme
        components.host = request.url.host
        components.port = request.url.port
        components.percentEncodedPath = request.rawPath
        let query = Self.urlencode(pairs)
        return (components.string ?? request.url.absoluteString) + (query.isEmpty ? "" : "?" + query)
    }

    /// `GET /api/projects/{id}/`.
    func readProject(_ id: Int, user: User) -> HTTPResponse {
        guard let project = state.withLock({ $0.project(id) }) else { return Self.envelope(404, Self.noProject) }
        guard !user.removed else { return Self.envelope(403, Self.permissionDenied) }
        return Self.drf(200, projectJSON(project))
    }

    /// `POST /api/projects/`: a project with no tasks (counts `null` in the answer, as created).
    func createProject(_ request: SimulatedRequest) -> HTTPResponse {
        let body: [String: JSONValue]
        switch requestObject(request) {
        case .success(let object): body = object
        case .failure(let refusal): return refusal.response
        }
        var errors: [OrderedJSON.Member] = []
        func text(_ field: String, limit: Int?) -> String? {
            switch body[field] {
            case nil, .null?: return nil
            case .string(let value)? where limit.map({ value.count > $0 }) ?? false:
                errors.append(
                    .init(key: field, value: [.string("Ensure this field has no more than \(limit ?? 0) characters.")]))
            case .string(let value)?: return value
            case .int(let number)?: return String(number)
            case .double(let number)?: return "\(number)"
            default: errors.append(.init(key: field, value: ["Not a valid string."]))
            }
            return nil
        }
        let title = text("title", limit: 2048)
        let description = text("description", limit: nil)
        let config = text("label_config", limit: nil)
        guard errors.isEmpty else { return Self.validation(.object(errors)) }
        let project = state.withLock { state in
            let created = Project(
                id: state.projects.count + 1, title: title ?? "", description: description ?? "",
                kind: .custom(labelConfig: config ?? "<View></View>"), taskCount: 0, firstTaskID: state.nextTaskID,
                createdAt: host.time.now, createdBy: 1)
            state.projects.append(created)
            return created
        }
        var json = projectJSON(project)
        for counter in [
            "task_number", "num_tasks_with_annotations", "total_annotations_number", "total_predictions_number",
            "finished_task_number", "useful_annotation_number", "ground_truth_number", "skipped_annotations_number",
        ] {
            json = json.setting(counter, nil)
        }
        return Self.drf(201, json)
    }

    /// A project with the fields Label Studio 1.23.2's project serializer gives (46, in its
    /// order): `annotator_evaluation_enabled` and `state` among them, a weight of 1.0 per
    /// control and label in `control_weights`, `valueType` on every input of
    /// `parsed_label_config`. A project made by `POST /api/projects/` has neither parsed
    /// (the simulator reads no XML).
    func projectJSON(_ project: Project) -> OrderedJSON {
        let totals = LabelStudioFixtures.totals(of: project)
        let labeled = project.isSeeded ? totals.annotations : 0
        let control: (name: String, type: String, input: String, inputType: String, labels: [String])?
        switch project.kind {
        case .imageBoxes: control = ("label", "RectangleLabels", "image", "Image", LabelStudioFixtures.boxLabels)
        case .textChoices: control = ("sentiment", "Choices", "text", "Text", LabelStudioFixtures.sentiments)
        case .custom: control = nil
        case .annotatedImages: control = ("label", "RectangleLabels", "image", "Image", SeededAnnotations.classes)
        }
        var parsed: OrderedJSON = [:]
        var weights: OrderedJSON = [:]
        if let control {
            parsed = [
                control.name: [
                    "type": .string(control.type), "to_name": [.string(control.input)],
                    "inputs": [
                        ["type": .string(control.inputType), "valueType": nil, "value": .string(control.input)]
                    ],
                    "labels": .array(control.labels.map(OrderedJSON.string)),
                    "labels_attrs": .object(control.labels.map { .init(key: $0, value: ["value": .string($0)]) }),
                ]
            ]
            weights = [
                control.name: [
                    "overall": 1.0, "type": .string(control.type),
                    "labels": .object(control.labels.map { .init(key: $0, value: 1.0) }),
                ]
            ]
        }
        return [
            "id": .int(project.id), "title": .string(project.title), "description": .string(project.description),
            "label_config": .string(project.labelConfig), "expert_instruction": "", "show_instruction": false,
            "show_skip_button": true, "enable_empty_annotation": true, "show_annotation_history": false,
            "organization": 1, "color": "#FFFFFF", "maximum_annotations": 1, "is_published": false,
            "model_version": "", "is_draft": false,
            "created_by": ["id": 1, "first_name": "", "last_name": "", "email": "admin@example.com", "avatar": nil],
            "created_at": .string(LabelStudioFixtures.timestamp(project.createdAt)),
            "min_annotations_to_start_training": 0, "start_training_on_annotation_update": false,
            "show_collab_predictions": true, "num_tasks_with_annotations": .int(labeled + totals.skipped),
            "task_number": .int(project.taskCount), "useful_annotation_number": .int(totals.annotations),
            "ground_truth_number": 0, "skipped_annotations_number": .int(totals.skipped),
            "total_annotations_number": .int(totals.annotations + totals.skipped),
            "total_predictions_number": .int(totals.predictions), "sampling": "Sequential sampling",
            "show_ground_truth_first": false, "annotator_evaluation_enabled": false, "show_overlap_first": false,
            "overlap_cohort_percentage": 100, "task_data_login": nil, "task_data_password": nil,
            "control_weights": weights, "parsed_label_config": parsed, "evaluate_predictions_automatically": false,
            "config_has_control_tags": .bool(project.isSeeded), "skip_queue": "REQUEUE_FOR_OTHERS",
            "reveal_preannotations_interactively": false, "pinned_at": nil, "finished_task_number": .int(labeled),
            "queue_total": .int(project.taskCount), "queue_done": .int(labeled),
            "config_suitable_for_bulk_annotation": false, "state": nil,
        ]
    }
}
