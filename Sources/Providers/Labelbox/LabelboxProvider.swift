import ExportGateway
import Foundation

extension ProviderID {
    /// Labelbox (labelbox.com), selected in configuration as `"labelbox"`.
    public static let labelbox: ProviderID = "labelbox"
}

extension ProviderSet {
    /// The Labelbox adapter alone; combine with other sets using `+`.
    public static var labelbox: ProviderSet { [LabelboxProvider.descriptor] }
}

/// The Labelbox adapter: streamable exports over GraphQL, results as NDJSON streams.
///
/// An export is a task the API key's user creates with `exportDataRowsInProject` (a
/// ``ExportSource/project(_:)``) or `exportDataRowsInCatalog` (a ``ExportSource/dataset(_:)``,
/// by dataset id). Tasks are read through that user's `createdTasks`, so an export is visible
/// only to the key that made it. A finished export is a RESULT stream of data rows and an
/// ERRORS stream, both NDJSON split into chunk files on signed URLs:
/// ``Gateway/records(of:)`` and ``Gateway/errors(of:)`` read them in bounded
/// memory, ``Gateway/download(_:to:progress:)`` writes the RESULT stream to one file.
///
/// Labelbox cannot delete an export or read one by name, and produces only NDJSON; see
/// ``LabelboxExportRequest`` for the filters and `providerOptions` it takes.
public struct LabelboxProvider: ExportProvider {
    /// Labelbox's name, production URL and configuration variables. `LABELBOX_BASE_URL` is
    /// ours (the SDK has none): the host, without `/graphql`.
    public static let descriptor = ProviderDescriptor(
        id: .labelbox, displayName: "Labelbox", defaultBaseURL: URL(string: "https://api.labelbox.com")!,
        apiKeyEnvironmentVariable: "LABELBOX_API_KEY", baseURLEnvironmentVariable: "LABELBOX_BASE_URL",
        makeProvider: { LabelboxProvider() })

    /// Creates the adapter.
    public init() {}

    /// The most tasks asked for per listing page, as the SDK asks.
    static let maxPageSize = 100

    public var capabilities: ProviderCapabilities {
        ProviderCapabilities(
            listsExports: true, deletesExports: false, exportsDatasets: true, exportsProjects: true,
            formats: [.ndjson, .native], filters: [.itemIDs, .activity], itemKinds: [],
            streamsRecords: true, rangedDownloads: true)
    }

    public func authenticate(_ request: inout HTTPRequest, key: APIKey) {
        request.headers["Authorization"] = "Bearer \(key.secret)"
    }

    public func error(from response: HTTPResponse) -> GatewayError? {
        LabelboxErrors.gatewayError(for: response)
    }

    public func createExport(_ request: ExportRequest, api: VendorAPI) async throws -> Export {
        let plan = try await LabelboxExportRequest.make(request) {
            try await LabelboxGraphQL.userTimezone(api: api)
        }
        // No idempotency key exists, so a create whose answer is lost is reported, not repeated.
        let data = try await LabelboxGraphQL.send(
            plan.mutation.document, variables: ["input": plan.input], api: api, retry: .never)
        // Only `taskId` is read, as the SDK reads it: the export exists now, and failing over
        // `isStreamable` would lose its id.
        let id = ExportID(rawValue: try data.required(plan.mutation.field).required("taskId").string())
        do {
            return try await task(id, source: request.source, api: api)
        } catch let error as GatewayError where error.isTransient || error.kind == .notFound {
            // The export exists: hand back its id rather than an error that would lose it
            // (a create is never repeated), even if the new task is not visible yet; the first
            // wait reads the rest.
            return Export(
                id: id, provider: .labelbox, name: request.name, status: .pending, rawStatus: nil,
                format: .ndjson, source: request.source)
        }
    }

    public func export(_ request: ExportReadRequest, api: VendorAPI) async throws -> Export {
        try await task(request.id, source: nil, api: api)
    }

    public func exportsPage(_ request: ExportsPageRequest, api: VendorAPI) async throws -> Page<Export> {
        let skip = request.cursor?.offset ?? 0
        // The SDK pages by 100; a larger `first` may be capped by the server, and a capped page
        // would read as the last one.
        let pageSize = min(request.pageSize, Self.maxPageSize)
        let user = try await LabelboxGraphQL.userID(api: api)
        let data = try await LabelboxGraphQL.send(
            LabelboxGraphQL.tasksPage(skip: skip, first: pageSize), variables: ["param_0": .string(user)], api: api,
            retry: .idempotent)
        let tasks = try createdTasks(in: data)
        let exports = tasks.filter(\.isExport).map { $0.export() }
        // The SDK's rule: a full page means there may be more.
        return Page(elements: exports, next: tasks.count == pageSize ? PageCursor(offset: skip + tasks.count) : nil)
    }

    public func recordStreamInfo(_ request: RecordStreamInfoRequest, api: VendorAPI) async throws -> RecordStreamInfo? {
        let export = request.export, stream = request.stream
        let data = try await LabelboxGraphQL.send(
            LabelboxGraphQL.streamHeader,
            variables: ["where": ["id": .string(export.id.rawValue)], "streamType": Self.wire(stream)],
            api: api, retry: .idempotent)
        return try LabelboxMapping.streamInfo(from: taskField(in: data, export.id).required("exportMetadataHeader"))
    }

    public func recordChunk(_ request: RecordChunkRequest, api: VendorAPI) async throws -> RecordChunk {
        let export = request.export, stream = request.stream, offset = request.offset
        let data = try await LabelboxGraphQL.send(
            LabelboxGraphQL.streamChunk,
            variables: [
                "where": ["id": .string(export.id.rawValue)], "streamType": Self.wire(stream),
                "offset": .string(String(offset)),  // UInt64 is a custom scalar the SDK sends as a string
            ], api: api, retry: .idempotent)
        let chunk = try taskField(in: data, export.id).required("exportFileFromOffset")
        guard !chunk.json.isNull else {
            throw GatewayError(
                .notFound,
                message:
                    "Labelbox has no file for byte \(offset) of the \(stream.rawValue) stream of export \(export.id).")
        }
        return try LabelboxMapping.chunk(from: chunk)
    }

    public func record(from row: RecordRow) throws -> Item {
        try LabelboxMapping.item(from: row)
    }

    /// Each RESULT row is one image: ``Gateway/annotations(of:)`` streams the rows and maps
    /// each with ``LabelboxAnnotations/item(fromRow:)``.
    public var annotationRoute: AnnotationRoute { .records }

    /// One RESULT row as an image with its annotations (see ``LabelboxAnnotations``).
    public func annotatedItem(from row: RecordRow) throws -> AnnotatedItem {
        try LabelboxAnnotations.item(fromRow: row.value)
    }

    // MARK: Helpers

    private func task(_ id: ExportID, source: ExportSource?, api: VendorAPI) async throws -> Export {
        let user = try await LabelboxGraphQL.userID(api: api)
        let data = try await LabelboxGraphQL.send(
            LabelboxGraphQL.taskByID, variables: ["param_0": .string(id.rawValue), "param_1": .string(user)], api: api,
            retry: .idempotent)
        guard let task = try createdTasks(in: data).first else {
            throw GatewayError(
                .notFound,
                message:
                    "Labelbox has no export \(id) created by this API key's user. Check the id, and that the same key created it."
            )
        }
        guard task.isExport else {
            throw GatewayError(
                .notFound,
                // Bounded: the type is the vendor's text, and a log line must stay a line.
                message: "Labelbox task \(id) is a \(task.type.prefix(64)) task, not an export.")
        }
        return task.export(source: source)
    }

    /// The user's `createdTasks`: a `null` user is one Labelbox does not know (not found),
    /// but a missing `user` or list is a broken answer.
    private func createdTasks(in data: WireValue) throws -> [LabelboxTaskWire] {
        let user = try data.required("user")
        guard !user.json.isNull else {
            throw GatewayError(.notFound, message: "Labelbox does not know the API key's user.")
        }
        return try user.required("createdTasks").elements().map(LabelboxTaskWire.init)
    }

    /// The `task` a stream query selects from; `null` for a task this key cannot see.
    private func taskField(in data: WireValue, _ id: ExportID) throws -> WireValue {
        let task = try data.required("task")
        guard !task.json.isNull else {
            throw GatewayError(.notFound, message: "Labelbox has no export \(id) for this API key.")
        }
        return task
    }

    private static func wire(_ stream: RecordStream) -> JSONValue {
        stream == .results ? "RESULT" : "ERRORS"
    }
}
