import ExportGateway
import Foundation

extension LabelboxSimulator {
    /// The operation names the simulator answers (the SDK's documents, by name).
    static let operations: Set<String> = [
        "exportDataRowsInProjectPyApi", "exportDataRowsInCatalogPyApi", "GetUserPyApi", "CurrentUserPyApi",
        "GetUserCreatedTasksPyApi", "GetExportMetadataHeaderPyApi", "GetExportFileFromOffsetPyApi",
        "GetExportFileFromLinePyApi", "CancelTaskPyApi", "GetProjectPyApi", "GetDatasetPyApi",
    ]

    /// Everything one resolution needs.
    struct Context {
        var caller: User
        var variables: [String: JSONValue]

        func argument(_ field: GraphQLDocument.Field, _ name: String) -> JSONValue? {
            field.arguments[name].map { $0.resolved(variables) }
        }
    }

    /// Answers one API request the way Labelbox does: the bearer key first (401 when missing
    /// or unknown), then the body, the document and the operation; execution errors travel
    /// as HTTP 200 with `errors[]`, document errors as 400.
    func respond(to request: SimulatedRequest) -> HTTPResponse {
        guard request.rawPath == graphQLPath else { return .text(404, "Not Found") }
        let authorization = request.headers["Authorization"] ?? ""
        let key = authorization.lowercased().hasPrefix("bearer ") ? String(authorization.dropFirst(7)) : ""
        guard let caller = users[key.trimmingCharacters(in: .whitespaces)] else {
            let message =
                key.isEmpty ? "Missing API key: send it as \"Authorization: Bearer <key>\"." : "Invalid API key."
            return GraphQLError(code: "AUTHENTICATION_ERROR", message: message).response(status: 401)
        }
        guard request.method == .post else {
            var response = GraphQLError(code: "BAD_REQUEST", message: "Only POST is supported.").response(status: 405)
            response.headers["Allow"] = "POST"
            return response
        }
        guard let body = request.json, let text = body["query"]?.stringValue else {
            return GraphQLError(code: "GRAPHQL_PARSE_FAILED", message: "The body must be JSON with a \"query\" string.")
                .response(status: 400)
        }
        let document: GraphQLDocument
        do {
            document = try GraphQLDocument(parsing: text)
        } catch {
            let message = (error as? GraphQLDocument.SyntaxError)?.message ?? "Syntax Error"
            return GraphQLError(code: "GRAPHQL_PARSE_FAILED", message: message).response(status: 400)
        }
        guard let name = document.name, Self.operations.contains(name) else {
            return GraphQLError(
                code: "GRAPHQL_VALIDATION_FAILED", message: "Unknown operation \"\(document.name ?? "<anonymous>")\"."
            )
            .response(status: 400)
        }
        let context = Context(caller: caller, variables: body["variables"]?.objectValue ?? [:])
        do throws(GraphQLError) {
            var data: [String: JSONValue] = [:]
            for field in document.selections {
                data[field.responseKey] = try resolveRoot(field, type: document.operationType, context)
            }
            return .json(200, ["data": .object(data)])
        } catch {
            return error.response()
        }
    }

    private func resolveRoot(
        _ field: GraphQLDocument.Field, type: String, _ context: Context
    ) throws(GraphQLError) -> JSONValue {
        switch (type, field.name) {
        case ("query", "user"): return try resolveUser(field, context)
        case ("query", "task"): return try resolveTask(field, context)
        case ("query", "project"): return try resolveSource(field, context, kind: .project)
        case ("query", "dataset"): return try resolveSource(field, context, kind: .dataset)
        case ("mutation", "exportDataRowsInProject"): return try export(field, context, project: true)
        case ("mutation", "exportDataRowsInCatalog"): return try export(field, context, project: false)
        case ("mutation", "cancelBulkOperationJob"): return try cancel(field, context)
        default:
            throw Self.unknownField(field.name, on: type == "mutation" ? "Mutation" : "Query")
        }
    }

    // MARK: Selections

    static func unknownField(_ name: String, on type: String) -> GraphQLError {
        GraphQLError(
            code: "GRAPHQL_VALIDATION_FAILED", message: "Cannot query field \"\(name)\" on type \"\(type)\".",
            status: 400)
    }

    /// `object` reduced to exactly the selected fields (each may be selected more than once);
    /// `resolvers` answer fields that take arguments.
    func project(
        _ object: [String: JSONValue], _ selections: [GraphQLDocument.Field], type: String,
        resolvers: [String: (GraphQLDocument.Field) throws(GraphQLError) -> JSONValue] = [:]
    ) throws(GraphQLError) -> JSONValue {
        var result: [String: JSONValue] = [:]
        for field in selections {
            if let resolve = resolvers[field.name] {
                result[field.responseKey] = try resolve(field)
                continue
            }
            guard let value = object[field.name] else { throw Self.unknownField(field.name, on: type) }
            result[field.responseKey] = try projectValue(value, field.selections, type: field.name)
        }
        return .object(result)
    }

    private func projectValue(
        _ value: JSONValue, _ selections: [GraphQLDocument.Field], type: String
    ) throws(GraphQLError) -> JSONValue {
        guard !selections.isEmpty else { return value }
        switch value {
        case .object(let members): return try project(members, selections, type: type)
        case .array(let elements):
            var projected: [JSONValue] = []
            for element in elements { projected.append(try projectValue(element, selections, type: type)) }
            return .array(projected)
        default: return value
        }
    }

    // MARK: User and tasks

    /// Every field of the User type.
    func json(of user: User) -> [String: JSONValue] {
        let created = Self.timestamp(SimulatedTime.start.addingTimeInterval(-86_400 * 365))
        return [
            "id": .string(user.id), "email": .string(user.email), "name": .string(user.name), "nickname": .null,
            "picture": .null, "isExternalUser": false, "isViewer": .bool(!user.mayExport), "lastLoginAt": .null,
            "createdAt": .string(created), "updatedAt": .string(created),
            "timezone": user.timezone.map(JSONValue.string) ?? .null,
        ]
    }

    /// `user` (the caller) or `user(where: {id})`: `null` for anyone but the caller, whose
    /// created tasks no other key may read.
    private func resolveUser(_ field: GraphQLDocument.Field, _ context: Context) throws(GraphQLError) -> JSONValue {
        if let id = context.argument(field, "where")?["id"], id.stringValue != context.caller.id { return .null }
        return try project(
            json(of: context.caller), field.selections, type: "User",
            resolvers: [
                "createdTasks": { (tasks: GraphQLDocument.Field) throws(GraphQLError) -> JSONValue in
                    try self.createdTasks(tasks, context)
                }
            ])
    }

    /// `createdTasks(where: {id})`, one task by id (a poll: it advances the task's script),
    /// or `createdTasks(skip:first:)`, the caller's tasks newest first.
    private func createdTasks(_ field: GraphQLDocument.Field, _ context: Context) throws(GraphQLError) -> JSONValue {
        let skip = max(0, Int(context.argument(field, "skip")?.intValue ?? 0))
        let first = max(0, Int(context.argument(field, "first")?.intValue ?? 100))
        let owner = context.caller.number
        let tasks: [TaskRecord] = state.withLock { state in
            if let id = context.argument(field, "where")?["id"]?.stringValue {
                guard let index = state.tasks.firstIndex(where: { $0.id == id && $0.owner == owner }) else { return [] }
                advance(&state.tasks[index])
                return [state.tasks[index]]
            }
            let mine = state.tasks.filter { $0.owner == owner }.reversed()
            return Array(mine.dropFirst(skip).prefix(first))
        }
        var list: [JSONValue] = []
        for task in tasks { list.append(try project(json(of: task), field.selections, type: "Task")) }
        return .array(list)
    }

    private func ownTask(
        _ field: GraphQLDocument.Field, argument: String, _ context: Context
    ) throws(GraphQLError) -> TaskRecord {
        let value = context.argument(field, argument)
        let id = value?["id"]?.stringValue ?? value?.stringValue
        let caller = context.caller.number
        let task = id.flatMap { id in
            state.withLock { state in state.tasks.first { $0.id == id && $0.owner == caller } }
        }
        guard let task else { throw GraphQLError(code: "RESOURCE_NOT_FOUND", message: "Task not found.") }
        return task
    }

    /// `task(where: {id})` with its stream fields.
    private func resolveTask(_ field: GraphQLDocument.Field, _ context: Context) throws(GraphQLError) -> JSONValue {
        let task = try ownTask(field, argument: "where", context)
        return try project(
            json(of: task), field.selections, type: "Task",
            resolvers: [
                "exportMetadataHeader": { (header: GraphQLDocument.Field) throws(GraphQLError) -> JSONValue in
                    let stream = task.stream(try Self.streamType(header, context))
                    guard task.status == "COMPLETE", !stream.isEmpty else { return .null }
                    return try self.project(
                        ["totalSize": .int(Int64(stream.totalSize)), "totalLines": .int(Int64(stream.totalLines))],
                        header.selections, type: "ExportMetadataHeader")
                },
                "exportFileFromOffset": { (file: GraphQLDocument.Field) throws(GraphQLError) -> JSONValue in
                    try self.file(file, task, context, by: "offset")
                },
                "exportFileFromLine": { (file: GraphQLDocument.Field) throws(GraphQLError) -> JSONValue in
                    try self.file(file, task, context, by: "line")
                },
            ])
    }

    private static func streamType(_ field: GraphQLDocument.Field, _ context: Context) throws(GraphQLError) -> String {
        guard let type = context.argument(field, "streamType")?.stringValue, type == "RESULT" || type == "ERRORS" else {
            throw GraphQLError(
                code: "BAD_USER_INPUT", message: "streamType must be a TaskStreamType: RESULT or ERRORS.", status: 400)
        }
        return type
    }

    /// The chunk file holding byte `offset` (`exportFileFromOffset`) or the first byte of
    /// line `line` (the legacy `exportFileFromLine`), registered on the storage origin as a
    /// generated object (its bytes are built per download) and handed out as a fresh signed URL.
    private func file(
        _ field: GraphQLDocument.Field, _ task: TaskRecord, _ context: Context, by argument: String
    ) throws(GraphQLError) -> JSONValue {
        let type = try Self.streamType(field, context)
        let raw = context.argument(field, argument)
        guard let position = raw?.intValue ?? raw?.stringValue.flatMap({ Int64($0) }) else {
            throw GraphQLError(
                code: "BAD_USER_INPUT", message: "\(argument) must be a UInt64 (a number or a numeric string).",
                status: 400)
        }
        guard task.status == "COMPLETE" else { return .null }
        let stream = task.stream(type)
        let offset: Int
        if argument == "line" {
            guard position >= 0, position < stream.totalLines else {
                throw GraphQLError(
                    code: "MALFORMED_REQUEST", message: "line is out of range, max line is \(stream.totalLines - 1)")
            }
            offset = stream.offset(ofLine: Int(position))
        } else {
            offset = Int(clamping: position)
        }
        guard let chunk = stream.chunk(containing: offset) else {
            throw GraphQLError(
                code: "MALFORMED_REQUEST", message: "offset is out of range, max offset is \(stream.totalSize - 1)")
        }
        let name = "exports/\(task.id)/\(type.lowercased())/\(chunk.start)-\(chunk.end).ndjson"
        let key = LabelboxStream.ChunkKey(stream: stream.identity, start: chunk.start, end: chunk.end)
        let chunkBodies = self.chunkBodies
        host.storage.put(name: name, size: chunk.end - chunk.start + 1) { range in
            // Built once, then sliced: reading the stream again costs the simulator nothing.
            chunkBodies.body(for: key) { stream.bytes(key.start..<(key.end + 1)) }.subdata(in: range)
        }
        let object: [String: JSONValue] = [
            "offsets": ["start": .int(Int64(chunk.start)), "end": .int(Int64(chunk.end))],
            "lines": ["start": .int(Int64(chunk.firstLine)), "end": .int(Int64(chunk.lastLine))],
            "file": .string(host.storage.signedURL(for: name).url.absoluteString),
        ]
        return try project(object, field.selections, type: "ExportFileMetadata")
    }

    /// `project(where: {id})` / `dataset(where: {id})`, readable by every key of the
    /// organization. The SDK's ORM selects every attribute its schema knows; the simulator
    /// answers the ones below and `null` for any other selected scalar, so every selected
    /// field is present whatever the SDK version.
    private func resolveSource(
        _ field: GraphQLDocument.Field, _ context: Context, kind: Source.Kind
    ) throws(GraphQLError) -> JSONValue {
        let id = context.argument(field, "where")?["id"]?.stringValue
        guard let id, let source = source(id), source.kind == kind else {
            throw GraphQLError(
                code: "RESOURCE_NOT_FOUND", message: "\(kind == .project ? "Project" : "Dataset") not found.")
        }
        let created = Self.timestamp(SimulatedTime.start.addingTimeInterval(-86_400 * 30))
        var object: [String: JSONValue] = [
            "id": .string(source.id), "name": .string(source.name), "description": "", "createdAt": .string(created),
            "updatedAt": .string(created),
        ]
        if kind == .project {
            object["mediaType"] = "IMAGE"
            object["queueMode"] = "BATCH"
        } else {
            object["rowCount"] = .int(Int64(source.itemCount))
        }
        for selection in field.selections where object[selection.name] == nil && selection.selections.isEmpty {
            object[selection.name] = .null
        }
        return try project(object, field.selections, type: kind == .project ? "Project" : "Dataset")
    }

    /// `cancelBulkOperationJob(id)`: a running task of the caller becomes `CANCELED`.
    private func cancel(_ field: GraphQLDocument.Field, _ context: Context) throws(GraphQLError) -> JSONValue {
        let task = try ownTask(field, argument: "id", context)
        let success: Bool = state.withLock { state in
            guard let index = state.tasks.firstIndex(where: { $0.id == task.id }), state.tasks[index].isRunning else {
                return false
            }
            state.tasks[index].status = "CANCELED"
            state.tasks[index].updatedAt = host.time.advance(by: 1)
            return true
        }
        return try project(["success": .bool(success)], field.selections, type: "BulkOperationJobResult")
    }

    // MARK: Exports

    /// `exportDataRowsInProject(input:)` / `exportDataRowsInCatalog(input:)`: validates the
    /// input, selects the rows lazily and creates the task synchronously.
    private func export(
        _ field: GraphQLDocument.Field, _ context: Context, project isProject: Bool
    ) throws(GraphQLError) -> JSONValue {
        _ = try project(["taskId": "", "isStreamable": true], field.selections, type: "ExportTask")
        guard let input = context.argument(field, "input"), case .object = input else {
            throw GraphQLError(
                code: "BAD_USER_INPUT", message: "Variable \"$input\" of required type was not provided.", status: 400)
        }
        let filters = input["filters"]?["searchQuery"]?["query"]?.arrayValue ?? []
        let include = Self.include(input["params"])
        let sources: [Source]
        let name: String
        let scope: Int?
        if isProject {
            let projectID = input["filters"]?["projectId"]
            guard let project = projectID?.stringValue.flatMap(source), project.kind == .project else {
                throw Self.notFound("Project", projectID)
            }
            sources = [project]
            name = input["taskName"]?.stringValue ?? "Export v2: project - \(project.name)"
            scope = project.number
        } else {
            let datasetIDs = filters.filter { $0["type"] == "dataset" }.flatMap { $0["ids"]?.arrayValue ?? [] }
            let all = state.withLock { $0.sources.filter { $0.kind == .dataset } }
            // An unknown dataset is an error, as an unknown project is: only the row filters
            // (data row ids, global keys, batches) select nothing quietly.
            if let unknown = datasetIDs.first(where: { id in !all.contains { .string($0.id) == id } }) {
                throw Self.notFound("Dataset", unknown)
            }
            sources = datasetIDs.isEmpty ? all : all.filter { datasetIDs.contains(.string($0.id)) }
            let named = datasetIDs.count == 1 ? sources.first : nil
            name =
                input["taskName"]?.stringValue ?? named.map { "Export v2: dataset - \($0.name)" }
                ?? "Export v2: catalog"
            scope = named?.number
        }
        guard context.caller.mayExport else {
            throw GraphQLError(code: "AUTHORIZATION_ERROR", message: "You are not allowed to export these data rows.")
        }
        var parts: [LabelboxStream.Part] = []
        for source in sources {
            let selection = try selection(of: source, filters: filters)
            parts.append(
                LabelboxStream.Part(
                    content: .rows(LabelboxRows.Layout(source: source, include: include)), ranges: selection.ranges,
                    residues: selection.residues))
        }
        let result = LabelboxStream(parts: parts, boundary: chunkBoundary, chunkSize: chunkSize)
        let task = try state.withLock { state throws(GraphQLError) -> TaskRecord in
            try makeTask(
                in: &state, caller: context.caller, name: name, scope: scope, result: result, errorSource: sources.first
            )
        }
        return try project(["taskId": .string(task.id), "isStreamable": true], field.selections, type: "ExportTask")
    }

    /// `RESOURCE_NOT_FOUND` naming the id an export asked for (`kind` is `Project` or
    /// `Dataset`), or saying that none was given.
    private static func notFound(_ kind: String, _ id: JSONValue?) -> GraphQLError {
        guard let id else {
            return GraphQLError(code: "RESOURCE_NOT_FOUND", message: "\(kind) not found: no id given.")
        }
        let text = id.stringValue ?? String(decoding: id.serialized(), as: UTF8.self)
        return GraphQLError(
            code: "RESOURCE_NOT_FOUND", message: "\(kind) not found: no \(kind.lowercased()) has id \"\(text)\".")
    }

    /// The `include*` params (absent or non-Boolean means `false`).
    private static func include(_ params: JSONValue?) -> LabelboxRows.Include {
        func flag(_ name: String) -> Bool { params?[name]?.boolValue ?? false }
        return LabelboxRows.Include(
            details: flag("includeDataRowDetails"), attachments: flag("includeAttachments"),
            metadata: flag("includeMetadata"),
            embeddings: flag("includeEmbeddings"), projectDetails: flag("includeProjectDetails"),
            labelDetails: flag("includeLabelDetails"), performanceDetails: flag("includePerformanceDetails"))
    }
}
