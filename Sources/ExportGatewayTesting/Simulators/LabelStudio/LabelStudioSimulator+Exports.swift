import ExportGateway
import Foundation

extension LabelStudioSimulator {
    /// Label Studio's words for a scripted export's phases: `in_progress` from the first read
    /// (the row's `created` is never seen, even with Redis), no canceled state.
    static let scriptedWords = ScriptedWords(
        queued: nil, running: "in_progress", completed: "completed", failed: "failed", canceled: nil,
        hanging: "in_progress")

    /// The most exports the list route returns.
    static let maxListedExports = 100

    /// How long the work of an ordinary synchronous create takes, in simulated seconds (the
    /// real server needs 0.24–0.57 s for 250 tasks).
    static let snapshotWork: TimeInterval = 0.25

    /// One snapshot and where its script has taken it.
    struct ExportRecord {
        var id: Int
        var projectID: Int
        var title: String
        var createdBy: Int
        var createdAt: Date
        var finishedAt: Date?
        /// `in_progress`, `completed`, `failed`, or a scripted word.
        var status: String
        var md5 = ""
        var taskNumber: Int?
        /// The stored file, once completed.
        var file: Data?
        /// The stored file's name in `export/{project}/`.
        var fileName: String?
        var run: ScriptedRun
        /// A slow create's end: until then everyone but the creating request sees `in_progress`.
        var heldUntil: Date?
        var options: SnapshotOptions
        var conversions: [Conversion] = []

        var isTerminal: Bool { LabelStudioSimulator.scriptedWords.isFinished(status) }

        /// Whether, at `now`, the create is still working on it.
        func isHeld(at now: Date) -> Bool { heldUntil.map { now < $0 } ?? false }
    }

    /// One `converted_formats` entry.
    struct Conversion {
        var id: Int
        var exportType: String
        var status: String
    }

    /// What a create asked the snapshot to hold (protocol note, section 4.3).
    struct SnapshotOptions {
        enum Choice: String { case only, exclude }
        var annotated: Choice?
        var finished: Choice?
        var skipped: Choice?
        var onlyWithAnnotations = false
        /// `annotation_filter_options` as sent; `nil` keeps every annotation.
        var annotationFilter: (usual: Bool, groundTruth: Bool, skipped: Bool)?
        var expandCompletedBy = false
        var expandPredictions = false

        /// Whether the snapshot holds `task`.
        func holds(_ task: LabelStudioFixtures.Task) -> Bool {
            func passes(_ choice: Choice?, _ value: Bool) -> Bool {
                switch choice {
                case nil: true
                case .only: value
                case .exclude: !value
                }
            }
            return passes(annotated, task.isLabeled) && passes(finished, task.isLabeled)
                && passes(skipped, task.cancelledCount > 0) && (!onlyWithAnnotations || !task.annotations.isEmpty)
        }

        /// The annotations of `task` the snapshot keeps (seeded annotations are never ground truth).
        func annotations(of task: LabelStudioFixtures.Task) -> [LabelStudioFixtures.Mark] {
            // An OR of the flags that are true; with none true, no filter at all (mixins.py).
            guard let filter = annotationFilter, filter.usual || filter.groundTruth || filter.skipped else {
                return task.annotations
            }
            return task.annotations.filter { $0.wasCancelled ? filter.skipped : filter.usual }
        }
    }

    // MARK: Routes

    /// `POST /api/projects/{id}/exports/`: validates the optional body, then makes the
    /// snapshot inside the request (or, scripted, leaves it running).
    func createExport(_ projectID: Int, _ request: SimulatedRequest, user: User) -> (HTTPResponse, ResponseDelivery) {
        let body: [String: JSONValue]
        switch requestObject(request) {
        case .success(let object): body = object
        case .failure(let refusal): return (refusal.response, .whole)
        }
        let (options, title, errors) = Self.snapshotOptions(body)
        if let errors { return (Self.validation(errors), .whole) }
        let outcome: (record: ExportRecord, answeredAt: Date)? = state.withLock { state in
            guard let project = state.project(projectID) else { return nil }
            let started = host.time.now
            let id = state.nextExportID
            state.nextExportID += 1
            let run = ScriptedRun(next: &state.scripts, orCompletingAfter: pollsToComplete)
            // Read 0 is the create's own answer; the first status read is the first poll.
            let phase = ScriptedPhase(run.script, read: 0, words: Self.scriptedWords)
            var record = ExportRecord(
                id: id, projectID: projectID,
                title: title ?? "\(project.title.replacingOccurrences(of: " ", with: "-"))-at-"
                    + LabelStudioFixtures.minuteStamp(started),
                createdBy: user.id, createdAt: started, status: phase.word(in: Self.scriptedWords), run: run,
                options: options)
            var answeredAt = started
            switch phase {
            case .completed, .failed:
                // Synchronous: the work happens now. A slow create holds its answer for
                // `createDuration` (see ResponseDelivery.held); an ordinary one takes a moment.
                let finished: Date
                if createDuration > 0 {
                    finished = started.addingTimeInterval(createDuration)
                    record.heldUntil = finished
                } else {
                    finished = host.time.advance(by: Self.snapshotWork)
                }
                answeredAt = finished
                if case .completed = phase {
                    complete(&record, project: project, at: finished, in: &state)
                } else {
                    record.status = "failed"
                    record.finishedAt = finished
                }
            case .queued, .running, .canceled, .reporting:
                break
            }
            state.exports.append(record)
            return (record, answeredAt)
        }
        guard let outcome else { return (Self.envelope(404, Self.noProject), .whole) }
        var json = exportJSON(outcome.record, at: outcome.answeredAt)
        for field in ["task_filter_options", "annotation_filter_options", "serialization_options"] {
            json = json.setting(field, nil)
        }
        let delivery: ResponseDelivery = outcome.record.heldUntil == nil ? .whole : .held(for: .seconds(createDuration))
        return (Self.drf(201, json), delivery)
    }

    /// `GET /api/projects/{id}/exports/`: a bare array, newest first, at most 100; paging
    /// parameters are ignored.
    func listExports(_ projectID: Int) -> HTTPResponse {
        let now = host.time.now
        let listed: [OrderedJSON]? = state.withLock { state in
            guard state.project(projectID) != nil else { return nil }
            return state.exports.filter { $0.projectID == projectID }
                .sorted { $0.createdAt != $1.createdAt ? $0.createdAt > $1.createdAt : $0.id > $1.id }
                .prefix(Self.maxListedExports).map { exportJSON($0, at: now) }
        }
        guard let listed else { return Self.envelope(404, Self.noProject) }
        return Self.drf(200, .array(listed))
    }

    /// `GET /api/projects/{id}/exports/{eid}`: one export; each read is a poll that moves a
    /// scripted export along. Unknown or another project's: 404 (the HTML page).
    func readExport(_ projectID: Int, _ exportID: Int, user: User) -> HTTPResponse {
        let now = host.time.now
        let read: OrderedJSON?? = state.withLock { state in
            guard let project = state.project(projectID),
                let index = state.exports.firstIndex(where: { $0.id == exportID && $0.projectID == projectID })
            else { return nil }
            guard !user.removed else { return .some(nil) }
            var record = state.exports[index]
            if !record.isTerminal && !record.isHeld(at: now) {
                let phase = record.run.read(in: Self.scriptedWords)
                switch phase {
                case .completed: complete(&record, project: project, at: now, in: &state)
                case .failed:
                    record.status = "failed"
                    record.finishedAt = now
                case .queued, .running, .canceled, .reporting:
                    record.status = phase.word(in: Self.scriptedWords)
                }
                state.exports[index] = record
            }
            return .some(exportJSON(record, at: now))
        }
        switch read {
        case nil: return Self.envelope(404, "Not found.")
        case .some(nil): return Self.envelope(403, Self.permissionDenied)
        case .some(let json?): return Self.drf(200, json)
        }
    }

    /// `DELETE /api/projects/{id}/exports/{eid}`: 204 with `Content-Length: 0`, even while it
    /// runs; again, 404.
    func deleteExport(_ projectID: Int, _ exportID: Int, user: User) -> HTTPResponse {
        let outcome: Int = state.withLock { state in
            guard let index = state.exports.firstIndex(where: { $0.id == exportID && $0.projectID == projectID }) else {
                return 404
            }
            guard !user.removed else { return 403 }
            state.exports.remove(at: index)
            return 204
        }
        switch outcome {
        // Django sends `Content-Length: 0` even on a 204.
        case 204: return HTTPResponse(status: 204, headers: ["Content-Length": "0"])
        case 403: return Self.envelope(403, Self.permissionDenied)
        default: return Self.envelope(404, "Not found.")
        }
    }

    // MARK: Snapshot

    /// Writes the snapshot file and fills in the completed fields; the caller holds the lock.
    func complete(_ record: inout ExportRecord, project: Project, at finished: Date, in state: inout State) {
        var file = Data("[".utf8)
        var count = 0
        for index in 0..<project.taskCount {
            let task = LabelStudioFixtures.task(index, of: project)
            guard record.options.holds(task) else { continue }
            if count > 0 { file.append(contentsOf: Array(", ".utf8)) }
            file.append(
                LabelStudioFixtures.exportJSON(
                    task, annotations: record.options.annotations(of: task),
                    expandUser: record.options.expandCompletedBy, expandPredictions: record.options.expandPredictions
                ).written(.python))
            count += 1
        }
        file.append(UInt8(ascii: "]"))
        let md5 = MD5.hex(file)
        var name = "project-\(project.id)-at-\(LabelStudioFixtures.minuteStamp(record.createdAt))-\(md5.prefix(8))"
        // Storage keeps both files of a clash, the second with 7 random characters appended.
        if state.exports.contains(where: { $0.projectID == project.id && $0.fileName == name + ".json" }) {
            var generator = SplitMix64(seed: UInt64(record.id) &* 0x7F4A_7C15)
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            name += "_" + String((0..<7).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        }
        record.status = "completed"
        record.finishedAt = finished
        record.md5 = md5
        record.taskNumber = count
        record.file = file
        record.fileName = name + ".json"
    }

    /// The export object as seen at `now` (§4.1): `finished_at`, `md5` and `counters` empty
    /// until it finished; a slow create's export is `in_progress` for everyone until it ends.
    func exportJSON(_ record: ExportRecord, at now: Date) -> OrderedJSON {
        let held = record.isHeld(at: now)
        let createdBy: OrderedJSON =
            record.createdBy == 1
            ? ["id": 1, "first_name": "", "last_name": "", "email": "admin@example.com", "avatar": nil]
            : [
                "id": .int(record.createdBy), "first_name": "Deleted", "last_name": "User", "email": "Deleted",
                "avatar": nil, "username": "Deleted",
            ]
        let counters: OrderedJSON =
            !held && record.status == "completed" ? ["task_number": .int(record.taskNumber ?? 0)] : [:]
        return [
            "title": .string(record.title), "id": .int(record.id), "created_by": createdBy,
            "created_at": .string(LabelStudioFixtures.timestamp(record.createdAt)),
            "finished_at": held ? nil : .string(record.finishedAt.map(LabelStudioFixtures.timestamp)),
            "status": .string(held ? "in_progress" : record.status), "md5": .string(held ? "" : record.md5),
            "counters": counters,
            "converted_formats": .array(
                record.conversions.map { conversion in
                    [
                        "id": .int(conversion.id), "status": .string(conversion.status),
                        "export_type": .string(conversion.exportType), "traceback": nil,
                    ]
                }),
        ]
    }

    // MARK: Validation

    /// The create body's fields (§4.3) with Django REST Framework's messages: the options, a
    /// title when one was sent, and the field errors (`nil` when there are none). Unknown
    /// keys are ignored.
    static func snapshotOptions(_ body: [String: JSONValue]) -> (SnapshotOptions, String?, OrderedJSON?) {
        var options = SnapshotOptions()
        var errors: [OrderedJSON.Member] = []
        var title: String?
        switch body["title"] {
        case nil: break
        case .null?: errors.append(.init(key: "title", value: ["This field may not be null."]))
        case .string(let text)? where text.count > 2048:
            errors.append(.init(key: "title", value: ["Ensure this field has no more than 2048 characters."]))
        case .string(let text)?: title = text.isEmpty ? nil : text
        case .int(let number)?: title = String(number)
        case .double(let number)?: title = "\(number)"
        case .bool?, .array?, .object?: errors.append(.init(key: "title", value: ["Not a valid string."]))
        }

        func object(
            _ field: String, in fields: [String: JSONValue], into errors: inout [OrderedJSON.Member],
            _ read: ([String: JSONValue], inout [OrderedJSON.Member]) -> Void
        ) {
            switch fields[field] {
            case nil: return
            case .null?: errors.append(.init(key: field, value: ["This field may not be null."]))
            case .object(let members)?:
                var nested: [OrderedJSON.Member] = []
                read(members, &nested)
                if !nested.isEmpty { errors.append(.init(key: field, value: .object(nested))) }
            case let other?:
                errors.append(
                    .init(
                        key: field,
                        value: [
                            "non_field_errors": [
                                .string("Invalid data. Expected a dictionary, but got \(other.pythonTypeName).")
                            ]
                        ]))
            }
        }
        /// A `BooleanField`; `nullable` ones (`allow_null=True`) read `null` as false.
        func flag(
            _ field: String, in fields: [String: JSONValue], nullable: Bool = false,
            _ errors: inout [OrderedJSON.Member]
        ) -> Bool? {
            switch fields[field] {
            case nil: return nil
            case .null? where nullable: return false
            case .null?:
                errors.append(.init(key: field, value: ["This field may not be null."]))
                return nil
            case let value?:
                guard let parsed = boolean(value) else {
                    errors.append(.init(key: field, value: ["Must be a valid boolean."]))
                    return nil
                }
                return parsed
            }
        }
        func choice(
            _ field: String, in fields: [String: JSONValue], _ errors: inout [OrderedJSON.Member]
        )
            -> SnapshotOptions.Choice?
        {
            switch fields[field] {
            case nil, .null?: return nil
            case .string(let text)? where SnapshotOptions.Choice(rawValue: text) != nil:
                return SnapshotOptions.Choice(rawValue: text)
            case let value?:
                errors.append(.init(key: field, value: [.string("\"\(pythonString(value))\" is not a valid choice.")]))
                return nil
            }
        }

        object("task_filter_options", in: body, into: &errors) { fields, errors in
            switch fields["view"] {
            case nil, .int?: break
            case .null?: errors.append(.init(key: "view", value: ["This field may not be null."]))
            case .string(let text)? where Int(text) != nil: break
            default: errors.append(.init(key: "view", value: ["A valid integer is required."]))
            }
            options.annotated = choice("annotated", in: fields, &errors)
            options.finished = choice("finished", in: fields, &errors)
            options.skipped = choice("skipped", in: fields, &errors)
            options.onlyWithAnnotations = flag("only_with_annotations", in: fields, &errors) ?? false
        }
        object("annotation_filter_options", in: body, into: &errors) { fields, errors in
            // Once the object is sent, `usual` defaults to true and the others to false.
            options.annotationFilter = (
                usual: flag("usual", in: fields, nullable: true, &errors) ?? true,
                groundTruth: flag("ground_truth", in: fields, nullable: true, &errors) ?? false,
                skipped: flag("skipped", in: fields, nullable: true, &errors) ?? false
            )
        }
        object("serialization_options", in: body, into: &errors) { fields, errors in
            for field in ["drafts", "predictions", "annotations__completed_by"] {
                object(field, in: fields, into: &errors) { members, errors in
                    // `only_id` defaults to false: an option sent as `{}` expands.
                    let onlyID = flag("only_id", in: members, &errors) ?? false
                    if field == "predictions" { options.expandPredictions = !onlyID }
                    if field == "annotations__completed_by" { options.expandCompletedBy = !onlyID }
                }
            }
            _ = flag("include_annotation_history", in: fields, &errors)
            _ = flag("interpolate_key_frames", in: fields, &errors)
        }
        return (options, title, errors.isEmpty ? nil : .object(errors))
    }
}
