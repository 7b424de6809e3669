import ExportGateway
import ExportGatewayAvala
import Foundation
import Synchronization

/// A faithful, in-memory Avala REST API (`/api/v1`): exports, datasets, items, sequences
/// and projects, with Avala's paths, headers, JSON fields, status words, cursor pages and
/// error bodies (see `shared/protocols/avala.md`, "Simulator checklist").
///
/// Seeded datasets hold any number of items without storing them: each item is computed
/// from its index. Exports advance `requested → exporting → exported` as they are read, and
/// their result is a real ZIP served by a separate storage origin by signed, expiring URLs.
///
/// ```swift
/// let avala = AvalaSimulator()
/// let dataset = avala.seedDataset(named: "street-scenes", itemCount: 1_000)   // "sim-org/street-scenes"
/// let gateway = avala.gateway()
/// ```
public final class AvalaSimulator: VendorSimulator {
    /// Which status words exports report.
    public enum Vocabulary: Sendable {
        /// The REST API's words: requested, exporting, exported, failed, aborted.
        case rest
        /// The TypeScript SDK's words: pending, processing, completed, failed.
        case typescript
    }

    /// The owner segment of every seeded dataset (`sim-org/<slug>`).
    public static let owner = "sim-org"

    /// The Avala adapter.
    public static let provider = AvalaProvider.descriptor
    public let host: SimulatorHost
    public let apiKey: String
    public let restrictedAPIKey: String
    /// The status words exports report.
    public let vocabulary: Vocabulary
    /// How many reads a default export takes to complete.
    public let pollsToComplete: Int

    let state = Mutex(State())
    /// Item pages already encoded (a dataset's items never change once seeded): 64 MiB at
    /// most, about a hundred pages of a thousand items.
    let pageBodies = EncodedBodyCache<String>(limit: 64 * 1024 * 1024)

    /// Creates a simulator with empty state.
    public init(
        apiBaseURL: URL = URL(string: "https://api.avala.sim/api/v1")!,
        storageBaseURL: URL = URL(string: "https://storage.avala.sim")!,
        apiKey: String = "avk_sim_fake_full_access",
        restrictedAPIKey: String = "avk_sim_fake_restricted",
        vocabulary: Vocabulary = .rest, pollsToComplete: Int = 3
    ) {
        self.apiKey = apiKey
        self.restrictedAPIKey = restrictedAPIKey
        self.vocabulary = vocabulary
        self.pollsToComplete = max(1, pollsToComplete)
        host = SimulatorHost(
            apiBaseURL: apiBaseURL, storageBaseURL: storageBaseURL, secrets: [apiKey, restrictedAPIKey],
            faultShapes: Self.faultShapes(apiPath: apiBaseURL.path))
    }

    public var transport: SimulatorTransport {
        host.transport { [self] request in self.respond(to: request) }
    }

    @discardableResult
    public func seedDataset(named name: String, itemCount: Int) -> String {
        seedDataset(named: name, itemCount: itemCount, sequenceCount: 0)
    }

    /// Seeds a dataset with `itemCount` items and `sequenceCount` sequences; returns
    /// `"sim-org/<slug>"`. Statuses cycle through every Avala item and sequence word.
    @discardableResult
    public func seedDataset(named name: String, itemCount: Int, sequenceCount: Int) -> String {
        state.withLock { state in
            let base = Self.slug(name)
            var slug = base
            var suffix = 2
            while state.datasets.contains(where: { $0.slug == slug }) {
                slug = "\(base)-\(suffix)"
                suffix += 1
            }
            let number = state.datasets.count
            state.datasets.append(
                Dataset(
                    number: number, uid: SimulatedID.uuid(namespace: Namespace.dataset, index: number),
                    owner: Self.owner,
                    slug: slug, name: name, itemCount: max(0, itemCount), sequenceCount: max(0, sequenceCount),
                    createdAt: host.time.now))
            return "\(Self.owner)/\(slug)"
        }
    }

    /// Seeds a project over a new dataset of `itemCount` items; returns the project's uid.
    @discardableResult
    public func seedProject(named name: String, itemCount: Int) -> String {
        let reference = seedDataset(named: name, itemCount: itemCount)
        return state.withLock { state in
            let dataset = state.datasets.first { "\($0.owner)/\($0.slug)" == reference }!
            let number = state.projects.count
            let uid = SimulatedID.uuid(namespace: Namespace.project, index: number)
            state.projects.append(Project(uid: uid, name: name, datasetUID: dataset.uid, createdAt: host.time.now))
            return uid
        }
    }

    /// The uid of a seeded dataset, given the `owner/slug` that ``seedDataset(named:itemCount:)`` returned.
    public func datasetUID(for reference: String) -> String? {
        state.withLock { state in state.datasets.first { "\($0.owner)/\($0.slug)" == reference }?.uid }
    }

    public func scriptNextExport(_ script: ExportScript) {
        state.withLock { $0.scripts.append(script) }
    }

    // MARK: State

    struct Dataset {
        var number: Int
        var uid: String
        var owner: String
        var slug: String
        var name: String
        var itemCount: Int
        var sequenceCount: Int
        var createdAt: Date
        /// Whether its `YOLO` exports hold ``SeededAnnotations`` (``seedAnnotatedSource()``).
        var annotated = false
    }

    struct Project {
        var uid: String
        var name: String
        var datasetUID: String
        var createdAt: Date
    }

    struct State {
        var datasets: [Dataset] = []
        var projects: [Project] = []
        var exports: [ExportRecord] = []
        var scripts: [ExportScript] = []
    }

    enum Namespace {
        static let dataset: UInt32 = 0xD000_0000
        static let project: UInt32 = 0xC000_0000
        static let export: UInt32 = 0xE000_0000
        static func items(of dataset: Dataset) -> UInt32 { 0xA000_0000 | UInt32(dataset.number) }
        static func sequences(of dataset: Dataset) -> UInt32 { 0xB000_0000 | UInt32(dataset.number) }
    }

    static func slug(_ name: String) -> String {
        let lowered = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let collapsed = String(lowered).split(separator: "-").joined(separator: "-")
        return collapsed.isEmpty ? "dataset" : String(collapsed.prefix(100))
    }
}
