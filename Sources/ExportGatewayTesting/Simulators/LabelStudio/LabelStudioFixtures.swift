import ExportGateway
import Foundation

/// Seeded tasks, computed from their project and index, never stored: an image project's
/// boxes (percent of the image, with `original_width`/`original_height`) or a text project's
/// sentiment choice, with the annotations and predictions Label Studio keeps for them.
///
/// Task `index` of a project: annotated when `index % 5 < 2` (the annotation skipped, that
/// is `was_cancelled`, when `index % 50 == 1`), predicted when `index % 10` is 1 or 2,
/// otherwise neither. 250 tasks give 100 annotations (5 skipped) and 50 predictions.
enum LabelStudioFixtures {
    static let imageConfig =
        "<View><Image name=\"image\" value=\"$image\"/><RectangleLabels name=\"label\" toName=\"image\">"
        + "<Label value=\"Car\"/><Label value=\"Person\"/></RectangleLabels></View>"
    static let textConfig =
        "<View><Text name=\"text\" value=\"$text\"/><Choices name=\"sentiment\" toName=\"text\" choice=\"single\">"
        + "<Choice value=\"Positive\"/><Choice value=\"Negative\"/><Choice value=\"Neutral\"/></Choices></View>"
    static let boxLabels = ["Car", "Person"]
    static let sentiments = ["Positive", "Negative", "Neutral"]
    private static let sentences = [
        "The delivery was quick and the package arrived intact.",
        "Support never answered my question.",
        "It works as described, nothing more.",
        "Great value for the price, would buy again.",
        "The screen cracked on the second day.",
    ]

    /// One annotation (or prediction) of a task.
    struct Mark {
        var id: Int
        var result: [OrderedJSON]
        var wasCancelled: Bool
        var createdAt: Date
        var leadTime: Double
        var score: Double
    }

    /// Everything Label Studio stores about one task.
    struct Task {
        var id: Int
        var index: Int
        var project: LabelStudioSimulator.Project
        var data: OrderedJSON
        var annotations: [Mark]
        var predictions: [Mark]
        var createdAt: Date
        var updatedAt: Date

        var isLabeled: Bool { annotations.contains { !$0.wasCancelled } }
        var cancelledCount: Int { annotations.filter(\.wasCancelled).count }
        var completedCount: Int { annotations.count - cancelledCount }
    }

    static func hasAnnotation(_ index: Int, in project: LabelStudioSimulator.Project) -> Bool {
        project.isSeeded && index % 5 < 2
    }
    static func isSkipped(_ index: Int) -> Bool { index % 50 == 1 }
    static func hasPrediction(_ index: Int, in project: LabelStudioSimulator.Project) -> Bool {
        project.isSeeded && (index % 10 == 1 || index % 10 == 2)
    }

    /// How many non-skipped annotations and predictions a project's tasks hold together.
    static func totals(of project: LabelStudioSimulator.Project) -> (annotations: Int, skipped: Int, predictions: Int) {
        if case .annotatedImages = project.kind { return annotatedTotals(of: project) }
        guard project.isSeeded else { return (0, 0, 0) }
        let count = project.taskCount
        func matching(_ modulus: Int, _ residues: [Int]) -> Int {
            residues.reduce(0) { total, residue in total + (count > residue ? (count - residue - 1) / modulus + 1 : 0) }
        }
        let annotated = matching(5, [0, 1]), skipped = matching(50, [1])
        return (annotated - skipped, skipped, matching(10, [1, 2]))
    }

    /// Task `index` of `project`.
    static func task(_ index: Int, of project: LabelStudioSimulator.Project) -> Task {
        if case .annotatedImages = project.kind { return annotatedTask(index, of: project) }
        let id = project.firstTaskID + index
        let created = project.createdAt.addingTimeInterval(1 + Double(index) * 0.001_237)
        let marked = project.createdAt.addingTimeInterval(3_600 + Double(index) + 0.125_5)
        var annotations: [Mark] = []
        if hasAnnotation(index, in: project) {
            let skipped = isSkipped(index)
            annotations.append(
                Mark(
                    id: id, result: skipped ? [] : result(index, of: project, origin: "manual"), wasCancelled: skipped,
                    createdAt: marked, leadTime: 1.5 + Double(index % 7), score: 0))
        }
        var predictions: [Mark] = []
        if hasPrediction(index, in: project) {
            predictions.append(
                Mark(
                    id: id, result: result(index + 1, of: project, origin: "prediction"), wasCancelled: false,
                    createdAt: created.addingTimeInterval(0.5), leadTime: 0, score: 0.5 + Double(index % 50) / 100))
        }
        let data: OrderedJSON
        switch project.kind {
        case .imageBoxes:
            data = ["image": .string(imageURL(index)), "seq": .int(index)]
        case .textChoices, .custom, .annotatedImages:
            data = ["text": .string("Review \(index): \(sentences[index % sentences.count])"), "seq": .int(index)]
        }
        return Task(
            id: id, index: index, project: project, data: data, annotations: annotations, predictions: predictions,
            createdAt: created, updatedAt: annotations.isEmpty ? created.addingTimeInterval(0.000_038) : marked)
    }

    static func imageURL(_ index: Int) -> String {
        "https://images.example.invalid/img_\(String(format: "%05d", index)).jpg"
    }

    /// The result of the annotation (or prediction) made for task `index`.
    private static func result(_ index: Int, of project: LabelStudioSimulator.Project, origin: String) -> [OrderedJSON]
    {
        switch project.kind {
        case .imageBoxes:
            let (width, height) = index % 3 == 0 ? (1280, 720) : (640, 480)
            return (0..<(1 + index % 3)).map { n in
                let value: OrderedJSON = [
                    "x": .double(Double((index * 37 + n * 131) % 700) / 10),
                    "y": .double(Double((index * 53 + n * 71) % 600) / 10),
                    "width": .double(Double(50 + (index * 7 + n * 13) % 250) / 10),
                    "height": .double(Double(50 + (index * 11 + n * 17) % 350) / 10),
                    "rotation": 0, "rectanglelabels": [.string(boxLabels[(index + n) % boxLabels.count])],
                ]
                return [
                    "original_width": .int(width), "original_height": .int(height), "image_rotation": 0,
                    "value": value, "id": .string(resultID(index, n)), "from_name": "label", "to_name": "image",
                    "type": "rectanglelabels", "origin": .string(origin),
                ]
            }
        case .textChoices, .custom, .annotatedImages:
            return [
                [
                    "value": ["choices": [.string(sentiments[index % sentiments.count])]],
                    "id": .string(resultID(index, 0)), "from_name": "sentiment", "to_name": "text", "type": "choices",
                    "origin": .string(origin),
                ]
            ]
        }
    }

    /// A result region's id: 10 characters of the editor's alphabet, fixed by task and region.
    private static func resultID(_ index: Int, _ region: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        var generator = SplitMix64(seed: UInt64(index) << 8 | UInt64(region))
        return String((0..<10).map { _ in alphabet[Int(generator.next() % 64)] })
    }

    // MARK: JSON shapes

    /// The owner as an annotation's expanded `completed_by`.
    static let owner: OrderedJSON = [
        "id": 1, "first_name": "", "last_name": "", "avatar": nil, "email": "admin@example.com", "initials": "ad",
    ]

    /// An annotation as the task API shows it.
    static func annotationJSON(_ mark: Mark, of task: Task, expandedUser: Bool) -> OrderedJSON {
        [
            "id": .int(mark.id), "result": .array(mark.result), "created_username": " admin@example.com, 1",
            "created_ago": createdAgo, "completed_by": expandedUser ? owner : 1,
            "was_cancelled": .bool(mark.wasCancelled), "ground_truth": false,
            "created_at": .string(timestamp(mark.createdAt)), "updated_at": .string(timestamp(mark.createdAt)),
            "draft_created_at": nil, "lead_time": .double(mark.leadTime), "import_id": nil, "last_action": nil,
            "bulk_created": false, "task": .int(task.id), "project": .int(task.project.id), "updated_by": nil,
            "parent_prediction": nil, "parent_annotation": nil, "last_created_by": nil,
        ]
    }

    /// Django's `timesince`, which joins number and unit with a no-break space.
    static let createdAgo: OrderedJSON = "0\u{A0}minutes"

    /// A prediction as the task API (and an export with `predictions.only_id: false`) shows it.
    static func predictionJSON(_ mark: Mark, of task: Task) -> OrderedJSON {
        [
            "id": .int(mark.id), "result": .array(mark.result), "model_version": "yolo-v1", "created_ago": createdAgo,
            "score": .double(mark.score), "cluster": nil, "neighbors": nil, "mislabeling": 0.0,
            "created_at": .string(timestamp(mark.createdAt)), "updated_at": .string(timestamp(mark.createdAt)),
            "model": nil, "model_run": nil, "task": .int(task.id), "project": .int(task.project.id),
        ]
    }

    /// A task as `GET /api/tasks/` lists it (25 fields); with `fields=all` or as
    /// `GET /api/tasks/{id}/` shows it, 31, the annotations and predictions inline.
    static func taskJSON(_ task: Task, full: Bool, expandedUser: Bool = false) -> OrderedJSON {
        let completed = task.annotations.filter { !$0.wasCancelled }
        var members: [(String, OrderedJSON)] = [("id", .int(task.id))]
        if full {
            members += [
                ("predictions", .array(task.predictions.map { predictionJSON($0, of: task) })),
                (
                    "annotations",
                    .array(task.annotations.map { annotationJSON($0, of: task, expandedUser: expandedUser) })
                ),
            ]
        }
        members += [
            ("drafts", []), ("annotators", full && !task.annotations.isEmpty ? [1] : []),
            ("inner_id", .int(task.index + 1)), ("cancelled_annotations", .int(task.cancelledCount)),
            ("total_annotations", .int(task.completedCount)), ("total_predictions", .int(task.predictions.count)),
        ]
        if full {
            members.append(("completed_at", task.isLabeled ? .string(timestamp(task.updatedAt)) : nil))
        }
        members += [
            ("annotations_results", ""), ("predictions_results", ""),
        ]
        if full {
            members.append(("predictions_score", task.predictions.first.map { .double($0.score) } ?? nil))
        }
        members += [
            ("file_upload", nil), ("storage_filename", nil),
            ("annotations_ids", full ? .string(task.annotations.map { String($0.id) }.joined(separator: ", ")) : ""),
            ("predictions_model_versions", full && !task.predictions.isEmpty ? "yolo-v1" : ""),
        ]
        if full {
            members += [
                ("avg_lead_time", completed.first.map { .double($0.leadTime) } ?? nil), ("draft_exists", false),
            ]
        }
        members += [
            ("updated_by", []), ("data", task.data), ("meta", [:]),
            ("created_at", .string(timestamp(task.createdAt))), ("updated_at", .string(timestamp(task.updatedAt))),
            ("is_labeled", .bool(task.isLabeled)), ("overlap", 1), ("comment_count", 0),
            ("unresolved_comment_count", 0), ("last_comment_updated_at", nil), ("project", .int(task.project.id)),
            ("comment_authors", []),
        ]
        return .object(members.map { OrderedJSON.Member(key: $0.0, value: $0.1) })
    }

    /// A task as `GET /api/projects/{id}/tasks/` lists it (`TaskSimpleSerializer`): the
    /// model's fields but `allow_skip`, then annotations and predictions in full.
    static func simpleTaskJSON(_ task: Task) -> OrderedJSON {
        [
            "id": .int(task.id), "data": task.data, "meta": [:], "created_at": .string(timestamp(task.createdAt)),
            "updated_at": .string(timestamp(task.updatedAt)), "is_labeled": .bool(task.isLabeled), "overlap": 1,
            "inner_id": .int(task.index + 1), "total_annotations": .int(task.completedCount),
            "cancelled_annotations": .int(task.cancelledCount), "total_predictions": .int(task.predictions.count),
            "comment_count": 0, "unresolved_comment_count": 0, "last_comment_updated_at": nil,
            "project": .int(task.project.id), "updated_by": nil, "file_upload": nil, "comment_authors": [],
            "annotations": .array(task.annotations.map { annotationJSON($0, of: task, expandedUser: false) }),
            "predictions": .array(task.predictions.map { predictionJSON($0, of: task) }),
        ]
    }

    /// A task as a snapshot file holds it, with `annotations` (those `keep` accepts) and
    /// predictions (ids only unless `expandPredictions`).
    static func exportJSON(
        _ task: Task, annotations: [Mark], expandUser: Bool, expandPredictions: Bool
    ) -> OrderedJSON {
        let user: OrderedJSON =
            expandUser ? ["id": 1, "email": "admin@example.com", "first_name": "", "last_name": ""] : 1
        return [
            "id": .int(task.id),
            "annotations": .array(
                annotations.map { mark in
                    [
                        "id": .int(mark.id), "completed_by": user, "result": .array(mark.result),
                        "was_cancelled": .bool(mark.wasCancelled), "ground_truth": false,
                        "created_at": .string(timestamp(mark.createdAt)),
                        "updated_at": .string(timestamp(mark.createdAt)), "draft_created_at": nil,
                        "lead_time": .double(mark.leadTime), "prediction": [:], "result_count": .int(mark.result.count),
                        "unique_id": .string(SimulatedID.uuid(namespace: 0x1AB0_0000, index: mark.id)),
                        "import_id": nil, "last_action": nil, "bulk_created": false, "task": .int(task.id),
                        "project": .int(task.project.id), "updated_by": nil, "parent_prediction": nil,
                        "parent_annotation": nil, "last_created_by": nil,
                    ]
                }),
            "drafts": [],
            "predictions": .array(
                task.predictions.map { expandPredictions ? predictionJSON($0, of: task) : .int($0.id) }),
            "data": task.data, "meta": [:], "created_at": .string(timestamp(task.createdAt)),
            "updated_at": .string(timestamp(task.updatedAt)), "allow_skip": true, "inner_id": .int(task.index + 1),
            "total_annotations": .int(task.completedCount), "cancelled_annotations": .int(task.cancelledCount),
            "total_predictions": .int(task.predictions.count), "comment_count": 0, "unresolved_comment_count": 0,
            "last_comment_updated_at": nil, "project": .int(task.project.id), "updated_by": nil,
            "comment_authors": [],
        ]
    }

    // MARK: Time

    /// `date` as Django REST Framework writes it: ISO 8601 in UTC with `Z`, microseconds
    /// unless there are none (Python's `isoformat` then leaves them out).
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = seconds.rounded(.down)
        var micros = Int(((seconds - whole) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            whole += 1
            micros -= 1_000_000
        }
        let parts = utc.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: whole))
        let text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0)
        return micros == 0 ? text + "Z" : text + String(format: ".%06dZ", micros)
    }

    /// `date` to the minute, `YYYY-MM-DD-HH-MM`, as export titles and file names carry it.
    static func minuteStamp(_ date: Date) -> String {
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%04d-%02d-%02d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0)
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()
}

extension LabelStudioSimulator.Project {
    /// Whether its tasks carry the seeded annotations and predictions (a project made by
    /// `POST /api/projects/` has no tasks to carry them).
    var isSeeded: Bool {
        if case .custom = kind { false } else { true }
    }

    /// The project's label config.
    var labelConfig: String {
        switch kind {
        case .imageBoxes: LabelStudioFixtures.imageConfig
        case .textChoices: LabelStudioFixtures.textConfig
        case .custom(let config): config
        case .annotatedImages: LabelStudioFixtures.annotatedConfig
        }
    }
}
