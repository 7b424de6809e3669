import ExportGateway
import ExportGatewayPictograph
import ExportGatewayTesting
import Foundation
import Synchronization
import Testing

// MARK: - Helpers

/// Forwards to another transport and keeps every exchange, so tests can read the headers
/// the server answered with and the exact, unredacted bodies sent (the simulator's log keeps
/// request bodies with keys redacted, but no responses).
private final class Recorder: HTTPTransport {
    struct Exchange: Sendable {
        var request: HTTPRequest
        /// `nil` when the transport threw (a dropped connection or a lost answer).
        var response: HTTPResponse?
    }

    private let inner: any HTTPTransport
    private let log = Mutex<[Exchange]>([])

    init(_ inner: any HTTPTransport) { self.inner = inner }

    var exchanges: [Exchange] { log.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        do {
            let response = try await inner.send(request)
            log.withLock { $0.append(Exchange(request: request, response: response)) }
            return response
        } catch {
            log.withLock { $0.append(Exchange(request: request, response: nil)) }
            throw error
        }
    }
}

/// A fresh Pictograph simulator plus a virtual clock, and gateways over them: waits and
/// retries run instantly, and every request the adapter sends lands in the simulator's log
/// (and, with its body and answer, in ``Recorder``).
private struct Pictograph {
    let simulator: PictographSimulator
    let recorder: Recorder
    let clock = VirtualClock()

    init(pollsToComplete: Int = 3) {
        simulator = PictographSimulator(pollsToComplete: pollsToComplete)
        recorder = Recorder(simulator.transport)
    }

    /// A gateway with the simulator's owner key unless `key` says otherwise.
    func gateway(key: String? = nil, retryPolicy: RetryPolicy = .standard, pageSize: Int = 100) -> Gateway {
        simulator.gateway(
            apiKey: key, transport: recorder,
            options: GatewayOptions(
                pageSize: pageSize, pollInterval: .seconds(2), maxPollInterval: .seconds(10), retryPolicy: retryPolicy,
                clock: clock))
    }

    /// Seeds a dataset; its name is the reference.
    func dataset(_ name: String, items: Int = 4) -> DatasetRef {
        DatasetRef(rawValue: simulator.seedDataset(named: name, itemCount: items))
    }

    /// Every request the simulator received so far (API and storage).
    var requestCount: Int { simulator.requestLog.requests.count }

    /// API requests with `method` whose raw path is `/api/v1/developer/exports` + `path`.
    func requests(_ method: HTTPMethod, _ path: String) -> [RequestLog.Entry] {
        simulator.requestLog.requests(to: simulator.apiBaseURL).filter {
            $0.method == method && Self.rawPath($0.url) == "/api/v1/developer/exports" + path
        }
    }

    /// The JSON bodies of the recorded requests with `method` to `/api/v1/developer/exports` + `path`.
    func bodies(_ method: HTTPMethod, _ path: String) throws -> [JSONValue] {
        try recorder.exchanges.filter {
            $0.request.method == method && Self.rawPath($0.request.url) == "/api/v1/developer/exports" + path
        }.map { try JSONValue(parsing: try #require($0.request.body)) }
    }

    /// The one create body sent so far.
    func createBody() throws -> [String: JSONValue] {
        let bodies = try bodies(.post, "/")
        try #require(bodies.count == 1)
        return try #require(bodies[0].objectValue)
    }

    /// The `X-Request-Id` of the last answer the server sent.
    var lastRequestID: String? { recorder.exchanges.last { $0.response != nil }?.response?.headers["X-Request-Id"] }

    /// The path as sent, percent-escapes kept (`URL.path` would decode `%2F`).
    static func rawPath(_ url: URL) -> String {
        URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? url.path
    }
}

/// A fresh folder for downloads, removed by the caller.
private func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pictograph-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// Whether `text` is 32 lowercase hex digits, the SDK's `uuid4().hex`.
private func isIdempotencyKey(_ text: String?) -> Bool {
    guard let text else { return false }
    return text.count == 32 && text.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
}

/// The field errors of an `invalidRequest`, or `nil` (recording an issue) for another kind.
private func fieldErrors(of error: GatewayError, sourceLocation: SourceLocation = #_sourceLocation) -> [String: [String]]? {
    guard case .invalidRequest(let fieldErrors) = error.kind else {
        Issue.record("expected invalidRequest, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
    return fieldErrors
}

private let unknownID = "00000000-0000-4000-8000-00000000dead"

/// The Pictograph adapter through the gateway's public API, against the Pictograph simulator.
@Suite("PictographProvider") struct PictographProviderTests {}

// MARK: - 1. Descriptor and capabilities

extension PictographProviderTests {
    @Suite("descriptor and capabilities")
    struct DescriptorAndCapabilities {
        @Test func descriptorNamesPictographsHostAndVariables() {
            let descriptor = PictographProvider.descriptor
            #expect(descriptor.id == .pictograph && descriptor.id.rawValue == "pictograph")
            #expect(descriptor.defaultBaseURL.absoluteString == "https://api.pictograph.io")
            #expect(descriptor.apiKeyEnvironmentVariable == "PICTOGRAPH_API_KEY")
            #expect(descriptor.baseURLEnvironmentVariable == "PICTOGRAPH_BASE_URL")
            #expect(ProviderSet.pictograph.ids == [.pictograph])
        }

        @Test func capabilitiesSayWhatTheAdapterDoes() {
            let capabilities = PictographProvider().capabilities
            #expect(capabilities.listsExports && capabilities.deletesExports)
            #expect(capabilities.exportsDatasets && !capabilities.exportsProjects)
            #expect(capabilities.formats == [.native, .coco, .yolo, .pascalVOC, .csv])
            #expect(capabilities.filters == ["filters.classes", "filters.itemStatuses"])
            #expect(capabilities.itemKinds.isEmpty && !capabilities.streamsRecords)
            #expect(capabilities.resumableDownloads && capabilities.idempotentCreate && capabilities.readsExportsByName)
        }

        @Test func everyRequestCarriesTheKeyInXAPIKeyAndNothingElse() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("keyed"))))
            _ = try await gateway.export(created.id)
            _ = try await gateway.exports().collect()
            let sent = pictograph.recorder.exchanges.map(\.request)
            try #require(sent.count == 3)
            for request in sent {
                #expect(request.headers["X-API-Key"] == pictograph.simulator.apiKey)
                #expect(request.headers["Authorization"] == nil)
                #expect(request.credentialHeaderNames == ["x-api-key"])
                #expect(request.headers["Accept"] == "application/json")
            }
            #expect(pictograph.simulator.requestLog.requests.allSatisfy { $0.carriedCredential && [200, 201].contains($0.status ?? 0) })
        }
    }
}

// MARK: - 2. Status words

extension PictographProviderTests {
    @Suite("export status")
    struct StatusWords {
        @Test("Pictograph's four words, and unknown ones kept verbatim", arguments: [
            ("pending", ExportStatus.pending), ("processing", .running), ("completed", .completed), ("failed", .failed),
            ("Completed", .unknown("Completed")), ("cancelled", .unknown("cancelled")), ("queued", .unknown("queued")),
            ("", .unknown("")),
        ])
        func wordMapsToStatus(word: String, expected: ExportStatus) {
            #expect(PictographProvider.exportStatus(for: word) == expected)
        }

        @Test func missingStatusIsUnknownAndNotTerminal() {
            #expect(PictographProvider.exportStatus(for: nil) == .unknown(""))
            #expect(!PictographProvider.exportStatus(for: nil).isTerminal)
            #expect(!PictographProvider.exportStatus(for: "quarantined").isTerminal)
            #expect(PictographProvider.exportStatus(for: "completed").isTerminal)
            #expect(PictographProvider.exportStatus(for: "failed").isTerminal)
        }

        @Test func defaultExportGoesPendingProcessingCompleted() async throws {
            let pictograph = Pictograph(pollsToComplete: 3)
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("flow"))))
            var reads = [created]
            for _ in 0..<3 { reads.append(try await gateway.export(created.id)) }
            #expect(reads.first?.status == .pending && reads.first?.rawStatus == "pending")
            #expect(reads.last?.status == .completed && reads.last?.rawStatus == "completed")
            #expect(reads.contains { $0.status == .running && $0.rawStatus == "processing" })
            #expect(reads.allSatisfy { $0.status == PictographProvider.exportStatus(for: $0.rawStatus) })
            #expect(reads.last?.downloadLocation != nil)
            #expect(reads.dropLast().allSatisfy { $0.downloadLocation == nil })
            #expect(reads.allSatisfy { $0.progress == nil })
        }

        @Test("Scripted endings read through the gateway, raw word kept", arguments: [
            (ExportScript.completes(afterPolls: 1), "completed", ExportStatus.completed),
            (.fails(afterPolls: 1, reason: "disk full"), "failed", .failed),
            (.hangs(rawStatus: "quarantined"), "quarantined", .unknown("quarantined")),
        ])
        func scriptedEnding(script: ExportScript, rawStatus: String, expected: ExportStatus) async throws {
            let pictograph = Pictograph()
            pictograph.simulator.scriptNextExport(script)
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("scripted"))))
            let read = try await gateway.export(created.id)
            #expect(read.status == expected)
            #expect(read.rawStatus == rawStatus)
            #expect((read.downloadLocation != nil) == (expected == .completed))
            #expect(read.failureReason == (expected == .failed ? "disk full" : nil))
        }

        @Test func unknownWordInAListingIsKeptNotFatal() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("odd")
            pictograph.simulator.scriptNextExport(.hangs(rawStatus: "quarantined"))
            let odd = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
            let plain = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
            _ = try await gateway.export(odd.id)
            let listed = try await gateway.exports().collect()
            #expect(Set(listed.map(\.id)) == [odd.id, plain.id])
            #expect(listed.first { $0.id == odd.id }?.status == .unknown("quarantined"))
        }

        @Test func waitFailsWithThePictographReason() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.scriptNextExport(.fails(afterPolls: 2, reason: "annotation store unavailable"))
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("doomed"))))
            let error = try await #require(throws: GatewayError.self) {
                try await gateway.wait(for: created, timeout: .seconds(600))
            }
            #expect(error.kind == .exportFailed(reason: "annotation store unavailable"))
        }

        @Test func waitOnAnUnknownWordTimesOutCarryingIt() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.scriptNextExport(.hangs(rawStatus: "quarantined"))
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("stuck"))))
            let error = try await #require(throws: GatewayError.self) {
                try await gateway.wait(for: created, timeout: .seconds(30))
            }
            #expect(error.kind == .timeout(lastStatus: .unknown("quarantined")))
        }
    }
}

// MARK: - 3. Creating exports

extension PictographProviderTests {
    @Suite("creating exports")
    struct CreatingExports {
        @Test func namedCreateSendsTheSDKBodyAndMapsTheAnswer() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("street scenes", items: 6)
            let export = try await pictograph.gateway().createExport(ExportRequest(
                source: .dataset(dataset), name: "Training Export v1", format: .coco,
                filters: ExportFilters(itemStatuses: [.completed], classes: ["car", "person"]), includeMedia: true))
            let body = try pictograph.createBody()
            #expect(body == [
                "dataset_name": "street scenes", "name": "Training Export v1", "format": "coco", "include_images": true,
                "class_filter": ["car", "person"], "status_filter": "complete",
            ])
            #expect(export.provider == .pictograph)
            #expect(export.name == "Training Export v1")
            #expect(export.format == .coco)
            #expect(export.source == .dataset(dataset))
            #expect(export.status == .pending && export.rawStatus == "pending")
            #expect(export.downloadLocation == nil && export.progress == nil && export.failureReason == nil)
            #expect(export.createdAt != nil)
            #expect(export.providerFields["include_images"] == true)
            #expect(export.providerFields["class_filter"] == ["car", "person"])
            #expect(export.providerFields["status_filter"] == "complete")
            #expect(export.providerFields["id"]?.stringValue == export.id.rawValue)
        }

        @Test func createCarriesAFreshIdempotencyKeyEachCall() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("keys")
            let gateway = pictograph.gateway()
            _ = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "one"))
            _ = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "two"))
            let posts = pictograph.requests(.post, "/")
            try #require(posts.count == 2)
            let keys = posts.map { $0.headers["Idempotency-Key"] }
            #expect(keys.allSatisfy(isIdempotencyKey))
            #expect(keys[0] != keys[1])
            #expect(pictograph.requests(.get, "/").isEmpty)
        }

        @Test func unnamedCreateGetsAUniqueGeneratedName() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("unnamed")
            let gateway = pictograph.gateway()
            let first = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
            let second = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
            let pattern = /exportgateway-\d{8}-\d{6}-[0-9a-f]{8}/
            for export in [first, second] {
                let name = try #require(export.name)
                #expect(name.wholeMatch(of: pattern) != nil, "\(name)")
            }
            #expect(first.name != second.name, "a second unnamed create must not collide (409) with the first")
            let bodies = try pictograph.bodies(.post, "/")
            #expect(bodies.map { $0["name"] } == [first.name, second.name].map { $0.map(JSONValue.string) })
            // The stamp is the current UTC time.
            let stamp = try #require(first.name?.split(separator: "-")[1])
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let today = calendar.dateComponents([.year, .month, .day], from: Date())
            #expect(stamp == String(format: "%04d%02d%02d", today.year!, today.month!, today.day!))
        }

        @Test func bareRequestSendsPictographDefaults() async throws {
            let pictograph = Pictograph()
            let export = try await pictograph.gateway().createExport(ExportRequest(source: .dataset(pictograph.dataset("bare"))))
            let body = try pictograph.createBody()
            #expect(body.keys.sorted() == ["dataset_name", "format", "include_images", "name"])
            #expect(body["format"] == "pictograph" && body["include_images"] == false)
            #expect(export.format == ExportFormat(rawValue: "pictograph"))
            #expect(export.providerFields["include_images"] == false)
            #expect(export.providerFields["status_filter"].map(\.isNull) ?? true)
            #expect(export.providerFields["class_filter"].map(\.isNull) ?? true)
        }

        @Test("Formats map to Pictograph's words; its own words pass verbatim", arguments: [
            (ExportFormat.native as ExportFormat?, "pictograph"), (.coco, "coco"), (.yolo, "yolo"), (.pascalVOC, "pascal_voc"),
            (.csv, "csv"), (nil, "pictograph"), (ExportFormat(rawValue: "darwin"), "darwin"),
            (ExportFormat(rawValue: "yolo_obb"), "yolo_obb"), (ExportFormat(rawValue: "labelme"), "labelme"),
        ])
        func format(format: ExportFormat?, word: String) async throws {
            let pictograph = Pictograph()
            let export = try await pictograph.gateway().createExport(
                ExportRequest(source: .dataset(pictograph.dataset("formats")), format: format))
            #expect(try pictograph.createBody()["format"]?.stringValue == word)
            #expect(export.providerFields["format"]?.stringValue == word)
            #expect(export.format == ExportFormat(rawValue: word), "the answer's word is kept verbatim")
        }

        @Test("includeMedia is include_images, false unless asked", arguments: [
            (true as Bool?, true), (false, false), (nil, false),
        ])
        func includeImages(includeMedia: Bool?, sent: Bool) async throws {
            let pictograph = Pictograph()
            let export = try await pictograph.gateway().createExport(
                ExportRequest(source: .dataset(pictograph.dataset("media")), includeMedia: includeMedia))
            #expect(try pictograph.createBody()["include_images"] == .bool(sent))
            #expect(export.providerFields["include_images"] == .bool(sent))
        }

        @Test func classFilterIsSentOnlyWhenSet() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("classes")
            let gateway = pictograph.gateway()
            let filtered = try await gateway.createExport(
                ExportRequest(source: .dataset(dataset), filters: ExportFilters(classes: ["car"])))
            let plain = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
            let bodies = try pictograph.bodies(.post, "/")
            #expect(bodies.map { $0["class_filter"] ?? "absent" } == [["car"], "absent"])
            #expect(filtered.providerFields["class_filter"] == ["car"])
            #expect(plain.providerFields["class_filter"].map(\.isNull) ?? true)
        }

        @Test("One item status becomes Pictograph's image stage", arguments: [
            (ItemStatus.notStarted, "new"), (.inProgress, "annotate"), (.inReview, "review"), (.completed, "complete"),
        ])
        func statusFilter(status: ItemStatus, stage: String) async throws {
            let pictograph = Pictograph()
            let export = try await pictograph.gateway().createExport(ExportRequest(
                source: .dataset(pictograph.dataset("stages")), filters: ExportFilters(itemStatuses: [status])))
            #expect(try pictograph.createBody()["status_filter"]?.stringValue == stage)
            #expect(export.providerFields["status_filter"]?.stringValue == stage)
        }

        @Test("The raw status_filter option passes verbatim, but `all` is never sent", arguments: [
            ("complete" as JSONValue, "complete" as String?), ("review", "review"), ("all", nil), ("ALL", nil),
            (" All \n", nil), (.null, nil),
        ])
        func statusFilterOption(option: JSONValue, sent: String?) async throws {
            let pictograph = Pictograph()
            let export = try await pictograph.gateway().createExport(ExportRequest(
                source: .dataset(pictograph.dataset("option")), providerOptions: ["status_filter": option]))
            let body = try pictograph.createBody()
            #expect(body["status_filter"]?.stringValue == sent)
            #expect(body.keys.contains("status_filter") == (sent != nil))
            #expect(export.providerFields["status_filter"]?.stringValue == sent)
        }

        @Test func allImagesStillExportWhenAllIsAsked() async throws {
            let pictograph = Pictograph(pollsToComplete: 1)
            let dataset = pictograph.dataset("all images", items: 5)
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(dataset), providerOptions: ["status_filter": "all"]))
            let ready = try await gateway.wait(for: created, timeout: .seconds(60))
            #expect(ready.providerFields["image_count"]?.intValue == 5, "`all` sent literally would export 0 images")
        }

        @Test("organize_by_split is sent only when true", arguments: [
            (true as JSONValue?, true), (false, false), (.none, false),
        ])
        func organizeBySplit(option: JSONValue?, sent: Bool) async throws {
            let pictograph = Pictograph(pollsToComplete: 1)
            let options: [String: JSONValue] = option.map { ["organize_by_split": $0] } ?? [:]
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(pictograph.dataset("splits", items: 9)), providerOptions: options))
            let body = try pictograph.createBody()
            #expect(body["organize_by_split"]?.boolValue == (sent ? true : nil))
            #expect(body.keys.contains("organize_by_split") == sent)
            // The ZIP tells whether the server saw the flag: top-level split folders.
            let ready = try await gateway.wait(for: created, timeout: .seconds(60))
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let destination = folder.appendingPathComponent("splits.zip")
            try await gateway.download(ready, to: destination)
            let entries = try #require(ZipArchive.entries(of: try Data(contentsOf: destination)))
            let topLevel = Set(entries.compactMap { $0.path.split(separator: "/").first.map(String.init) })
            #expect(topLevel.contains("train") == sent, "top-level entries: \(topLevel.sorted())")
        }

        @Test func explicitEmptyNameIsSentForPictographToNameTheField() async throws {
            let pictograph = Pictograph()
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().createExport(ExportRequest(source: .dataset(pictograph.dataset("empty")), name: ""))
            }
            #expect(try pictograph.createBody()["name"] == "")
            #expect(error.httpStatus == 422)
            #expect(fieldErrors(of: error)?["name"]?.isEmpty == false)
        }
    }
}

// MARK: - 4. Refused before sending

extension PictographProviderTests {
    @Suite("refused before any request")
    struct RefusedBeforeSending {
        @Test("What Pictograph cannot honor is refused by name", arguments: [
            (ExportRequest(source: .project("p-1")), "source.project"),
            (ExportRequest(source: .dataset("d"), filters: ExportFilters(itemIDs: ["i1"])), "filters.itemIDs"),
            (ExportRequest(
                source: .dataset("d"),
                filters: ExportFilters(activity: DateInterval(start: Date(timeIntervalSince1970: 0), duration: 60))),
             "filters.activity"),
            (ExportRequest(source: .dataset("d"), providerOptions: ["compression": "zip"]), "providerOptions.compression"),
            (ExportRequest(source: .dataset("d"), providerOptions: ["dataset_name": "other"]), "providerOptions.dataset_name"),
            (ExportRequest(source: .dataset("d"), format: .json), "format json"),
            (ExportRequest(source: .dataset("d"), format: .ndjson), "format ndjson"),
        ])
        func unsupportedField(request: ExportRequest, feature: String) async throws {
            let pictograph = Pictograph()
            pictograph.simulator.seedDataset(named: "d", itemCount: 1)
            let error = try await #require(throws: GatewayError.self) { try await pictograph.gateway().createExport(request) }
            #expect(error.kind == .unsupported(feature: feature))
            #expect(error.provider == .pictograph)
            #expect("\(error)".contains(feature))
            #expect(pictograph.requestCount == 0)
        }

        @Test("Item statuses Pictograph cannot express are invalid", arguments: [
            [ItemStatus.completed, .inReview], [], [.approved], [.needsRework], [.unknown("complete")],
        ])
        func unexpressibleItemStatuses(statuses: [ItemStatus]) async throws {
            let pictograph = Pictograph()
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().createExport(
                    ExportRequest(source: .dataset("d"), filters: ExportFilters(itemStatuses: statuses)))
            }
            let messages = try #require(fieldErrors(of: error)?["filters.itemStatuses"])
            #expect(!messages.isEmpty && error.message.contains("stage"))
            #expect(error.httpStatus == nil)
            #expect(pictograph.requestCount == 0)
        }

        @Test("Options of the wrong type, or both status filters, are invalid", arguments: [
            (ExportRequest(source: .dataset("d"), providerOptions: ["status_filter": 5]), "providerOptions.status_filter"),
            (ExportRequest(source: .dataset("d"), providerOptions: ["status_filter": ["complete"]]),
             "providerOptions.status_filter"),
            (ExportRequest(source: .dataset("d"), providerOptions: ["organize_by_split": "yes"]),
             "providerOptions.organize_by_split"),
            (ExportRequest(source: .dataset("d"), providerOptions: ["organize_by_split": 1]),
             "providerOptions.organize_by_split"),
            (ExportRequest(
                source: .dataset("d"), filters: ExportFilters(itemStatuses: [.completed]),
                providerOptions: ["status_filter": "review"]),
             "providerOptions.status_filter"),
        ])
        func invalidOption(request: ExportRequest, field: String) async throws {
            let pictograph = Pictograph()
            let error = try await #require(throws: GatewayError.self) { try await pictograph.gateway().createExport(request) }
            #expect(fieldErrors(of: error)?[field]?.isEmpty == false)
            #expect(pictograph.requestCount == 0)
        }

        @Test func emptyIdNameOrDatasetIsRefusedRatherThanHittingTheList() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let byID = try await #require(throws: GatewayError.self) { try await gateway.export("") }
            #expect(fieldErrors(of: byID)?["id"] != nil)
            let byName = try await #require(throws: GatewayError.self) { try await gateway.export(named: "", in: "d") }
            #expect(fieldErrors(of: byName)?["name"] != nil)
            let inDataset = try await #require(throws: GatewayError.self) { try await gateway.export(named: "x", in: "") }
            #expect(fieldErrors(of: inDataset)?["dataset"] != nil)
            #expect(pictograph.requestCount == 0)
        }

        @Test func emptyBulkDeleteSendsNothing() async throws {
            let pictograph = Pictograph()
            let result = try await pictograph.gateway().deleteExports([])
            #expect(result.deleted.isEmpty && result.notFound.isEmpty)
            #expect(pictograph.requestCount == 0)
        }
    }
}

// MARK: - 5. Reading by id and by name

extension PictographProviderTests {
    @Suite("reading exports")
    struct ReadingExports {
        @Test func readByIDUsesTheBareIDPath() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("by id")
            let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "nightly", format: .yolo))
            let read = try await gateway.export(created.id)
            #expect(read.id == created.id && read.name == "nightly" && read.format == .yolo)
            #expect(read.source == .dataset(dataset))
            #expect(read.createdAt == created.createdAt)
            let gets = pictograph.requests(.get, "/\(created.id.rawValue)")
            try #require(gets.count == 1)
            #expect(gets[0].url.query == nil, "an id lookup carries no `dataset`")
            #expect(gets[0].headers["Idempotency-Key"] == nil, "GETs carry no idempotency key")
        }

        @Test func completedExportMapsEveryField() async throws {
            let pictograph = Pictograph(pollsToComplete: 1)
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(pictograph.dataset("complete", items: 7)), name: "full"))
            let ready = try await gateway.export(created.id)
            #expect(ready.status == .completed)
            let fields = ready.providerFields
            let location = try #require(ready.downloadLocation)
            #expect(location.url.absoluteString == fields["download_url"]?.stringValue)
            #expect(location.url.host == pictograph.simulator.storageBaseURL.host)
            #expect(location.byteCount != nil && location.byteCount == fields["file_size"]?.intValue)
            #expect(location.expiresAt == nil, "the export's expires_at is the ZIP's TTL, not the URL's")
            let completedAt = try #require(fields["completed_at"]?.stringValue.flatMap(ISO8601.date(from:)))
            #expect(ready.updatedAt == completedAt)
            #expect(ready.createdAt == fields["created_at"]?.stringValue.flatMap(ISO8601.date(from:)))
            #expect(fields["image_count"]?.intValue == 7)
        }

        @Test("Names with spaces and slashes are one escaped path segment", arguments: [
            ("Training Export v1", "Training%20Export%20v1"), ("by name / with spaces", "by%20name%20%2F%20with%20spaces"),
            ("a/b/c", "a%2Fb%2Fc"), ("v1.0_final-2", "v1.0_final-2"), ("100%+&?#", "100%25%2B%26%3F%23"),
            ("..", "%2E%2E"), ("Übersicht ✓", "%C3%9Cbersicht%20%E2%9C%93"),
        ])
        func readByName(name: String, escaped: String) async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("street scenes / 2024")
            let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: name))
            let read = try await gateway.export(named: name, in: dataset)
            #expect(read.id == created.id && read.name == name && read.source == .dataset(dataset))
            let gets = pictograph.requests(.get, "/\(escaped)")
            try #require(gets.count == 1, "sent: \(pictograph.simulator.requestLog.requests.map(\.url))")
            let query = try #require(URLComponents(url: gets[0].url, resolvingAgainstBaseURL: false)?.queryItems)
            #expect(query.map(\.name) == ["dataset"])
            #expect(query.first?.value == "street scenes / 2024")
        }

        @Test func sameNameInTwoDatasetsReadsEachOne() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let north = pictograph.dataset("North Cameras")
            let south = pictograph.dataset("South Cameras")
            let a = try await gateway.createExport(ExportRequest(source: .dataset(north), name: "nightly"))
            let b = try await gateway.createExport(ExportRequest(source: .dataset(south), name: "nightly"))
            #expect(a.id != b.id)
            #expect(try await gateway.export(named: "nightly", in: north).id == a.id)
            #expect(try await gateway.export(named: "nightly", in: south).id == b.id)
        }

        @Test func datasetNamesAreCaseSensitive() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("Street")
            _ = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "nightly"))
            let error = try await #require(throws: GatewayError.self) { try await gateway.export(named: "nightly", in: "street") }
            #expect(error.kind == .notFound)
        }

        @Test func unknownNameIdAndOtherOrganizationAreNotFound() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("known")
            let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "mine"))
            let byName = try await #require(throws: GatewayError.self) { try await gateway.export(named: "no such export", in: dataset) }
            #expect(byName.kind == .notFound && byName.httpStatus == 404)
            let byID = try await #require(throws: GatewayError.self) { try await gateway.export(ExportID(rawValue: unknownID)) }
            #expect(byID.kind == .notFound && byID.httpStatus == 404)
            let other = pictograph.gateway(key: pictograph.simulator.otherOrganizationAPIKey)
            let foreign = try await #require(throws: GatewayError.self) { try await other.export(created.id) }
            #expect(foreign.kind == .notFound, "another organization's export must not even be acknowledged")
        }
    }
}

// MARK: - 6. Listing

extension PictographProviderTests {
    @Suite("export listing")
    struct ExportListing {
        @Test func noExportsIsOneEmptyPage() async throws {
            let pictograph = Pictograph()
            #expect(try await pictograph.gateway().exports(pageSize: 3).collect().isEmpty)
            let lists = pictograph.requests(.get, "/")
            #expect(lists.count == 1)
            #expect(lists.first?.url.query == "limit=3&offset=0")
        }

        @Test("Pages to the end, advancing by what was received", arguments: [
            (1, 3, ["limit=3&offset=0"]),
            (3, 3, ["limit=3&offset=0"]),
            (6, 3, ["limit=3&offset=0", "limit=3&offset=3"]),
            (7, 3, ["limit=3&offset=0", "limit=3&offset=3", "limit=3&offset=6"]),
            (10, 1, (0..<10).map { "limit=1&offset=\($0)" }),
        ])
        func pagesToTheEnd(count: Int, pageSize: Int, queries: [String]) async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("listed")
            var created: [ExportID] = []
            for index in 0..<count {
                created.append(try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "e\(index)")).id)
            }
            let listed = try await gateway.exports(pageSize: pageSize).collect()
            #expect(listed.count == count)
            #expect(Set(listed.map(\.id)) == Set(created))
            #expect(listed.allSatisfy { $0.provider == .pictograph && $0.source == .dataset(dataset) })
            // A full last page says has_more false, and nothing more is fetched.
            #expect(pictograph.requests(.get, "/").map { $0.url.query } == queries)
        }

        @Test func listingIsNewestFirst() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("ordered")
            var created: [ExportID] = []
            for index in 0..<4 {
                pictograph.simulator.advanceTime(by: 60)
                created.append(try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "e\(index)")).id)
            }
            #expect(try await gateway.exports(pageSize: 2).collect().map(\.id) == created.reversed())
        }

        @Test("Page size is clamped to Pictograph's 1...1000", arguments: [(5000, 1000), (1000, 1000), (0, 1), (-4, 1)])
        func pageSizeIsClamped(pageSize: Int, limit: Int) async throws {
            let pictograph = Pictograph()
            _ = try await pictograph.gateway().exports(pageSize: pageSize).collect()
            #expect(pictograph.requests(.get, "/").map { $0.url.query } == ["limit=\(limit)&offset=0"])
        }
    }

    /// The stop rules of protocol section 3, for every page shape the SDK's pager copes with
    /// (no Boolean `has_more`, a silently capped page, the docs' bare array).
    @Suite("paging stop rules")
    struct PagingStopRules {
        /// A simulator holding `count` exports whose pages take `listing`'s shape, and the
        /// exports' ids newest first (the order Pictograph lists them in).
        fileprivate static func exports(_ count: Int, listing: PictographSimulator.Listing) async throws -> (Pictograph, [ExportID]) {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("paged")
            var created: [ExportID] = []
            for index in 0..<count {
                created.append(try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "e\(index)")).id)
            }
            pictograph.simulator.shapeListing(listing)
            return (pictograph, created.reversed())
        }

        /// The `offset` and `limit` of every list request, in order.
        fileprivate static func pages(_ pictograph: Pictograph) -> [(offset: String?, limit: String?)] {
            pictograph.requests(.get, "/").map { entry in
                let items = URLComponents(url: entry.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
                return (items.first { $0.name == "offset" }?.value, items.first { $0.name == "limit" }?.value)
            }
        }

        @Test("No Boolean has_more: a short page is the last", arguments: [
            (7, 3, [0, 3, 6]), (6, 3, [0, 3, 6]), (0, 3, [0]), (2, 3, [0]),
        ])
        func shortPageHeuristic(total: Int, pageSize: Int, offsets: [Int]) async throws {
            let shapes: [PictographSimulator.Listing.HasMore] = [.absent, .always("yes"), .always(1), .always(.null)]
            for shape in shapes {
                let (pictograph, expected) = try await Self.exports(total, listing: .init(hasMore: shape))
                let listed = try await pictograph.gateway().exports(pageSize: pageSize).collect()
                #expect(listed.map(\.id) == expected)
                #expect(Self.pages(pictograph).map(\.offset) == offsets.map(String.init), "has_more \(shape)")
            }
        }

        @Test func hasMoreFalseStopsEvenAfterAFullPage() async throws {
            let (pictograph, expected) = try await Self.exports(10, listing: .init(hasMore: .always(false)))
            let listed = try await pictograph.gateway().exports(pageSize: 4).collect()
            #expect(listed.map(\.id) == Array(expected.prefix(4)))
            #expect(Self.pages(pictograph).count == 1)
        }

        @Test func hasMoreTrueOnAShortPageKeepsGoingByTheCountReceived() async throws {
            // The server caps pages at 2 whatever the limit: the offset must advance by 2, not 5.
            let (pictograph, expected) = try await Self.exports(7, listing: .init(pageCap: 2))
            let listed = try await pictograph.gateway().exports(pageSize: 5).collect()
            #expect(listed.map(\.id) == expected)
            #expect(Self.pages(pictograph).map(\.offset) == ["0", "2", "4", "6"])
            #expect(Self.pages(pictograph).allSatisfy { $0.limit == "5" })
        }

        @Test func emptyPageStopsEvenWhenHasMoreIsTrue() async throws {
            let (pictograph, expected) = try await Self.exports(3, listing: .init(hasMore: .always(true)))
            let listed = try await pictograph.gateway().exports(pageSize: 3).collect()
            #expect(listed.map(\.id) == expected)
            #expect(Self.pages(pictograph).count == 2)
        }

        @Test(arguments: [["pagination": ["has_more": true]], ["data": .null, "pagination": ["has_more": true]]] as [JSONValue])
        func missingOrNullDataIsAnEmptyLastPage(body: JSONValue) async throws {
            let (pictograph, _) = try await Self.exports(3, listing: .init())
            pictograph.simulator.injectAnswer(.json(200, body), method: .get)
            #expect(try await pictograph.gateway().exports().collect().isEmpty)
            #expect(Self.pages(pictograph).count == 1)
        }

        @Test func docsShapedBareArrayIsRead() async throws {
            // Two exports, one page: a pager that ignored the short page would ask again.
            let (pictograph, expected) = try await Self.exports(2, listing: .init(bareArray: true))
            let listed = try await pictograph.gateway().exports(pageSize: 10).collect()
            #expect(listed.map(\.id) == expected && listed.allSatisfy { $0.status == .pending })
            #expect(Self.pages(pictograph).count == 1)
        }

        @Test func exportWithoutIDIsADecodingErrorNamingIt() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.injectAnswer(.json(200, ["data": [["name": "x", "status": "completed"]]]), method: .get)
            let error = try await #require(throws: GatewayError.self) { try await pictograph.gateway().exports().collect() }
            #expect(error.kind == .decoding)
            #expect(error.message.contains("`id`"))
        }
    }
}

// MARK: - 7. Mapping an export object

extension PictographProviderTests {
    /// Export objects exactly as the protocol notes show them, answered by the simulator in
    /// place of its own (which always sends today's full shape).
    @Suite("export mapping")
    struct ExportMapping {
        /// The protocol notes' completed example, with `project_id` standing in for `dataset_id`.
        static let completed: JSONValue = [
            "id": "3f2b9c1e-8a7d-4e21-9b0c-5d6e7f8a9b01", "project_id": "9a1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
            "dataset_name": "street-scenes", "name": "Training Export v1", "format": "pascal_voc", "include_images": true,
            "class_filter": ["car", "person"], "status_filter": "complete", "status": "completed", "error_message": .null,
            "file_size": 52_428_800, "image_count": 150, "annotation_count": 820, "created_at": "2024-01-15T10:30:00Z",
            "completed_at": "2024-01-15T10:35:00.250Z", "expires_at": "2024-02-14T10:35:00Z",
            "download_url": "https://storage.googleapis.com/pictograph-exports/org/export.zip?X-Goog-Signature=abc",
            "organization_id": "0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5", "unknown_extra": 1,
        ]

        @Test(arguments: [true, false])
        func everyFieldIsMapped(wrapped: Bool) async throws {
            let pictograph = Pictograph()
            pictograph.simulator.injectAnswer(.json(200, wrapped ? ["data": Self.completed] : Self.completed), method: .get)
            let export = try await pictograph.gateway().export("3f2b9c1e-8a7d-4e21-9b0c-5d6e7f8a9b01")
            #expect(pictograph.requests(.get, "/3f2b9c1e-8a7d-4e21-9b0c-5d6e7f8a9b01").count == 1)
            #expect(export.id == "3f2b9c1e-8a7d-4e21-9b0c-5d6e7f8a9b01" && export.provider == .pictograph)
            #expect(export.name == "Training Export v1")
            #expect(export.status == .completed && export.rawStatus == "completed")
            #expect(export.format == ExportFormat(rawValue: "pascal_voc"), "the vendor's word is kept verbatim")
            #expect(export.source == .dataset("street-scenes"))
            #expect(export.createdAt == ISO8601.date(from: "2024-01-15T10:30:00Z"))
            #expect(export.updatedAt == ISO8601.date(from: "2024-01-15T10:35:00.250Z"))
            #expect(export.downloadLocation == DownloadLocation(
                url: URL(string: "https://storage.googleapis.com/pictograph-exports/org/export.zip?X-Goog-Signature=abc")!,
                byteCount: 52_428_800))
            #expect(export.failureReason == nil && export.progress == nil)
            #expect(export.providerFields == Self.completed)
        }

        @Test func failedExportCarriesErrorMessage() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.injectAnswer(
                .json(200, ["data": ["id": "f", "status": "failed", "error_message": "out of memory", "download_url": .null]]),
                method: .get)
            let export = try await pictograph.gateway().export("f")
            #expect(export.status == .failed && export.failureReason == "out of memory")
            #expect(export.downloadLocation == nil && export.updatedAt == nil && export.source == nil)
        }

        @Test func createAnswerWithoutIDIsADecodingError() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.injectAnswer(.json(201, ["data": ["name": "x", "status": "pending"]]), method: .post)
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().createExport(ExportRequest(source: .dataset(pictograph.dataset("d")), name: "x"))
            }
            #expect(error.kind == .decoding && error.message.contains("`id`"))
        }
    }
}

// MARK: - 8. Downloading

extension PictographProviderTests {
    @Suite("downloading")
    struct Downloading {
        @Test func freshLocationComesFromTheDownloadRoute() async throws {
            let pictograph = Pictograph(pollsToComplete: 2)
            let dataset = pictograph.dataset("street scenes", items: 12)
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(dataset), name: "nightly", format: .coco, includeMedia: true))
            let ready = try await gateway.wait(for: created, timeout: .seconds(600))
            #expect(ready.status == .completed)

            // Without a known location the gateway asks the adapter for a fresh one.
            var stale = ready
            stale.downloadLocation = nil
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let destination = folder.appendingPathComponent("nightly.zip")
            let file = try await gateway.download(stale, to: destination)
            let bytes = try Data(contentsOf: destination)
            #expect(file.byteCount == Int64(bytes.count))
            #expect(ZipArchive.entries(of: bytes)?.isEmpty == false)

            let downloads = pictograph.requests(.get, "/\(ready.id.rawValue)/download")
            try #require(downloads.count == 1)
            #expect(downloads[0].url.query == nil)
            let answer = try #require(pictograph.recorder.exchanges.last { $0.request.url.path.hasSuffix("/download") }?.response)
            let data = try JSONValue(parsing: answer.body)["data"]
            #expect(data?["file_size"]?.intValue == Int64(bytes.count), "file_size is the downloaded size")
            #expect(data?["expires_at"]?.stringValue.flatMap(ISO8601.date(from:)) != nil)
            let storage = pictograph.simulator.requestLog.requests(to: pictograph.simulator.storageBaseURL)
            #expect(!storage.isEmpty && storage.allSatisfy { !$0.carriedCredential && $0.headers["X-API-Key"] == nil })
        }

        @Test func knownLocationDownloadsWithTheAnnouncedSize() async throws {
            let pictograph = Pictograph(pollsToComplete: 1)
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("known", items: 5))))
            let ready = try await gateway.wait(for: created, timeout: .seconds(60))
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let destination = folder.appendingPathComponent("known.zip")
            let file = try await gateway.download(ready, to: destination)
            let size = Int64(try Data(contentsOf: destination).count)
            #expect(file.byteCount == size && ready.downloadLocation?.byteCount == size)
            #expect(pictograph.requests(.get, "/\(ready.id.rawValue)/download").isEmpty)
        }

        @Test func expiredSignatureIsRefreshedThroughTheDownloadRoute() async throws {
            let pictograph = Pictograph(pollsToComplete: 1)
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("late", items: 3))))
            let ready = try await gateway.wait(for: created, timeout: .seconds(60))
            pictograph.simulator.advanceTime(by: 7 * 86_400)
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = try await gateway.download(ready, to: folder.appendingPathComponent("late.zip"))
            #expect(file.byteCount == ready.downloadLocation?.byteCount)
            #expect(pictograph.requests(.get, "/\(ready.id.rawValue)/download").count == 1)
        }

        @Test func unfinishedExportHasNoDownloadYet() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.scriptNextExport(.hangs(rawStatus: nil))
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("busy"))))
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let error = try await #require(throws: GatewayError.self) {
                try await gateway.download(created, to: folder.appendingPathComponent("busy.zip"))
            }
            #expect(error.provider == .pictograph)
            #expect(error.httpStatus == 409)
            #expect(pictograph.simulator.requestLog.requests(to: pictograph.simulator.storageBaseURL).isEmpty)
        }
    }
}

// MARK: - 9. Deleting

extension PictographProviderTests {
    @Suite("deleting")
    struct Deleting {
        @Test func deleteGoesThroughBulkDeleteThenNotFound() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("doomed")
            let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "gone soon"))
            try await gateway.deleteExport(created.id)
            #expect(try pictograph.bodies(.post, "/bulk-delete") == [["export_ids": [.string(created.id.rawValue)]]])
            #expect(pictograph.requests(.post, "/bulk-delete").allSatisfy { isIdempotencyKey($0.headers["Idempotency-Key"]) })
            #expect(pictograph.simulator.requestLog.requests.allSatisfy { $0.method != .delete })

            let read = try await #require(throws: GatewayError.self) { try await gateway.export(created.id) }
            #expect(read.kind == .notFound)
            let byName = try await #require(throws: GatewayError.self) { try await gateway.export(named: "gone soon", in: dataset) }
            #expect(byName.kind == .notFound)
            let again = try await #require(throws: GatewayError.self) { try await gateway.deleteExport(created.id) }
            #expect(again.kind == .notFound && again.provider == .pictograph)
            #expect("\(again)".contains(created.id.rawValue))
        }

        @Test func deletingAnUnknownIDIsNotFound() async throws {
            let pictograph = Pictograph()
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().deleteExport(ExportID(rawValue: unknownID))
            }
            #expect(error.kind == .notFound)
            #expect(pictograph.requests(.post, "/bulk-delete").count == 1)
        }

        @Test func bulkDeleteReportsUnknownIDs() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("bulk")
            let first = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "b1"))
            let second = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "b2"))
            let kept = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "b3"))
            let unknown = ExportID(rawValue: unknownID)
            let result = try await gateway.deleteExports([first.id, second.id, unknown, first.id])
            #expect(Set(result.deleted) == [first.id, second.id] && result.deleted.count == 2)
            #expect(result.notFound == [unknown])
            #expect(try pictograph.bodies(.post, "/bulk-delete") == [
                ["export_ids": [.string(first.id.rawValue), .string(second.id.rawValue), .string(unknownID)]],
            ])
            #expect(try await gateway.exports().collect().map(\.id) == [kept.id])

            let again = try await gateway.deleteExports([first.id])
            #expect(again.deleted.isEmpty && again.notFound == [first.id], "a re-run succeeds, reporting the id")
        }

        @Test func anotherOrganizationsExportsAreNotFoundAndSurvive() async throws {
            let pictograph = Pictograph()
            let created = try await pictograph.gateway().createExport(ExportRequest(source: .dataset(pictograph.dataset("ours"))))
            let result = try await pictograph.gateway(key: pictograph.simulator.otherOrganizationAPIKey).deleteExports([created.id])
            #expect(result.deleted.isEmpty && result.notFound == [created.id])
            #expect(try await pictograph.gateway().export(created.id).id == created.id)
        }

        @Test("Only admins and owners may delete", arguments: [
            ("member", false), ("viewer", false), ("admin", true),
        ])
        func deleteNeedsAdmin(role: String, allowed: Bool) async throws {
            let pictograph = Pictograph()
            let simulator = pictograph.simulator
            let created = try await pictograph.gateway().createExport(ExportRequest(source: .dataset(pictograph.dataset("roles"))))
            let key = ["member": simulator.memberAPIKey, "viewer": simulator.restrictedAPIKey, "admin": simulator.adminAPIKey][role]!
            let gateway = pictograph.gateway(key: key)
            if allowed {
                try await gateway.deleteExport(created.id)
            } else {
                let error = try await #require(throws: GatewayError.self) { try await gateway.deleteExport(created.id) }
                #expect(error.kind == .permissionDenied && error.httpStatus == 403)
                #expect(error.requestID != nil && error.requestID == pictograph.lastRequestID)
            }
        }
    }
}

// MARK: - 10. Idempotent create

extension PictographProviderTests {
    @Suite("idempotent create")
    struct IdempotentCreate {
        @Test func lostAnswerIsRetriedWithTheSameKeyAndMakesOneExport() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("idempotent")
            let gateway = pictograph.gateway()
            pictograph.simulator.injectFault(.loseResponse, method: .post, pathPrefix: "/api/v1/developer/exports", count: 1)
            let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "exactly once"))

            let posts = pictograph.requests(.post, "/")
            try #require(posts.count == 2, "the lost answer must be retried")
            let keys = posts.map { $0.headers["Idempotency-Key"] }
            #expect(isIdempotencyKey(keys[0]))
            #expect(keys[0] == keys[1], "both attempts must carry the same Idempotency-Key")
            #expect(posts[0].status != nil, "the server handled the first attempt")
            #expect(pictograph.clock.sleeps.count == 1)

            let listed = try await gateway.exports().collect()
            #expect(listed.map(\.id) == [created.id], "a retried create must not make a second export")
            #expect(created.name == "exactly once")
        }

        @Test func serverErrorOnCreateIsRetriedWithTheSameKey() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("retry")
            pictograph.simulator.injectFault(.serverError, method: .post, pathPrefix: "/api/v1/developer/exports/", count: 2)
            let created = try await pictograph.gateway().createExport(ExportRequest(source: .dataset(dataset), name: "third time"))
            let posts = pictograph.requests(.post, "/")
            #expect(posts.map(\.status) == [500, 500, 201] || posts.map(\.status) == [500, 500, 200])
            #expect(Set(posts.map { $0.headers["Idempotency-Key"] }).count == 1)
            #expect(try await pictograph.gateway().exports().collect().map(\.id) == [created.id])
        }

        @Test func lostBulkDeleteAnswerIsRetriedWithTheSameKey() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("bulk retry"))))
            pictograph.simulator.injectFault(.loseResponse, method: .post, pathPrefix: "/api/v1/developer/exports/bulk-delete", count: 1)
            let result = try await gateway.deleteExports([created.id])
            // The replayed first answer, not a second run that would call the id unknown.
            #expect(result.deleted == [created.id] && result.notFound.isEmpty)
            let posts = pictograph.requests(.post, "/bulk-delete")
            try #require(posts.count == 2)
            #expect(posts[0].headers["Idempotency-Key"] == posts[1].headers["Idempotency-Key"])
        }
    }
}

// MARK: - 11. Errors

extension PictographProviderTests {
    @Suite("errors")
    struct Errors {
        @Test func wrongKeyIsAuthenticationWithRequestIDAndNoKey() async throws {
            let pictograph = Pictograph()
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway(key: "pk_live_wrong_key_123").exports().collect()
            }
            #expect(error.kind == .authentication && error.httpStatus == 401 && error.provider == .pictograph)
            #expect(error.requestID != nil && error.requestID == pictograph.lastRequestID)
            #expect(!"\(error)".contains("pk_live_wrong_key_123"))
        }

        @Test func viewerMayReadButNotCreate() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("viewer")
            let viewer = pictograph.gateway(key: pictograph.simulator.restrictedAPIKey)
            let error = try await #require(throws: GatewayError.self) {
                try await viewer.createExport(ExportRequest(source: .dataset(dataset)))
            }
            #expect(error.kind == .permissionDenied && error.httpStatus == 403)
            #expect(error.requestID == pictograph.lastRequestID)
            #expect(try await viewer.exports().collect().isEmpty)
            let member = pictograph.gateway(key: pictograph.simulator.memberAPIKey)
            let created = try await member.createExport(ExportRequest(source: .dataset(dataset)))
            #expect(try await viewer.export(created.id).id == created.id)
        }

        @Test func unknownDatasetIsNotFound() async throws {
            let pictograph = Pictograph()
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().createExport(ExportRequest(source: .dataset("no such dataset")))
            }
            #expect(error.kind == .notFound && error.httpStatus == 404)
            #expect(error.message.contains("no such dataset"))
            #expect(error.requestID == pictograph.lastRequestID)
        }

        @Test func duplicateNameIsInvalidRequestWithPictographsMessage() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("dupes")
            let gateway = pictograph.gateway()
            _ = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "nightly"))
            let error = try await #require(throws: GatewayError.self) {
                try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "nightly"))
            }
            #expect(error.httpStatus == 409)
            #expect(fieldErrors(of: error) != nil)
            #expect(error.message.contains("nightly"), "the vendor's message: \(error.message)")
            #expect(error.requestID == pictograph.lastRequestID)
            #expect(pictograph.requests(.post, "/").count == 2, "a 409 is not retried")
        }

        @Test func coldStorageDatasetRefusesExports() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.simulator.seedDataset(named: "frozen", itemCount: 3, coldStorage: true)
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
            }
            #expect(error.httpStatus == 409)
            #expect(fieldErrors(of: error) != nil)
        }

        @Test("Pictograph's 422 names the request's own fields", arguments: [
            (ExportRequest(source: .dataset("v"), name: String(repeating: "n", count: 101)), "name"),
            (ExportRequest(source: .dataset("v"), format: ExportFormat(rawValue: "COCO JSON")), "format"),
        ])
        func validationNamesFields(request: ExportRequest, field: String) async throws {
            let pictograph = Pictograph()
            pictograph.simulator.seedDataset(named: "v", itemCount: 1)
            let error = try await #require(throws: GatewayError.self) { try await pictograph.gateway().createExport(request) }
            #expect(error.httpStatus == 422)
            let fields = try #require(fieldErrors(of: error))
            #expect(fields.keys.sorted() == [field])
            #expect(fields[field]?.isEmpty == false)
            #expect(error.requestID == pictograph.lastRequestID)
        }

        @Test func rateLimitCarriesRetryAfterAndRequestID() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.injectFault(.rateLimited(retryAfterSeconds: 9), method: .get, count: 10)
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway(retryPolicy: .never).exports().collect()
            }
            #expect(error.kind == .rateLimited(retryAfter: .seconds(9)) && error.httpStatus == 429)
            #expect(error.requestID != nil && error.requestID == pictograph.lastRequestID)
            #expect(error.message.contains("Rate limit"))
        }

        @Test func rateLimitedReadIsRetriedAfterRetryAfter() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("throttled"))))
            pictograph.simulator.injectFault(.rateLimited(retryAfterSeconds: 7), method: .get, count: 1)
            #expect(try await gateway.export(created.id).id == created.id)
            #expect(pictograph.clock.sleeps == [.seconds(7)])
        }

        @Test func serverErrorIsServerWithRequestID() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.injectFault(.serverError, method: .get, count: 10)
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway(retryPolicy: .never).export(ExportID(rawValue: unknownID))
            }
            #expect(error.kind == .server && error.httpStatus == 500)
            #expect(error.requestID != nil && error.requestID == pictograph.lastRequestID)
        }

        /// Bodies the simulator does not send, read through `error(from:)` directly.
        @Test("Message precedence follows the SDK", arguments: [
            (#"{"error": {"code": "not_found", "message": "A"}, "detail": "B", "message": "C"}"#, "A"),
            (#"{"error": {"code": "x"}, "detail": "B", "message": "C"}"#, "B"),
            (#"{"error": "E", "message": "C"}"#, "E"),
            (#"{"message": "C", "detail": {"message": "D"}}"#, "C"),
            (#"{"detail": {"message": "D", "detail": "DD"}}"#, "D"),
            (#"{"detail": {"detail": "DD"}}"#, "DD"),
            (#"{"error": {"message": ""}, "detail": "fallback"}"#, "fallback"),
            (#"{"unrelated": true}"#, "HTTP 404"),
            ("<html><body>Not Found</body></html>", "HTTP 404"),
            ("", "HTTP 404"),
        ])
        func messagePrecedence(body: String, message: String) throws {
            let error = try #require(PictographProvider().error(from: HTTPResponse(status: 404, body: Data(body.utf8))))
            #expect(error.kind == .notFound && error.provider == .pictograph && error.httpStatus == 404)
            #expect(error.message.hasPrefix(message), "\(error.message)")
            #expect(!error.message.contains("<html>"))
        }

        @Test func fieldErrorsComeFromDetailsOrTheDetailList() throws {
            let envelope = #"""
                {"error": {"code": "validation_error", "message": "Request validation failed", "details": {"errors": [
                  {"loc": ["body", "name"], "msg": "Field required", "type": "missing"},
                  {"loc": ["body", "class_filter", 0], "msg": "Input should be a valid string", "type": "string_type"},
                  {"loc": ["query", "limit"], "msg": "Input should be less than or equal to 1000", "type": "less_than_equal"},
                  {"loc": ["path", "export_id"], "msg": "bad id", "type": "uuid"},
                  {"loc": ["body"], "msg": "Invalid JSON", "type": "json_invalid"},
                  {"loc": ["body", "name"], "msg": "String too long", "type": "too_long"},
                  "not an object"]}},
                 "detail": [{"loc": ["body", "ignored"], "msg": "the details list wins"}]}
                """#
            let error = try #require(PictographProvider().error(from: HTTPResponse(
                status: 422, headers: ["X-Request-Id": "req_abc"], body: Data(envelope.utf8))))
            #expect(error.kind == .invalidRequest(fieldErrors: [
                "name": ["Field required", "String too long"], "class_filter.0": ["Input should be a valid string"],
                "limit": ["Input should be less than or equal to 1000"], "export_id": ["bad id"], "body": ["Invalid JSON"],
            ]))
            #expect(error.requestID == "req_abc")
            #expect(error.message.hasPrefix("Request validation failed"))

            let legacy = #"{"detail": [{"loc": ["body", "format"], "msg": "Input should be 'coco' or 'yolo'"}]}"#
            let legacyError = try #require(PictographProvider().error(from: HTTPResponse(status: 400, body: Data(legacy.utf8))))
            #expect(legacyError.kind == .invalidRequest(fieldErrors: ["format": ["Input should be 'coco' or 'yolo'"]]))
            #expect(legacyError.requestID == nil)
        }

        @Test("Statuses map to kinds", arguments: [
            (401, GatewayError.Kind.authentication), (403, .permissionDenied), (404, .notFound),
            (409, .invalidRequest(fieldErrors: [:])), (422, .invalidRequest(fieldErrors: [:])),
            (429, .rateLimited(retryAfter: .seconds(3))), (500, .server), (503, .server),
        ])
        func statusKinds(status: Int, kind: GatewayError.Kind) throws {
            let body = #"{"error": {"code": "c", "message": "Vendor says no", "details": {}}, "detail": "Vendor says no"}"#
            let error = try #require(PictographProvider().error(from: HTTPResponse(
                status: status, headers: ["X-Request-Id": "req_\(status)", "Retry-After": "3"], body: Data(body.utf8))))
            #expect(error.kind == kind)
            #expect(error.requestID == "req_\(status)")
            #expect(error.message.hasPrefix("Vendor says no"))
        }

        @Test func successIsNoError() {
            #expect(PictographProvider().error(from: HTTPResponse(status: 200, body: Data("{}".utf8))) == nil)
            #expect(PictographProvider().error(from: HTTPResponse(status: 201, body: Data())) == nil)
            #expect(PictographProvider().error(from: HTTPResponse(status: 204)) == nil)
        }
    }
}
