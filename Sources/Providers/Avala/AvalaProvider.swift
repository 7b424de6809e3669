import ExportGateway
import Foundation

extension ProviderID {
    /// Avala (avala.ai), selected in configuration as `"avala"`.
    public static let avala: ProviderID = "avala"
}

extension ProviderSet {
    /// The Avala adapter alone; combine with other sets using `+`.
    public static var avala: ProviderSet { [AvalaProvider.descriptor] }
}

/// The Avala adapter: Avala's REST API (exports, dataset items and sequences) behind
/// ``ExportProvider``.
///
/// It authenticates with the `X-Avala-Api-Key` header and talks to
/// `https://api.avala.ai/api/v1` unless `AVALA_BASE_URL` says otherwise.
///
/// Dataset references (``DatasetRef``) take two forms: a dataset uid, or `"owner/slug"`
/// (the owner is the organisation slug or user handle). Either works everywhere; the
/// adapter reads the other form from Avala when an endpoint needs it.
///
/// ``ExportRequest/providerOptions`` accepts `slices` (an array of slice uids) and
/// `filter_query_string` (a string), both sent verbatim. Avala honors no
/// ``ExportFilters`` and no `includeMedia`; asking for them throws `unsupported`.
///
/// ```swift
/// let gateway = Gateway(provider: AvalaProvider(), apiKey: APIKey(key))
/// let export = try await gateway.createExport(ExportRequest(source: .dataset("acme/street-scenes"), format: .yolo))
/// ```
public struct AvalaProvider: ExportProvider {
    /// Avala's name, production URL and configuration variables
    /// (`AVALA_API_KEY`, `AVALA_BASE_URL`).
    public static let descriptor = ProviderDescriptor(
        id: .avala, displayName: "Avala", defaultBaseURL: URL(string: "https://api.avala.ai/api/v1")!,
        apiKeyEnvironmentVariable: "AVALA_API_KEY", baseURLEnvironmentVariable: "AVALA_BASE_URL",
        makeProvider: { AvalaProvider() })

    /// Creates the adapter. It holds no state, so one value serves every call.
    public init() {}

    /// What Avala can do: list (not delete) exports of datasets and projects, in its native
    /// JSON or YOLO, and list items and sequences. No export filters.
    public var capabilities: ProviderCapabilities {
        ProviderCapabilities(
            listsExports: true, deletesExports: false, exportsDatasets: true, exportsProjects: true,
            formats: [.native, .yolo, .avalaJSON], itemKinds: [.item, .sequence], streamsRecords: false,
            rangedDownloads: true)
    }

    /// Adds `X-Avala-Api-Key: <key>`: the raw key, with no scheme, as Avala expects.
    public func authenticate(_ request: inout HTTPRequest, key: APIKey) {
        request.headers["X-Avala-Api-Key"] = key.secret
    }

    /// The error an Avala response stands for (`nil` for a 2xx), with Avala's `detail`
    /// message or its field errors; see ``GatewayError/standard(for:message:fieldErrors:requestID:)``.
    public func error(from response: HTTPResponse) -> GatewayError? {
        AvalaErrors.gatewayError(for: response)
    }

    // MARK: Exports

    /// Starts an export with one `POST /exports/`, never retried (Avala has no idempotency key).
    ///
    /// Without a name, format or Avala option the body is the SDK's `{"dataset": uid}` or
    /// `{"project": uid}`; otherwise it is the documented REST body with `name`, `format`,
    /// `datasets`, `projects` and `slices`. An `"owner/slug"` dataset is first looked up
    /// for its uid. Every field Avala cannot honor is refused before anything is sent.
    public func createExport(_ request: ExportRequest, api: VendorAPI) async throws -> Export {
        let plan = try AvalaCreatePlan(request)
        let sourceUID: String
        switch plan.target {
        case .dataset(let ref): sourceUID = try await ref.uid(api: api)
        case .project(let uid): sourceUID = uid
        }
        let response = try await api.send(
            api.request(.post, api.path("exports", endsWithSlash: true), json: plan.body(sourceUID: sourceUID)),
            retry: .never)
        return try AvalaExportWire(WireValue(answer: api.json(from: response))).export
    }

    /// Reads one export with `GET /exports/{uid}/`.
    public func export(_ request: ExportReadRequest, api: VendorAPI) async throws -> Export {
        let response = try await api.send(
            api.request(.get, api.path("exports", request.id.rawValue, endsWithSlash: true)))
        return try AvalaExportWire(WireValue(answer: api.json(from: response))).export
    }

    /// Reads one page of `GET /exports/`; the cursor is Avala's own `cursor` token.
    public func exportsPage(_ request: ExportsPageRequest, api: VendorAPI) async throws -> Page<Export> {
        let query = AvalaPaging.query(pageSize: request.pageSize, token: request.cursor?.value)
        let response = try await api.send(api.request(.get, api.path("exports", endsWithSlash: true), query: query))
        let page = try AvalaPageWire(WireValue(answer: api.json(from: response)), element: AvalaExportWire.init)
        return Page(elements: page.results.map(\.export), next: page.nextToken.map(PageCursor.init))
    }

    // MARK: Items

    /// Reads one page of `GET /datasets/{owner}/{slug}/items/` (or `.../sequences/`).
    ///
    /// A dataset given by uid is looked up once, on the first page; the cursor carries the
    /// resolved `owner/slug` so later pages go straight to the list.
    public func itemsPage(_ request: ItemsPageRequest, api: VendorAPI) async throws -> Page<Item> {
        let dataset = request.dataset, kind = request.kind
        let ref = try AvalaDatasetRef(dataset)
        let position = request.cursor.map { AvalaItemsCursor(decoding: $0, for: dataset) }
        let path: AvalaDatasetPath
        if let known = position?.path { path = known } else { path = try await ref.path(api: api) }
        let query = AvalaPaging.query(pageSize: request.pageSize, token: position?.token)
        let response = try await api.send(api.request(.get, path.collectionPath(kind), query: query))
        let body = try api.checkedJSON(from: response)
        let items: [Item], nextToken: String?
        if let page = AvalaItemsPageText.page(body, kind: kind, dataset: dataset) {
            (items, nextToken) = page
        } else {
            let page = try AvalaPageWire(WireValue(answer: body.value), element: AvalaItemWire.init)
            (items, nextToken) = (page.results.map { $0.item(kind: kind, dataset: dataset) }, page.nextToken)
        }
        let next = nextToken.map { AvalaItemsCursor(ref: dataset, path: path, token: $0).pageCursor }
        return Page(elements: items, next: next)
    }

    /// Reads one item or sequence with `GET /datasets/{owner}/{slug}/items/{uid}/` (or
    /// `.../sequences/{uid}/`, whose answer embeds the sequence's frames).
    public func item(_ request: ItemReadRequest, api: VendorAPI) async throws -> Item {
        let path = try await AvalaDatasetRef(request.dataset).path(api: api)
        let response = try await api.send(api.request(.get, path.memberPath(request.kind, id: request.id)))
        return try AvalaItemWire(WireValue(answer: api.json(from: response))).item(
            kind: request.kind, dataset: request.dataset)
    }
}
