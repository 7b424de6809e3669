import ExportGateway
import ExportGatewayLabelbox
import Foundation
import Synchronization

/// A faithful, in-memory Labelbox GraphQL API (`POST {apiBaseURL}/graphql`), following
/// `shared/protocols/labelbox.md`, section 9 "Simulator checklist": operations identified by
/// their `…PyApi` name, every selected field returned, errors that always carry
/// `extensions.code`, tasks visible only to the user who created them, and streamable results
/// (RESULT and ERRORS) served as NDJSON chunk files by a separate storage origin through
/// signed, expiring URLs that refuse the API key.
///
/// Seeded datasets and projects hold any number of data rows without storing them: every row
/// and its exact line bytes are computed from its index (see ``seedDataset(named:itemCount:)``),
/// and a filtered selection is kept as index ranges, so serving the last chunk of a
/// 1,000,000-row stream builds only that chunk.
///
/// ```swift
/// let labelbox = LabelboxSimulator(chunkBoundary: .character)
/// let project = labelbox.seedProject(named: "Street scenes", itemCount: 1_000)
/// let gateway = labelbox.gateway()
/// ```
public final class LabelboxSimulator: VendorSimulator {
    /// Where the simulator cuts a stream into chunk files. Real servers cut at line ends or
    /// anywhere; a client must join chunks before splitting lines, and join *bytes* before
    /// decoding UTF-8.
    public enum ChunkBoundary: Sendable, Hashable {
        /// At line ends: every chunk holds whole lines (the default, like today's server).
        case line
        /// Anywhere on a UTF-8 character boundary, so lines span chunks.
        case character
        /// Anywhere, even inside a multi-byte UTF-8 character: what a careless server could
        /// do, and what corrupts a client that decodes each chunk on its own.
        case byte
        /// One file holding the whole stream.
        case single
    }

    /// A user an API key belongs to; all are in one organization.
    struct User: Sendable {
        var key: String
        var number: Int
        var email: String
        var name: String
        var timezone: String?
        /// Whether the user may export the seeded datasets and projects.
        var mayExport: Bool

        var id: String { LabelboxID.make(.user, source: 0, index: number) }
    }

    /// A seeded dataset or project: the rows of both are computed from (number, index).
    struct Source: Sendable, Hashable {
        enum Kind: Sendable, Hashable { case dataset, project }
        var number: Int
        var kind: Kind
        var name: String
        var itemCount: Int
        /// Whether the rows are ``SeededAnnotations/images`` (see
        /// ``LabelboxSimulator/seedAnnotatedSource()``) rather than the computed rows.
        var annotated = false

        var id: String { LabelboxID.make(kind == .dataset ? .dataset : .project, source: number, index: 0) }
        /// The dataset a project's rows live in is named after the project.
        var rowsDatasetName: String { kind == .dataset ? name : "\(name) rows" }
    }

    /// The Labelbox adapter.
    public static let provider = LabelboxProvider.descriptor
    public let host: SimulatorHost
    /// Chunks already built, by the stream they belong to: enough for a 1,000,000-row export.
    let chunkBodies = EncodedBodyCache<LabelboxStream.ChunkKey>(limit: 384 << 20)
    /// Full access: exports every seeded dataset and project.
    public let apiKey = "lb_sim_key_full_access"
    /// A valid user who may not export the seeded datasets and projects: export mutations
    /// answer `AUTHORIZATION_ERROR`. Reads (user, tasks) work.
    public let restrictedAPIKey = "lb_sim_key_restricted"
    /// A valid user of the same organization who does not see tasks others created: reading
    /// one by id finds nothing (an empty `createdTasks`, a `RESOURCE_NOT_FOUND` task).
    public let otherUserAPIKey = "lb_sim_key_other_user"
    /// How many reads of a task by id a default export takes: the read with this number
    /// reports `COMPLETE`, earlier ones `IN_PROGRESS` (the first read is the SDK's fetch
    /// right after the mutation).
    public let pollsToComplete: Int
    /// The nominal size of a chunk file, in bytes.
    public let chunkSize: Int
    /// Where streams are cut into chunk files.
    public let chunkBoundary: ChunkBoundary
    /// Running exports allowed per project or dataset (Labelbox's documented limit).
    public let runningExportLimitPerSource = 10
    /// Running exports allowed per organization (Labelbox's documented limit).
    public let runningExportLimitPerOrganization = 20
    /// The most ids one `data_row_id`, `global_key` or `batch` filter may hold.
    public let maxFilterIDs = 2000
    /// The most rows a seeded source holds: row numbers are 8 digits wide.
    public static let maxItemCount = 99_999_999

    let users: [String: User]
    let state = Mutex(State())

    /// Creates a simulator with no datasets, projects or tasks. `apiBaseURL` is the host only:
    /// GraphQL is served at `{apiBaseURL}/graphql`. `chunkSize` and `chunkBoundary` shape every
    /// stream's chunk files.
    public init(
        apiBaseURL: URL = URL(string: "https://api.labelbox.sim")!,
        storageBaseURL: URL = URL(string: "https://storage.labelbox.sim")!,
        pollsToComplete: Int = 3, chunkSize: Int = 64 * 1024, chunkBoundary: ChunkBoundary = .line
    ) {
        self.pollsToComplete = max(1, pollsToComplete)
        self.chunkSize = max(1, chunkSize)
        self.chunkBoundary = chunkBoundary
        let users = [
            User(
                key: "lb_sim_key_full_access", number: 1, email: "owner@labelbox.sim", name: "Sim Owner",
                timezone: nil, mayExport: true),
            User(
                key: "lb_sim_key_restricted", number: 2, email: "viewer@labelbox.sim", name: "Sim Viewer",
                timezone: "UTC", mayExport: false),
            User(
                key: "lb_sim_key_other_user", number: 3, email: "colleague@labelbox.sim", name: "Sim Colleague",
                timezone: "America/New_York", mayExport: true),
        ]
        self.users = Dictionary(uniqueKeysWithValues: users.map { ($0.key, $0) })
        host = SimulatorHost(
            apiBaseURL: apiBaseURL, storageBaseURL: storageBaseURL, secrets: users.map(\.key),
            faultShapes: Self.faultShapes)
    }

    /// The in-process transport: GraphQL to the simulator's operations, chunk files to its
    /// storage origin.
    public var transport: SimulatorTransport {
        host.transport { [self] request in self.respond(to: request) }
    }

    /// The GraphQL endpoint's path: the API base URL's own path, then `/graphql`.
    public var graphQLPath: String {
        let base = host.apiBaseURL.path
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/graphql"
    }

    /// The id of the user ``apiKey`` belongs to (what `GetUserPyApi` answers).
    public var userID: String { users[apiKey]!.id }

    /// Seeds a dataset of `itemCount` data rows (no labels) and returns its id, which a
    /// pipeline passes as a ``DatasetRef``. Rows are computed, never stored, so millions cost
    /// nothing; see ``LabelboxRows`` for what row `i` holds.
    @discardableResult
    public func seedDataset(named name: String, itemCount: Int) -> String {
        seed(.dataset, name, itemCount)
    }

    /// Seeds a project of `itemCount` data rows and returns its id. Rows cycle through the
    /// workflow statuses `TO_LABEL`, `IN_REVIEW`, `IN_REWORK`, `DONE` (by `index % 4`); all
    /// but `TO_LABEL` rows carry one label; rows are batched 100 at a time.
    @discardableResult
    public func seedProject(named name: String, itemCount: Int) -> String {
        seed(.project, name, itemCount)
    }

    /// Seeds a project whose export rows are exactly ``SeededAnnotations/images``, in order,
    /// in Labelbox's export shapes, and returns it as an export source.
    ///
    /// Row `i` has `external_id` = image `i`'s key, `media_attributes` with its size, and one
    /// label (even for the image without objects) whose boxes are `bounding_box`es and whose
    /// polygons repeat their first point last, as Labelbox exports them. Feature and schema ids
    /// are deterministic. The first image also carries a label-level radio classification,
    /// `weather` → `sunny`, with a nested checklist `glare` → `windshield`, `road`. Workflow
    /// statuses, batches and dates follow the computed rows (``seedProject(named:itemCount:)``).
    public func seedAnnotatedSource() -> ExportSource {
        .project(seed(.project, "Annotated images", SeededAnnotations.images.count, annotated: true))
    }

    private func seed(_ kind: Source.Kind, _ name: String, _ itemCount: Int, annotated: Bool = false) -> String {
        state.withLock { state in
            let source = Source(
                number: state.sources.count + 1, kind: kind, name: name,
                itemCount: min(max(0, itemCount), Self.maxItemCount), annotated: annotated)
            state.sources.append(source)
            return source.id
        }
    }

    /// The data row id of row `index` of the dataset or project `sourceID`, as its lines and
    /// `data_row_id` filters spell it.
    public func dataRowID(_ index: Int, of sourceID: String) -> String? {
        source(sourceID).map { LabelboxID.make(.dataRow, source: $0.number, index: index) }
    }

    /// The global key of row `index` of `sourceID`, as `global_key` filters take it.
    public func globalKey(_ index: Int, of sourceID: String) -> String? {
        source(sourceID).map { LabelboxRows.globalKey(source: $0.number, index: index) }
    }

    /// The id of batch `number` (rows `100 * number ..< 100 * (number + 1)`) of project `projectID`.
    public func batchID(_ number: Int, of projectID: String) -> String? {
        guard let project = source(projectID), project.kind == .project else { return nil }
        return LabelboxID.make(.batch, source: project.number, index: number)
    }

    func source(_ id: String) -> Source? {
        state.withLock { state in state.sources.first { $0.id == id } }
    }

    /// Makes the next created export follow `script` (counted in reads of the task by id)
    /// instead of completing on read ``pollsToComplete``.
    public func scriptNextExport(_ script: ExportScript) {
        state.withLock { $0.scripts.append(script) }
    }

    /// Makes the next created export's ERRORS stream hold `count` lines (opaque JSON objects
    /// `{"data_row_id", "message"}`); exports are otherwise clean, with a `null` ERRORS header.
    public func scriptNextExportErrors(count: Int) {
        state.withLock { $0.errorCounts.append(max(0, count)) }
    }

    /// Answers the next `count` GraphQL requests (after letting `passes` through) with HTTP 200 and one GraphQL error carrying
    /// `extensions.code` = `code` (and `extensions.exception.status` when given), the way
    /// Labelbox reports failures inside a successful HTTP answer; for adapter tests of codes
    /// the simulator never produces on its own (such as `INTERNAL_SERVER_ERROR` with 503,
    /// which the SDK retries, or `RESOURCE_CONFLICT`).
    public func injectGraphQLError(
        code: String, message: String, exceptionStatus: Int? = nil, count: Int = 1, after passes: Int = 0
    ) {
        var error = GraphQLError(code: code, message: message)
        if let exceptionStatus { error.extensions["exception"] = ["status": .int(Int64(exceptionStatus))] }
        host.injectAnswer(
            error.response(status: 200), method: .post, pathPrefix: graphQLPath, count: count, after: passes)
    }

    // MARK: State

    struct State {
        var sources: [Source] = []
        var tasks: [TaskRecord] = []
        var scripts: [ExportScript] = []
        var errorCounts: [Int] = []
    }
}

/// One GraphQL error object; ``LabelboxSimulator`` always sets `extensions.code`, since the
/// SDK crashes on an error without one.
struct GraphQLError: Error {
    var code: String
    var message: String
    var extensions: [String: JSONValue] = [:]
    /// Extra members beside `message` and `extensions` (such as `errors` on `MALFORMED_REQUEST`).
    var members: [String: JSONValue] = [:]
    /// The HTTP status the error travels with.
    var status = 200

    init(code: String, message: String, status: Int = 200) {
        self.code = code
        self.message = message
        self.status = status
        if code == "MALFORMED_REQUEST" { members["errors"] = [["errorMessage": .string(message)]] }
    }

    var json: JSONValue {
        var object = members
        object["message"] = .string(message)
        var extensions = extensions
        extensions["code"] = .string(code)
        object["extensions"] = .object(extensions)
        return .object(object)
    }

    /// `{"errors": [self], "data": null}`.
    func response(status: Int? = nil) -> HTTPResponse {
        .json(status ?? self.status, ["errors": [json], "data": .null])
    }
}
