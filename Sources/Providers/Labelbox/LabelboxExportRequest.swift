import ExportGateway
import Foundation

/// Turns a normalized ``ExportRequest`` into Labelbox's export mutation and its `input`,
/// checking locally every rule the SDK checks (and the ones it forgets), so a bad request
/// fails with `invalidRequest` naming the field before anything is sent.
///
/// Normalized fields: `filters.itemIDs` (data row ids) and `filters.activity` (last activity
/// time). Everything else Labelbox offers goes through `providerOptions`, under the SDK's own
/// names: the include flags (`attachments`, `embeddings`, `metadata_fields`,
/// `data_row_details`, `project_details`, `performance_details`, `label_details`,
/// `interpolated_frames`, and for datasets `predictions`, `project_ids`, `model_run_ids`,
/// `all_projects`, `all_model_runs`), `media_type_override`, and the filters
/// `last_activity_at`, `label_created_at`, `data_row_ids`, `global_keys`, and for projects
/// `batch_ids` and `workflow_status`.
struct LabelboxExportRequest {
    /// The mutation.
    var mutation: LabelboxGraphQL.Mutation
    /// The mutation's `input` variable.
    var input: JSONValue

    static let flagParams: [(option: String, wire: String)] = [
        ("attachments", "includeAttachments"), ("embeddings", "includeEmbeddings"),
        ("metadata_fields", "includeMetadata"), ("data_row_details", "includeDataRowDetails"),
        ("project_details", "includeProjectDetails"), ("performance_details", "includePerformanceDetails"),
        ("label_details", "includeLabelDetails"), ("interpolated_frames", "includeInterpolatedFrames"),
    ]
    static let datasetFlagParams: [(option: String, wire: String)] = [
        ("predictions", "includePredictions"), ("all_projects", "allProjects"), ("all_model_runs", "allModelRuns"),
    ]
    static let datasetListParams: [(option: String, wire: String)] = [
        ("project_ids", "projectIds"), ("model_run_ids", "modelRunIds"),
    ]
    static let mediaTypes: Set<String> = [
        "IMAGE", "VIDEO", "TEXT", "PDF", "AUDIO", "CONVERSATIONAL", "HTML", "TMS_GEO", "TMS_SIMPLE", "POINT_CLOUD",
        "LLM",
        "UNKNOWN", "UNSUPPORTED",
    ]
    static let workflowStatuses = ["ToLabel", "InReview", "InRework", "Done"]
    static let dateFilters: [(option: String, wire: String)] = [
        ("last_activity_at", "data_row_last_activity_at"), ("label_created_at", "labeled_at"),
    ]
    static let idFilters: [(option: String, wire: String)] = [
        ("data_row_ids", "data_row_id"), ("global_keys", "global_key"), ("batch_ids", "batch"),
    ]

    /// Every `providerOptions` key Labelbox honors.
    static let optionKeys: Set<String> = Set(
        (flagParams + datasetFlagParams + datasetListParams + dateFilters + idFilters).map(\.option)
            + ["media_type_override", "workflow_status"])

    /// The most ids one id filter may hold.
    static let maxIDs = 2000
    /// The most project or model run ids a dataset export may name.
    static let maxRelatedIDs = 30

    /// Builds the mutation; `timezone` is asked for only when a plain date filter needs
    /// the user's profile timezone.
    static func make(
        _ request: ExportRequest, timezone: () async throws -> String
    ) async throws -> LabelboxExportRequest {
        try checkSupported(request)
        // JSON null means "not set" for a known key (an unknown key was refused above, null or not).
        let options = request.providerOptions.filter { !$0.value.isNull }
        var errors = FieldErrors()
        let isProject: Bool
        let sourceID: String
        switch request.source {
        case .project(let id):
            isProject = true
            sourceID = id
        case .dataset(let dataset):
            isProject = false
            sourceID = dataset.rawValue
        }
        if sourceID.trimmingCharacters(in: .whitespaces).isEmpty {
            errors.add("source", "needs a Labelbox \(isProject ? "project" : "dataset") id")
        }
        if let name = request.name, name.trimmingCharacters(in: .whitespaces).isEmpty {
            errors.add("name", "must not be empty; leave it out for Labelbox's default task name")
        }
        let scopeOnly =
            isProject
            ? datasetFlagParams.map(\.option) + datasetListParams.map(\.option) : ["batch_ids", "workflow_status"]
        for key in scopeOnly where options[key] != nil {
            errors.add("providerOptions.\(key)", "applies to \(isProject ? "dataset" : "project") exports only")
        }

        var query: [JSONValue] = []
        var needsTimezone = false
        var dates: [(wire: String, DateFilter)] = []
        if let activity = request.filters.activity {
            if options["last_activity_at"] != nil {
                errors.add(
                    "filters.activity", "give the activity range once: here or in providerOptions.last_activity_at")
            }
            dates.append(("data_row_last_activity_at", DateFilter(interval: activity)))
        }
        for (option, wire) in dateFilters {
            guard let value = options[option] else { continue }
            do {
                if let filter = try DateFilter(option: value) {
                    needsTimezone = needsTimezone || filter.needsUserTimezone
                    dates.append((wire, filter))
                }
            } catch let problem as DateFilter.Problem {
                errors.add("providerOptions.\(option)", problem.message)
            }
        }
        var ids: [String: [String]] = [:]
        if let itemIDs = request.filters.itemIDs {
            if options["data_row_ids"] != nil {
                errors.add("filters.itemIDs", "give data row ids once: here or in providerOptions.data_row_ids")
            }
            ids["data_row_ids"] = itemIDs.map(\.rawValue)
        }
        for (option, _) in idFilters {
            guard let value = options[option] else { continue }
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                errors.add("providerOptions.\(option)", "expects a list of id strings")
                continue
            }
            ids[option] = list.compactMap(\.stringValue)
        }
        for (option, list) in ids {
            let field =
                option == "data_row_ids" && request.filters.itemIDs != nil
                ? "filters.itemIDs" : "providerOptions.\(option)"
            if list.isEmpty { errors.add(field, "expects a non-empty list") }
            if list.count > maxIDs {
                errors.add(field, "holds \(list.count) ids; Labelbox takes at most \(maxIDs) per export")
            }
        }
        if ids["data_row_ids"] != nil, ids["global_keys"] != nil {
            errors.add("providerOptions.global_keys", "cannot be combined with data row ids; give one or the other")
        }
        var workflow: String?
        if let value = options["workflow_status"] {
            if let word = value.stringValue, workflowStatuses.contains(word) {
                workflow = word
            } else if value.stringValue != "" {
                errors.add(
                    "providerOptions.workflow_status", "must be one of \(workflowStatuses.joined(separator: ", "))")
            }
        }
        let params = makeParams(options, isProject: isProject, errors: &errors)
        try errors.throwIfAny()

        let zone = needsTimezone ? try await timezone() : "UTC"
        for (wire, filter) in dates {
            if let object = filter.searchFilter(type: wire, userTimezone: zone) { query.append(object) }
        }
        for (option, wire) in idFilters {
            guard let list = ids[option] else { continue }
            query.append(["ids": .array(list.map(JSONValue.string)), "operator": "is", "type": .string(wire)])
        }
        if let workflow {
            query.append(
                workflow == "ToLabel"
                    ? ["type": "task_queue_not_exist"] : ["type": "task_queue_status", "status": .string(workflow)])
        }
        let taskName: JSONValue = request.name.map(JSONValue.string) ?? .null
        if isProject {
            return LabelboxExportRequest(
                mutation: LabelboxGraphQL.exportProject,
                input: [
                    "taskName": taskName, "isStreamableReady": true,
                    "filters": [
                        "projectId": .string(sourceID), "searchQuery": ["scope": .null, "query": .array(query)],
                    ],
                    "params": .object(params), "streamable": true,
                ])
        }
        query.append(["ids": [.string(sourceID)], "operator": "is", "type": "dataset"])
        return LabelboxExportRequest(
            mutation: LabelboxGraphQL.exportCatalog,
            input: [
                "taskName": taskName, "isStreamableReady": true,
                "filters": ["searchQuery": ["scope": .null, "query": .array(query)]],
                "params": .object(params), "streamable": true,
            ])
    }

    /// Refuses, by name, what Labelbox cannot honor at all (the gateway has already refused
    /// the filters it does not declare).
    private static func checkSupported(_ request: ExportRequest) throws {
        if let format = request.format, format != .ndjson, format != .native {
            throw unsupported(
                "format \(format.rawValue)",
                "Labelbox exports only NDJSON data rows; leave `format` out or use .ndjson.")
        }
        if request.includeMedia != nil {
            throw unsupported(
                "includeMedia", "Labelbox exports link media by URL (data_row.row_data) and never include the files.")
        }
        if let option = request.providerOptions.keys.sorted().first(where: { !optionKeys.contains($0) }) {
            throw unsupported(
                "providerOptions.\(option)", "Known options: \(optionKeys.sorted().joined(separator: ", ")).")
        }
    }

    private static func makeParams(
        _ options: [String: JSONValue], isProject: Bool, errors: inout FieldErrors
    ) -> [String: JSONValue] {
        var params: [String: JSONValue] = [:]
        let flags = isProject ? flagParams : flagParams + datasetFlagParams
        for (option, wire) in flags {
            let value = options[option] ?? false
            if value.boolValue == nil { errors.add("providerOptions.\(option)", "must be true or false") }
            params[wire] = .bool(value.boolValue ?? false)
        }
        switch options["media_type_override"] {
        case nil, .null?: params["mediaTypeOverride"] = .null
        case let value?:
            if let word = value.stringValue, mediaTypes.contains(word) {
                params["mediaTypeOverride"] = .string(word)
            } else {
                errors.add(
                    "providerOptions.media_type_override",
                    "must be one of \(mediaTypes.sorted().joined(separator: ", "))")
            }
        }
        guard !isProject else { return params }
        for (option, wire) in datasetListParams {
            guard let value = options[option], !value.isNull else {
                params[wire] = .null
                continue
            }
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                errors.add("providerOptions.\(option)", "expects a list of id strings")
                continue
            }
            if list.count > maxRelatedIDs {
                errors.add(
                    "providerOptions.\(option)", "holds \(list.count) ids; Labelbox takes at most \(maxRelatedIDs)")
            }
            params[wire] = .array(list)
        }
        return params
    }

    private static func unsupported(_ feature: String, _ advice: String) -> GatewayError {
        LabelboxProvider().unsupported(feature, advice: advice)
    }
}

/// Field messages collected before a request is refused, so every problem is told at once.
struct FieldErrors {
    private var messages: [String: [String]] = [:]

    mutating func add(_ field: String, _ message: String) { messages[field, default: []].append(message) }

    func throwIfAny() throws {
        guard !messages.isEmpty else { return }
        let fields = messages.keys.sorted().joined(separator: ", ")
        throw GatewayError.invalidRequest("The export request was not sent: fix \(fields).", fieldErrors: messages)
    }
}
