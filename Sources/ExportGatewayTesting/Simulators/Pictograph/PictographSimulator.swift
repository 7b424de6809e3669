import ExportGateway
import ExportGatewayPictograph
import Foundation
import Synchronization

/// A faithful, in-memory Pictograph Developer Exports API (`/api/v1/developer/exports`),
/// following `shared/protocols/pictograph.md`, section 8 "Simulator checklist": the SDK's
/// routes and the docs' two-segment forms, `{"data": …}` envelopes, full Export objects,
/// FastAPI-style validation errors inside the `{"error": …, "detail": …}` envelope, per-key
/// roles and organizations, `Idempotency-Key` replay, and `X-Request-Id` on every answer.
///
/// Seeded datasets hold any number of images without storing them: each image is computed
/// from its index. Exports advance `pending → processing → completed` as they are read (each
/// read of one export, or of its `/download`, is a poll; listing is not), and their result is
/// a real ZIP in the requested format, served by a separate storage origin by signed,
/// expiring URLs that refuse the API key.
///
/// ```swift
/// let pictograph = PictographSimulator()
/// pictograph.seedDataset(named: "street scenes", itemCount: 200)   // "street scenes"
/// let gateway = pictograph.gateway()
/// ```
public final class PictographSimulator: VendorSimulator {
    /// The organizations the simulator's keys and datasets belong to.
    public enum Organization: Sendable {
        /// The organization of ``apiKey`` and every key but ``otherOrganizationAPIKey``.
        case a
        /// The organization of ``otherOrganizationAPIKey`` only.
        case b
    }

    /// A key's role; each route needs a minimum role.
    enum Role: Int, Comparable {
        case viewer, member, admin, owner
        static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Who sent a request: the key, its role and its organization.
    struct Caller {
        var key: String
        var role: Role
        var organization: Organization
    }

    /// The Pictograph adapter.
    public static let provider = PictographProvider.descriptor
    public let host: SimulatorHost
    /// Role owner in organization A.
    public let apiKey = "pk_live_sim_owner"
    /// Role viewer in organization A: may list, read and download, not create or delete.
    public let restrictedAPIKey = "pk_live_sim_viewer"
    /// Role member in organization A: may also create, not delete.
    public let memberAPIKey = "pk_live_sim_member"
    /// Role admin in organization A: may do everything.
    public let adminAPIKey = "pk_live_sim_admin"
    /// Role owner in organization B: sees none of organization A's datasets or exports.
    public let otherOrganizationAPIKey = "pk_live_sim_other_org"
    /// How many reads a default export takes to complete.
    public let pollsToComplete: Int

    /// Pictograph exports only complete or fail: there is no canceled state, so
    /// ``ExportScript/cancels(afterPolls:)`` makes them fail with `error_message` "canceled".
    public static var canCancelExports: Bool { scriptedWords.canceled != nil }

    /// How long, in simulated seconds, a POST's response stays stored under its
    /// `(API key, Idempotency-Key)` and is replayed for a repeat: 24 hours, as the SDK says.
    public var idempotencyWindow: TimeInterval { 86_400 }

    let callers: [String: Caller]
    let requestIDs: RequestIDs
    let state = Mutex(State())

    /// Creates a simulator with empty state. `apiBaseURL` is the host only: every route's
    /// path starts `/api/v1/developer/exports`, as the SDK sends it.
    public init(
        apiBaseURL: URL = URL(string: "https://api.pictograph.sim")!,
        storageBaseURL: URL = URL(string: "https://storage.pictograph.sim")!,
        pollsToComplete: Int = 3
    ) {
        self.pollsToComplete = max(1, pollsToComplete)
        let callers = [
            Caller(key: "pk_live_sim_owner", role: .owner, organization: .a),
            Caller(key: "pk_live_sim_viewer", role: .viewer, organization: .a),
            Caller(key: "pk_live_sim_member", role: .member, organization: .a),
            Caller(key: "pk_live_sim_admin", role: .admin, organization: .a),
            Caller(key: "pk_live_sim_other_org", role: .owner, organization: .b),
        ]
        self.callers = Dictionary(uniqueKeysWithValues: callers.map { ($0.key, $0) })
        let requestIDs = RequestIDs()
        self.requestIDs = requestIDs
        host = SimulatorHost(
            apiBaseURL: apiBaseURL, storageBaseURL: storageBaseURL, secrets: callers.map(\.key),
            faultShapes: Self.faultShapes(requestIDs: requestIDs))
    }

    public var transport: SimulatorTransport {
        host.transport { [self] request in self.respond(to: request) }
    }

    /// Seeds a dataset of `itemCount` images in organization A and returns `name` verbatim
    /// (the dataset name is the reference Pictograph uses; it is case-sensitive and may hold
    /// spaces and `/`).
    @discardableResult
    public func seedDataset(named name: String, itemCount: Int) -> String {
        seedDataset(named: name, itemCount: itemCount, coldStorage: false)
    }

    /// Seeds a dataset of `itemCount` images in `organization` and returns `name` verbatim.
    /// A `coldStorage` dataset refuses new exports with 409 (exports are paused while it is
    /// frozen). Seeding a name the organization already has replaces that dataset's image
    /// count and cold-storage flag, keeping its id and exports.
    @discardableResult
    public func seedDataset(
        named name: String, itemCount: Int, coldStorage: Bool, organization: Organization = .a
    ) -> String {
        state.withLock { state in
            if let index = state.datasets.firstIndex(where: { $0.name == name && $0.organization == organization }) {
                state.datasets[index].itemCount = max(0, itemCount)
                state.datasets[index].coldStorage = coldStorage
                return name
            }
            let number = state.datasets.count
            state.datasets.append(
                Dataset(
                    number: number, id: SimulatedID.uuid(namespace: Namespace.dataset, index: number), name: name,
                    organization: organization, itemCount: max(0, itemCount), coldStorage: coldStorage,
                    createdAt: host.time.now))
            return name
        }
    }

    public func scriptNextExport(_ script: ExportScript) {
        state.withLock { $0.scripts.append(script) }
    }

    // MARK: Listing shapes

    /// How the list route shapes its pages. The SDK's pager copes with every shape here
    /// (protocol notes, section 3), so a client must too.
    public struct Listing: Sendable {
        /// What `pagination.has_more` holds.
        public enum HasMore: Sendable {
            /// `true` exactly when exports remain after this page (today's server).
            case truthful
            /// Left out of `pagination`, so only a short page ends the listing.
            case absent
            /// This value on every page, whatever remains: a non-Boolean, or a flag that lies.
            case always(JSONValue)
        }

        /// The most exports a page holds whatever `limit` asks: a server that caps the page
        /// size silently (the note's alternative to answering 422) sends short pages while
        /// `has_more` is `true`. `nil` serves `limit` exports.
        public var pageCap: Int?
        /// What `pagination.has_more` holds.
        public var hasMore: HasMore
        /// Whether a page is the documentation's bare JSON array, with no `data` envelope
        /// and no `pagination`.
        public var bareArray: Bool

        /// A listing shape; the defaults are today's server.
        public init(pageCap: Int? = nil, hasMore: HasMore = .truthful, bareArray: Bool = false) {
            self.pageCap = pageCap.map { max(1, $0) }
            self.hasMore = hasMore
            self.bareArray = bareArray
        }
    }

    /// How the list route shapes its pages from now on.
    public func shapeListing(_ listing: Listing) {
        state.withLock { $0.listing = listing }
    }

    // MARK: State

    struct Dataset {
        var number: Int
        var id: String
        var name: String
        var organization: Organization
        var itemCount: Int
        var coldStorage: Bool
        var createdAt: Date
        /// Whether its `coco` exports hold ``SeededAnnotations`` (``seedAnnotatedSource()``).
        var annotated = false
    }

    struct State {
        var datasets: [Dataset] = []
        var exports: [ExportRecord] = []
        var exportsCreated = 0
        var scripts: [ExportScript] = []
        var idempotency: [IdempotencyKey: StoredResponse] = [:]
        var listing = Listing()
    }

    enum Namespace {
        static let organization: UInt32 = 0x9A00_0000
        static let dataset: UInt32 = 0x9D00_0000
        static let export: UInt32 = 0x9E00_0000
        static func images(of dataset: Dataset) -> UInt32 { 0x9100_0000 | UInt32(dataset.number) }
        static func annotations(of dataset: Dataset) -> UInt32 { 0x9200_0000 | UInt32(dataset.number) }
    }

    static func organizationID(_ organization: Organization) -> String {
        SimulatedID.uuid(namespace: Namespace.organization, index: organization == .a ? 1 : 2)
    }

    /// `{"error": {"code", "message", "details"}, "detail": message}` with JSON content type.
    static func error(
        _ status: Int, _ code: String, _ message: String, details: [String: JSONValue] = [:]
    ) -> HTTPResponse {
        .json(
            status,
            [
                "error": ["code": .string(code), "message": .string(message), "details": .object(details)],
                "detail": .string(message),
            ])
    }

    /// A FastAPI validation failure: 422 (or `status`), `details.errors` and `detail` both
    /// the field list.
    static func validation(_ errors: [JSONValue], status: Int = 422) -> HTTPResponse {
        .json(
            status,
            [
                "error": [
                    "code": "validation_error", "message": "Request validation failed",
                    "details": ["errors": .array(errors)],
                ],
                "detail": .array(errors),
            ])
    }

    /// One FastAPI field error.
    static func fieldError(_ loc: [JSONValue], _ message: String, _ type: String) -> JSONValue {
        ["loc": .array(loc), "msg": .string(message), "type": .string(type)]
    }
}

/// Unique `X-Request-Id` values, `req_00000001` upward, shared by routes and faults.
final class RequestIDs: Sendable {
    private let counter = Mutex(0)

    func next() -> String {
        let value = counter.withLock { counter in
            counter += 1
            return counter
        }
        return String(format: "req_%08d", value)
    }
}
