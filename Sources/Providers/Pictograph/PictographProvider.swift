import ExportGateway
import Foundation

extension ProviderID {
    /// Pictograph (pictograph.io), selected in configuration as `"pictograph"`.
    public static let pictograph: ProviderID = "pictograph"
}

extension ProviderSet {
    /// The Pictograph adapter alone; combine with other sets using `+`.
    public static var pictograph: ProviderSet { [PictographProvider.descriptor] }
}

/// The Pictograph adapter: Pictograph's developer exports API behind ``ExportProvider``.
///
/// It authenticates with the `X-API-Key` header and talks to `https://api.pictograph.io`
/// (host only; every route starts with `/api/v1/developer/exports`) unless
/// `PICTOGRAPH_BASE_URL` says otherwise.
///
/// A ``DatasetRef`` is the dataset's **name**, exactly as Pictograph shows it
/// (case-sensitive; spaces and `/` are fine). Pictograph exports datasets, not projects.
/// Export names are unique within a dataset, so an export can also be read by name
/// (``Gateway/export(named:in:)``); a request without a name gets a unique
/// generated one, `exportgateway-<yyyyMMdd-HHmmss>-<8 hex>`.
///
/// Formats: ``ExportFormat/native`` (`pictograph`), ``ExportFormat/coco``,
/// ``ExportFormat/yolo``, ``ExportFormat/pascalVOC`` (`pascal_voc`) and ``ExportFormat/csv``;
/// any other Pictograph word (`darwin`, `yolo_obb`, `cvat`, ...) passes verbatim.
/// Filters: ``ExportFilters/classes`` and one ``ExportFilters/itemStatuses`` stage.
/// ``ExportRequest/includeMedia`` puts the images in the ZIP. ``ExportRequest/providerOptions``
/// accepts `status_filter` (a raw stage word; `"all"` means no filter) and
/// `organize_by_split` (a Boolean: `train/`, `valid/`, `test/` folders in the ZIP).
///
/// Creates and bulk deletes carry an `Idempotency-Key`, so the core retries them safely.
///
/// ```swift
/// let gateway = Gateway(provider: PictographProvider(), apiKey: APIKey(key))
/// let export = try await gateway.createExport(
///     ExportRequest(source: .dataset("street scenes"), name: "nightly", format: .coco, includeMedia: true))
/// ```
public struct PictographProvider: ExportProvider {
    /// Pictograph's name, production URL and configuration variables
    /// (`PICTOGRAPH_API_KEY`, `PICTOGRAPH_BASE_URL`).
    public static let descriptor = ProviderDescriptor(
        id: .pictograph, displayName: "Pictograph", defaultBaseURL: URL(string: "https://api.pictograph.io")!,
        apiKeyEnvironmentVariable: "PICTOGRAPH_API_KEY", baseURLEnvironmentVariable: "PICTOGRAPH_BASE_URL",
        makeProvider: { PictographProvider() })

    /// Creates the adapter. It holds no state, so one value serves every call.
    public init() {}

    /// What Pictograph can do: create, read (by id or name), list and delete exports of
    /// datasets, in five common formats and Pictograph's own, filtered by class and by one
    /// image stage. Its exports API lists no dataset items.
    public var capabilities: ProviderCapabilities {
        ProviderCapabilities(
            listsExports: true, deletesExports: true, exportsDatasets: true, exportsProjects: false,
            formats: [.native, .coco, .yolo, .pascalVOC, .csv], filters: [.classes, .itemStatuses],
            itemKinds: [], streamsRecords: false, rangedDownloads: true, idempotentCreate: true,
            readsExportsByName: true)
    }

    /// Adds `X-API-Key: <key>`: the raw key, with no scheme, as Pictograph expects.
    public func authenticate(_ request: inout HTTPRequest, key: APIKey) {
        request.headers["X-API-Key"] = key.secret
    }

    /// The error a Pictograph response stands for (`nil` for a 2xx), with Pictograph's
    /// message, its field errors (named like the request's fields) and the `X-Request-Id`;
    /// see ``GatewayError/standard(for:message:fieldErrors:requestID:)``.
    public func error(from response: HTTPResponse) -> GatewayError? {
        PictographErrors.gatewayError(for: response)
    }

    // MARK: Creating

    /// Starts an export with one `POST /api/v1/developer/exports/`.
    ///
    /// Every field Pictograph cannot honor is refused before anything is sent. The request
    /// carries a fresh `Idempotency-Key`, so a create whose answer was lost is retried and
    /// the server answers with the export it already made, not a second one.
    public func createExport(_ request: ExportRequest, api: VendorAPI) async throws -> Export {
        let plan = try PictographCreatePlan(request)
        let response = try await api.send(
            Self.keyed(api.request(.post, PictographRoutes.collection, json: plan.body)), retry: .idempotent)
        return try PictographExportWire(answer: WireValue(answer: api.json(from: response))).export
    }

    // MARK: Reading

    /// Reads one export with `GET /api/v1/developer/exports/{id}`.
    public func export(_ request: ExportReadRequest, api: VendorAPI) async throws -> Export {
        try Self.requireNonEmpty(request.id.rawValue, field: "id")
        let response = try await api.send(api.request(.get, PictographRoutes.export(request.id.rawValue)))
        return try PictographExportWire(answer: WireValue(answer: api.json(from: response))).export
    }

    /// Reads one export by name with `GET /api/v1/developer/exports/{name}?dataset={dataset}`,
    /// the name escaped as one path segment.
    public func exportNamed(_ request: ExportNameRequest, api: VendorAPI) async throws -> Export {
        // Either one empty would turn the route into the list, or an id lookup.
        try Self.requireNonEmpty(request.name, field: "name")
        try Self.requireNonEmpty(request.dataset.rawValue, field: "dataset")
        let query = [URLQueryItem(name: "dataset", value: request.dataset.rawValue)]
        let response = try await api.send(api.request(.get, PictographRoutes.export(request.name), query: query))
        return try PictographExportWire(answer: WireValue(answer: api.json(from: response))).export
    }

    /// Reads one page of `GET /api/v1/developer/exports/?limit=&offset=`; the cursor is
    /// the next offset. `pageSize` is clamped to Pictograph's 1...1000.
    public func exportsPage(_ request: ExportsPageRequest, api: VendorAPI) async throws -> Page<Export> {
        let offset = try PictographPaging.offset(from: request.cursor)
        let limit = PictographPaging.limit(for: request.pageSize)
        let query = PictographPaging.query(limit: limit, offset: offset)
        let response = try await api.send(api.request(.get, PictographRoutes.collection, query: query))
        let page = try PictographPageWire(WireValue(answer: api.json(from: response)))
        let next = PictographPaging.next(
            offset: offset, limit: limit, received: page.exports.count, hasMore: page.hasMore)
        return Page(elements: page.exports.map(\.export), next: next)
    }

    /// A fresh signed URL with `GET /api/v1/developer/exports/{id}/download`, with its
    /// expiry and the ZIP's exact size. An export that is not completed is refused by
    /// Pictograph.
    public func downloadLocation(_ request: DownloadLocationRequest, api: VendorAPI) async throws -> DownloadLocation {
        let id = request.export.id.rawValue
        try Self.requireNonEmpty(id, field: "id")
        let response = try await api.send(api.request(.get, PictographRoutes.download(id)))
        return try PictographDownloadWire(WireValue(answer: api.json(from: response))).location
    }

    // MARK: Deleting

    /// Deletes one export through `POST /api/v1/developer/exports/bulk-delete`, because
    /// Pictograph deletes by id only in bulk (its single delete takes a name).
    /// - Throws: ``GatewayError/Kind/notFound`` when Pictograph reports the id unknown.
    public func deleteExport(_ request: ExportDeleteRequest, api: VendorAPI) async throws {
        let id = request.id
        let result = try await deleteExports(ids: [id.rawValue], api: api)
        if result.notFound.contains(id.rawValue) {
            throw GatewayError(
                .notFound,
                message:
                    "Pictograph has no export \(id) in this key's organization (or it is already deleted). Check the id."
            )
        }
    }

    /// Deletes several exports with one `POST /api/v1/developer/exports/bulk-delete`;
    /// ids Pictograph does not know come back in ``ExportDeletion/notFound``. No ids, no request.
    public func deleteExports(_ request: ExportsDeleteRequest, api: VendorAPI) async throws -> ExportDeletion {
        let ids = request.ids
        guard !ids.isEmpty else { return ExportDeletion(deleted: [], notFound: []) }
        let result = try await deleteExports(ids: ids.map(\.rawValue), api: api)
        return ExportDeletion(
            deleted: result.succeeded.map(ExportID.init(rawValue:)),
            notFound: result.notFound.map(ExportID.init(rawValue:)))
    }

    // MARK: Helpers

    /// One keyed bulk delete; duplicate ids are sent once (the server would ignore them).
    private func deleteExports(ids: [String], api: VendorAPI) async throws -> PictographBulkDeleteWire {
        var seen = Set<String>()
        let unique = ids.filter { seen.insert($0).inserted }
        let body: JSONValue = ["export_ids": .array(unique.map(JSONValue.string))]
        let response = try await api.send(
            Self.keyed(api.request(.post, PictographRoutes.bulkDelete, json: body)), retry: .idempotent)
        return try PictographBulkDeleteWire(WireValue(answer: api.json(from: response)))
    }

    /// `request` with a new `Idempotency-Key`, made once per call: the core re-sends this
    /// same request on a retry, so every attempt carries the same key.
    private static func keyed(_ request: HTTPRequest) -> HTTPRequest {
        var request = request
        request.headers[PictographIdempotency.header] = PictographIdempotency.newKey()
        return request
    }

    private static func requireNonEmpty(_ value: String, field: String) throws {
        guard value.isEmpty else { return }
        let message = "The export \(field) is empty. Pass the \(field) Pictograph shows."
        throw GatewayError.invalidRequest(message, fieldErrors: [field: [message]])
    }
}
