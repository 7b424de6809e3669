import ExportGateway
import Foundation
import Synchronization

/// A faithful, in-memory Label Studio 1.23.2 (open source), following
/// `shared/protocols/label-studio.md`, section 9 "Simulator checklist": projects, tasks,
/// export snapshots and their downloads and conversions, personal access tokens and the
/// short-lived access tokens they are exchanged for, Django REST Framework's error envelope,
/// and Django's slash rules with their 170 KB HTML 404 pages.
///
/// Label Studio has no storage host: a snapshot is downloaded from the API itself, with the
/// API credential, as one line of JSON whose body ends when the connection closes. The
/// simulator still takes a storage origin (``SimulatorServer`` binds one for every simulator),
/// and nothing is ever put there.
///
/// Exports are synchronous, as on a server without Redis: the create answers `201` with a
/// `completed` export. The knobs make it otherwise (see ``init(apiBaseURL:storageBaseURL:pollsToComplete:createDuration:accessTokenLifetime:legacyTokensEnabled:zipsDifferPerRequest:)``
/// and ``scriptNextExport(_:)``). Seeded projects hold any number of tasks without storing
/// them: each task is computed from its index.
///
/// ```swift
/// let labelStudio = LabelStudioSimulator()
/// let project = labelStudio.seedDataset(named: "Street scenes", itemCount: 250)   // "1"
/// let access = labelStudio.accessToken()   // or POST /api/token/refresh/ {"refresh": apiKey}
/// ```
public final class LabelStudioSimulator: ServableSimulator {
    /// The release the simulator reproduces (`/api/version`, every error's `version`).
    public static let release = "1.23.2"

    /// Label Studio exports only complete or fail: there is no canceled state, so
    /// ``ExportScript/cancels(afterPolls:)`` makes an export fail.
    public static var canCancelExports: Bool { false }

    /// The shared machinery: clock, request log, faults (and a storage origin Label Studio never uses).
    public let host: SimulatorHost
    /// A personal access token of the organization's owner: a refresh JWT
    /// (`{"token_type":"refresh","exp":…,"iat":…,"jti":…,"user_id":"1"}`), what a pipeline is
    /// configured with. Exchange it at `POST /api/token/refresh/` for an access token.
    public let apiKey: String
    /// A valid personal access token of a user soft-removed from the organization: project
    /// detail, tasks, export detail and downloads answer 403; project and export lists and
    /// export creates still work (protocol note, section 7.2).
    public let restrictedAPIKey: String
    /// The owner's legacy token (`Authorization: Token …`, `X-Api-Key: …`): accepted only
    /// while ``legacyTokensEnabled``.
    public let legacyAPIKey: String
    /// How many status reads an export created without a script takes: 0 (the default) is
    /// the real server without Redis, finishing inside the create; N > 0 is "Redis mode",
    /// where the create answers `in_progress` and read N of the export sees it `completed`.
    public let pollsToComplete: Int
    /// How long, in simulated seconds, a synchronous create takes: 0 (the default) answers at
    /// once; more holds the answer that long while every other request sees the export
    /// `in_progress` (in-process the clock moves on by as much when the answer is delivered;
    /// a lost answer leaves the export running until ``advanceTime(by:)`` passes it).
    public let createDuration: TimeInterval
    /// How long an access token lives, in simulated seconds (300, simplejwt's default).
    public let accessTokenLifetime: TimeInterval
    /// Whether every converted zip (`COCO`, `VOC`, `YOLO`…) differs from the last, as the real
    /// converters' zips do (entry times, COCO's `date_created`): what catches a client that
    /// splices ranges of two requests. Off by default, so archives are reproducible.
    public let zipsDifferPerRequest: Bool

    /// What signs the simulator's JWTs (HS256 on the real server; here a keyed digest).
    let signingSecret = "label-studio-simulator-secret-key"
    let state: Mutex<State>

    /// Creates a simulator with no projects.
    ///
    /// - Parameters:
    ///   - apiBaseURL: the server root (every route starts `/api/`), plain HTTP as Label Studio serves.
    ///   - storageBaseURL: an origin nothing is stored at (Label Studio serves files from the API).
    ///   - pollsToComplete: 0 for synchronous exports; N for Redis mode (see ``pollsToComplete``).
    ///   - createDuration: simulated seconds a synchronous create takes (see ``createDuration``).
    ///   - accessTokenLifetime: simulated seconds an access token lives; a few seconds tests refresh.
    ///   - legacyTokensEnabled: whether legacy `Token` keys work (off, as on a new server).
    ///   - zipsDifferPerRequest: whether converted zips differ on every request.
    public init(
        apiBaseURL: URL = URL(string: "http://label-studio.sim:8080")!,
        storageBaseURL: URL = URL(string: "http://storage.label-studio.sim")!,
        pollsToComplete: Int = 0, createDuration: TimeInterval = 0, accessTokenLifetime: TimeInterval = 300,
        legacyTokensEnabled: Bool = false, zipsDifferPerRequest: Bool = false
    ) {
        self.pollsToComplete = max(0, pollsToComplete)
        // Bounded so the seconds always fit a JWT's `exp` and a Duration.
        self.createDuration = min(max(0, createDuration), 86_400 * 365)
        self.accessTokenLifetime = min(max(1, accessTokenLifetime), Double(JSONWebToken.personalTokenLifetime))
        self.zipsDifferPerRequest = zipsDifferPerRequest
        legacyAPIKey = "3f8a6c1e9b2d4705a1c8e6f0b9d2a4c7e5f10b38"
        let issued = Int(SimulatedTime.start.timeIntervalSince1970)
        let owner = JSONWebToken.personalAccessToken(
            userID: 1, jti: JSONWebToken.jti(seed: 1), issuedAt: issued, secret: signingSecret)
        let removed = JSONWebToken.personalAccessToken(
            userID: 2, jti: JSONWebToken.jti(seed: 2), issuedAt: issued, secret: signingSecret)
        apiKey = owner
        restrictedAPIKey = removed
        var initial = State(legacyTokensEnabled: legacyTokensEnabled)
        initial.refreshTokens = [
            RefreshToken(token: owner, userID: 1), RefreshToken(token: removed, userID: 2),
        ]
        state = Mutex(initial)
        host = SimulatorHost(
            apiBaseURL: apiBaseURL, storageBaseURL: storageBaseURL, secrets: [owner, removed, legacyAPIKey],
            faultShapes: Self.faultShapes)
    }

    /// The in-process transport: every request to the API origin goes to the simulator.
    public var transport: SimulatorTransport {
        host.transport(deliveringRoutes: { [self] request in self.respond(to: request) })
    }

    /// Whether legacy tokens (``legacyAPIKey`` as `Authorization: Token …` or `X-Api-Key`)
    /// are accepted; `POST /api/jwt/settings` changes it too.
    public var legacyTokensEnabled: Bool {
        get { state.withLock { $0.legacyTokensEnabled } }
        set { state.withLock { $0.legacyTokensEnabled = newValue } }
    }

    /// A fresh access token for the personal access token `key` (``apiKey`` unless given), as
    /// `POST /api/token/refresh/` answers it; `nil` for a key that is not a live token here.
    public func accessToken(for key: String? = nil) -> String? {
        switch refresh(key ?? apiKey) {
        case .success(let access): access
        case .failure: nil
        }
    }

    /// Seeds an image project (`RectangleLabels` "Car"/"Person" over `$image`) of `itemCount`
    /// tasks and returns its id as text ("1", "2"…). Tasks cycle through annotated (boxes in
    /// percent with `original_width`/`original_height`), skipped, predicted and unlabeled.
    @discardableResult
    public func seedDataset(named name: String, itemCount: Int) -> String {
        String(seedProject(named: name, kind: .imageBoxes, itemCount: itemCount))
    }

    /// Seeds a text project (`Choices` "Positive"/"Negative"/"Neutral" over `$text`) of
    /// `itemCount` tasks and returns its id as text.
    @discardableResult
    public func seedTextProject(named name: String, itemCount: Int) -> String {
        String(seedProject(named: name, kind: .textChoices, itemCount: itemCount))
    }

    /// Makes the next created export follow `script` instead of the default. The create's own
    /// answer is read 0: `.completes(afterPolls: 0)` is a synchronous completion,
    /// `.fails(afterPolls: 0, reason:)` a synchronous failure (`201 failed`, `md5: ""`,
    /// `finished_at` set), a later poll count is Redis mode (the create answers `in_progress`),
    /// `.hangs(rawStatus: nil)` never finishes and `.hangs(rawStatus: word)` reports `word`.
    /// Label Studio has no failure reason: a script's reason is not shown.
    public func scriptNextExport(_ script: ExportScript) {
        state.withLock { $0.scripts.append(script) }
    }

    /// Makes the next `POST …/convert` answer `500` and leave its `converted_formats` entry
    /// `in_progress` forever, as converting to a format that yields no file does.
    public func failNextConversion() {
        state.withLock { $0.failNextConversion = true }
    }

    func seedProject(named name: String, kind: Project.Kind, itemCount: Int) -> Int {
        state.withLock { state in
            let id = state.projects.count + 1
            let count = max(0, itemCount)
            state.projects.append(
                Project(
                    id: id, title: name, description: "", kind: kind, taskCount: count,
                    firstTaskID: state.nextTaskID, createdAt: host.time.now, createdBy: 1))
            state.nextTaskID += count
            return id
        }
    }

    // MARK: State

    /// A user: the owner (1) and the user removed from the organization (2).
    struct User: Sendable {
        var id: Int
        var email: String
        /// Soft-removed from the organization: object views answer 403.
        var removed: Bool
    }

    /// A project; its tasks are computed from (project, index), ids `firstTaskID…`.
    struct Project: Sendable {
        enum Kind: Sendable {
            /// Bounding boxes over images.
            case imageBoxes
            /// One sentiment choice per text.
            case textChoices
            /// Made by `POST /api/projects/`, with whatever config it was given.
            case custom(labelConfig: String)
            /// ``SeededAnnotations/images`` as boxes and polygons in percent, one task each.
            case annotatedImages
        }

        var id: Int
        var title: String
        var description: String
        var kind: Kind
        var taskCount: Int
        var firstTaskID: Int
        var createdAt: Date
        var createdBy: Int

        var taskIDs: Range<Int> { firstTaskID..<(firstTaskID + taskCount) }
    }

    /// A personal access token handed out, and whether it was blacklisted.
    struct RefreshToken: Sendable {
        var token: String
        var userID: Int
        var blacklisted = false
    }

    struct State {
        let users = [
            User(id: 1, email: "admin@example.com", removed: false),
            User(id: 2, email: "removed@example.com", removed: true),
        ]
        var projects: [Project] = []
        var nextTaskID = 1
        var exports: [ExportRecord] = []
        var nextExportID = 1
        var nextConversionID = 1
        var scripts: [ExportScript] = []
        var failNextConversion = false
        var legacyTokensEnabled: Bool
        var apiTokensEnabled = true
        var refreshTokens: [RefreshToken] = []
        var tokensIssued = 2
        var sessionsIssued = 0
        var zipsWritten = 0

        init(legacyTokensEnabled: Bool) { self.legacyTokensEnabled = legacyTokensEnabled }

        func user(_ id: Int) -> User? { users.first { $0.id == id } }
        func project(_ id: Int) -> Project? { projects.first { $0.id == id } }
    }
}

// VendorSimulator conformance: LabelStudioSimulator+Conformance.swift, added with the adapter.
