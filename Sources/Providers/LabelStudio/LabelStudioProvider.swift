import ExportGateway
import Foundation

extension ProviderID {
    /// Label Studio (labelstud.io, open source and self-hosted), selected in configuration
    /// as `"label-studio"`.
    public static let labelStudio: ProviderID = "label-studio"
}

extension ProviderSet {
    /// The Label Studio adapter alone; combine with other sets using `+`.
    public static var labelStudio: ProviderSet { [LabelStudioProvider.descriptor] }
}

/// The Label Studio adapter: a Label Studio server's export snapshots and tasks behind
/// ``ExportProvider``.
///
/// Label Studio is self-hosted: the base URL is the server's root (`http://localhost:8080`
/// unless `LABEL_STUDIO_URL` says otherwise). The key (`LABEL_STUDIO_API_KEY`) is either a
/// personal access token, which the gateway exchanges for five-minute access tokens and
/// renews as they expire, or a legacy token, sent as `Authorization: Token <key>` (legacy
/// tokens are off on a new server).
///
/// - A ``DatasetRef`` (or ``ExportSource/project(_:)``) is a project's id, such as `"12"`;
///   items are the project's tasks, each with its task id.
/// - An export is a snapshot, and its ``ExportID`` reads `"{project id}/{export id}"`, or
///   `"{project id}/{export id}/{FORMAT}"` when it is downloaded in another format.
/// - A snapshot is stored as Label Studio's JSON (``ExportFormat/native``); ``ExportFormat/coco``,
///   ``ExportFormat/yolo``, ``ExportFormat/pascalVOC``, ``ExportFormat/csv`` and Label Studio's
///   own words (`JSON_MIN`, `TSV`, `YOLO_OBB`...) are converted when downloaded, where the
///   project offers them. The file comes from the API itself, with the gateway's credential;
///   converted files, which differ on every request, in one piece. ``Gateway/records(of:)``
///   streams the stored JSON's tasks one by one, in bounded memory.
/// - ``ExportFilters/itemStatuses`` selects labeled (`.completed`) or unlabeled
///   (`.notStarted`) tasks. ``ExportRequest/providerOptions`` accepts `task_filter_options`,
///   `annotation_filter_options` and `serialization_options`, objects sent verbatim.
///
/// ```swift
/// let gateway = Gateway(provider: LabelStudioProvider(), apiKey: APIKey(token), baseURL: serverURL)
/// let export = try await gateway.createExport(ExportRequest(source: .dataset("12"), format: .coco))
/// ```
public struct LabelStudioProvider: ExportProvider {
    /// Label Studio's name, default URL (a local server) and configuration variables
    /// (`LABEL_STUDIO_API_KEY`, `LABEL_STUDIO_URL`).
    public static let descriptor = ProviderDescriptor(
        id: .labelStudio, displayName: "Label Studio", defaultBaseURL: URL(string: "http://localhost:8080")!,
        apiKeyEnvironmentVariable: "LABEL_STUDIO_API_KEY", baseURLEnvironmentVariable: "LABEL_STUDIO_URL",
        makeProvider: { LabelStudioProvider() })

    /// Creates the adapter. It holds no state, so one value serves every call.
    public init() {}

    /// What Label Studio can do: create, read, list and delete snapshots of projects (as
    /// datasets or projects), download them in its JSON or converted, stream a snapshot's
    /// tasks as records, filter by labeled or not, and list tasks. It cannot cancel a snapshot
    /// (it has no canceled state) or read one by name (titles are not unique).
    public var capabilities: ProviderCapabilities {
        ProviderCapabilities(
            listsExports: true, deletesExports: true, exportsDatasets: true, exportsProjects: true,
            formats: [.native, .json, .coco, .yolo, .pascalVOC, .csv], filters: [.itemStatuses], itemKinds: [.item],
            streamsRecords: true, rangedDownloads: true, idempotentCreate: false, readsExportsByName: false)
    }

    /// Adds `Authorization: Token <key>`: a legacy token, which is never exchanged. (A personal
    /// access token is exchanged, and its access token goes in as `Authorization: Bearer`.)
    public func authenticate(_ request: inout HTTPRequest, key: APIKey) {
        request.headers["Authorization"] = "Token \(key.secret)"
    }

    /// Exchanges a personal access token (a JWT refresh token) with
    /// `POST /api/token/refresh/ {"refresh": key}` for an access token, whose own `exp` and
    /// `iat` say when to renew it; `nil` for a legacy token, sent as it is. An expired
    /// personal access token, or an access token given as the key, is an `authentication`
    /// error before any request.
    public func exchangeKey(_ request: KeyExchangeRequest, api: VendorAPI) async throws -> AccessToken? {
        guard try LabelStudioCredential(key: request.key.secret, now: Date()) == .refresh else { return nil }
        let response = try await api.send(
            api.request(.post, LabelStudioRoutes.tokenRefresh, json: ["refresh": .string(request.key.secret)]),
            retry: .idempotent, authenticated: false)
        let access = try LabelStudioAccessWire(WireValue(answer: api.json(from: response))).access
        return LabelStudioJWT.accessToken(access)
    }

    /// The error a Label Studio response stands for (`nil` for a 2xx), with its envelope's
    /// `detail`, `validation_errors` and `id`; an HTML page is mapped by status alone.
    public func error(from response: HTTPResponse) -> GatewayError? {
        LabelStudioErrors.gatewayError(for: response)
    }

    // MARK: Exports

    /// Creates a snapshot with one `POST /api/projects/{pid}/exports/`, never retried (Label
    /// Studio has no idempotency key, and every call makes a snapshot).
    ///
    /// Everything Label Studio cannot honor is refused first. Then `GET /api/projects/{pid}/`
    /// checks that the key may read the project: Label Studio lets a user removed from the
    /// organization create snapshots it then may not read (403 on the snapshot), so that is
    /// refused before a useless snapshot is made; an unknown project is `notFound` here too.
    /// A converted format is checked against `GET /api/projects/{pid}/export/formats` (a
    /// format the project does not offer is `unsupported`, naming it). The answer is usually
    /// already `completed`: Label Studio writes the file during the request, unless it runs
    /// with a job queue.
    public func createExport(_ request: ExportRequest, api: VendorAPI) async throws -> Export {
        let plan = try LabelStudioCreatePlan(request)
        _ = try await api.send(api.request(.get, LabelStudioRoutes.project(plan.project)))
        if let format = plan.format {
            let response = try await api.send(api.request(.get, LabelStudioRoutes.formats(project: plan.project)))
            let offered = try LabelStudioFormatsWire(WireValue(answer: api.json(from: response))).offered
            guard offered.contains(format) else {
                throw unsupported(
                    "format \(request.format?.rawValue ?? format)",
                    advice: "Project \(plan.project) offers \(offered.joined(separator: ", ")).")
            }
        }
        let response = try await api.send(
            api.request(.post, LabelStudioRoutes.exports(project: plan.project), json: plan.body), retry: .never)
        return try LabelStudioExportWire(WireValue(answer: api.json(from: response))).export(
            project: plan.project, format: plan.format, api: api)
    }

    /// Reads one snapshot with `GET /api/projects/{pid}/exports/{eid}`.
    public func export(_ request: ExportReadRequest, api: VendorAPI) async throws -> Export {
        let id = request.id
        return try await Self.notFoundUnlessWellFormed(id) { parsed in
            let response = try await api.send(api.request(.get, Self.exportPath(id, parsed)))
            guard let parsed else { throw GatewayError(.notFound, message: "") }
            return try LabelStudioExportWire(WireValue(answer: api.json(from: response))).export(
                project: parsed.project, format: parsed.format, api: api)
        }
    }

    /// Deletes one snapshot with `DELETE /api/projects/{pid}/exports/{eid}` (a format in the
    /// id changes nothing: the snapshot goes). An unknown snapshot is `notFound`.
    public func deleteExport(_ request: ExportDeleteRequest, api: VendorAPI) async throws {
        let id = request.id
        try await Self.notFoundUnlessWellFormed(id) { parsed in
            _ = try await api.send(api.request(.delete, Self.exportPath(id, parsed)))
        }
    }

    /// Reads one project's snapshots with `GET /api/projects/{pid}/exports/` (a bare array,
    /// newest first, at most 100), walking the projects in id order with
    /// `GET /api/projects/?ordering=id`: Label Studio lists snapshots per project only. Each
    /// page is one project's snapshots, whatever `pageSize`; a project deleted meanwhile has
    /// none.
    public func exportsPage(_ request: ExportsPageRequest, api: VendorAPI) async throws -> Page<Export> {
        var position = try LabelStudioExportsPosition(cursor: request.cursor)
        if position.pending == nil {
            do {
                let response = try await api.send(
                    api.request(.get, LabelStudioRoutes.projects, query: position.projectsQuery))
                let page = try LabelStudioProjectsPageWire(WireValue(answer: api.json(from: response)))
                position.pending = page.ids
                position.more = page.hasNext
            } catch let error as GatewayError where position.projectsPage > 1 && LabelStudioErrors.isPastLastPage(error)
            {
                return Page(elements: [], next: nil)
            }
        }
        guard let project = position.pending?.first else {
            return Page(elements: [], next: position.afterFirst)
        }
        let exports: [Export]
        do {
            let response = try await api.send(api.request(.get, LabelStudioRoutes.exports(project: project)))
            exports = try WireValue(answer: api.json(from: response)).elements().map {
                try LabelStudioExportWire($0).export(project: project, format: nil, api: api)
            }
        } catch let error as GatewayError where error.kind == .notFound {
            exports = []
        }
        return Page(elements: exports, next: position.afterFirst)
    }

    // MARK: Items

    /// Reads one page of a project's tasks with `GET /api/tasks/?project=&page=&page_size=`
    /// (in id order). The list ends at a short page, when `page * page_size` reaches `total`,
    /// or at Label Studio's `404 "Invalid page."` past the end (the total can shrink while a
    /// pipeline pages). Tasks are items; there are no sequences.
    public func itemsPage(_ request: ItemsPageRequest, api: VendorAPI) async throws -> Page<Item> {
        guard request.kind == .item else { throw unsupported("listing \(request.kind)s") }
        let project = try LabelStudioProject.id(request.dataset.rawValue, field: "dataset")
        let position = try LabelStudioTasksPosition(cursor: request.cursor, pageSize: request.pageSize)
        let page: LabelStudioTasksPageWire
        do {
            let response = try await api.send(
                api.request(.get, LabelStudioRoutes.tasks, query: position.query(project: project)))
            page = try LabelStudioTasksPageWire(WireValue(answer: api.json(from: response)))
        } catch let error as GatewayError where position.page > 1 && LabelStudioErrors.isPastLastPage(error) {
            return Page(elements: [], next: nil)
        }
        return Page(
            elements: page.tasks.map { $0.item(dataset: request.dataset) },
            next: position.next(received: page.tasks.count, total: page.total, requestedSize: request.pageSize))
    }

    /// Reads one task with `GET /api/tasks/{id}/` (annotations inline). Label Studio does not
    /// check the project there, so a task of another project is `notFound` here.
    public func item(_ request: ItemReadRequest, api: VendorAPI) async throws -> Item {
        guard request.kind == .item else { throw unsupported("reading one \(request.kind)") }
        let project = try LabelStudioProject.id(request.dataset.rawValue, field: "dataset")
        let response = try await api.send(api.request(.get, LabelStudioRoutes.task(request.id.rawValue)))
        let task = try LabelStudioTaskWire(WireValue(answer: api.json(from: response)))
        if let owner = task.project, owner != project {
            throw GatewayError(
                .notFound, httpStatus: response.status,
                message: "Task \(request.id) belongs to project \(owner), not to project \(project). Check the project."
            )
        }
        return task.item(dataset: request.dataset)
    }

    // MARK: Records

    /// The results stream is the snapshot's stored JSON, one array of tasks on one line,
    /// read element by element (``RecordFraming/jsonArray``) from the download route; its
    /// size comes from a one-byte ranged read (Label Studio says it nowhere else), asked once
    /// per snapshot and gateway, since a stored file never changes. The record count is the
    /// snapshot's `counters.task_number`. Label Studio has no errors stream: it is empty.
    public func recordStreamInfo(_ request: RecordStreamInfoRequest, api: VendorAPI) async throws -> RecordStreamInfo? {
        guard request.stream == .results else { return nil }
        let id = try Self.storedSnapshot(of: request.export)
        let size = try await Self.size(of: id, api: api)
        guard size > 0 else { return nil }
        return RecordStreamInfo(totalBytes: size, totalLines: request.export.progress?.total, framing: .jsonArray)
    }

    /// The whole stored JSON, as one chunk on the download route (fetched with the gateway's
    /// credential, in ranges).
    public func recordChunk(_ request: RecordChunkRequest, api: VendorAPI) async throws -> RecordChunk {
        let id = try Self.storedSnapshot(of: request.export)
        let size = try await Self.size(of: id, api: api)
        guard size > 0 else {
            throw GatewayError(.notFound, message: "Snapshot \(id) of Label Studio has no stored bytes to read.")
        }
        return RecordChunk(url: try api.url(LabelStudioRoutes.download(id)), byteRange: 0...(size - 1))
    }

    /// One exported task, as the item ``item(_:api:)`` reads (annotations and predictions
    /// inline, `is_labeled` when the export has it).
    public func record(from row: RecordRow) throws -> Item {
        let project = LabelStudioExportID(row.export.id).map { String($0.project) }
        let dataset =
            project.map(DatasetRef.init(rawValue:))
            ?? row.export.source.flatMap { source in
                if case .dataset(let ref) = source { ref } else { nil }
            }
        return try LabelStudioTaskWire(WireValue(answer: row.value)).item(dataset: dataset, text: row.bytes)
    }

    // MARK: Annotations

    /// Annotations come from the records: each task of the stored JSON, streamed, is one image.
    public var annotationRoute: AnnotationRoute { .records }

    /// One exported task as an image with its annotations (see ``LabelStudioAnnotations``).
    /// Predictions come only from a snapshot created with
    /// `serialization_options.predictions.only_id = false`; otherwise the task lists their ids.
    public func annotatedItem(from row: RecordRow) throws -> AnnotatedItem {
        try LabelStudioAnnotations.item(fromTask: row.value)
    }

    // MARK: Helpers

    /// The stored snapshot behind `export` (whatever format its id names), or `notFound` for
    /// an id Label Studio cannot have given.
    private static func storedSnapshot(of export: Export) throws -> LabelStudioExportID {
        guard let id = LabelStudioExportID(export.id) else {
            throw GatewayError(
                .notFound,
                message: "Label Studio has no export \"\(export.id)\": its export ids read \(LabelStudioExportID.form)."
            )
        }
        return LabelStudioExportID(project: id.project, export: id.export, format: nil)
    }

    /// The stored file's size: `Content-Range` of `bytes=0-0` (or the whole body, from a
    /// server that ignores ranges), remembered for the gateway.
    private static func size(of id: LabelStudioExportID, api: VendorAPI) async throws -> Int64 {
        let remembered = try await api.remembered("label-studio.size.\(id)") {
            var request = try api.request(.get, LabelStudioRoutes.download(id))
            request.headers["Range"] = "bytes=0-0"
            request.headers["Accept-Encoding"] = "identity"
            let response = try await api.send(request)
            if response.status == 206 {
                guard let size = Self.totalSize(inContentRange: response.headers["Content-Range"]) else {
                    throw GatewayError(
                        .decoding, httpStatus: 206,
                        message:
                            "Label Studio answered a ranged read of snapshot \(id) without a size in Content-Range.")
                }
                return .int(size)
            }
            return .int(Int64(response.body.count))
        }
        return remembered.intValue ?? 0
    }

    /// `N` of `bytes a-b/N`.
    private static func totalSize(inContentRange header: String?) -> Int64? {
        guard let header, let slash = header.lastIndex(of: "/") else { return nil }
        return Int64(header[header.index(after: slash)...].trimmingCharacters(in: .whitespaces))
    }

    /// The route of a snapshot: its own for a well-formed id; for any other id, which names
    /// no snapshot, the whole id as one segment under project 0 (Label Studio numbers projects
    /// from 1), so that the server, not the adapter, answers that there is no such export and
    /// the error names a real request, as for any unknown id.
    private static func exportPath(_ id: ExportID, _ parsed: LabelStudioExportID?) -> APIPath {
        guard let parsed else { return LabelStudioRoutes.export(project: "0", export: id.rawValue) }
        return LabelStudioRoutes.export(project: String(parsed.project), export: String(parsed.export))
    }

    /// Runs `call` on `id` parsed (`nil` when it is not of Label Studio's form); a `notFound`
    /// for an id not of that form says what the form is.
    private static func notFoundUnlessWellFormed<T>(
        _ id: ExportID, _ call: (LabelStudioExportID?) async throws -> T
    ) async throws -> T {
        let parsed = LabelStudioExportID(id)
        do {
            return try await call(parsed)
        } catch var error as GatewayError where parsed == nil && error.kind == .notFound {
            error.message =
                "Label Studio has no export \"\(id)\": its export ids read \(LabelStudioExportID.form). "
                + "Pass an id from createExport or exports()."
            throw error
        }
    }
}
