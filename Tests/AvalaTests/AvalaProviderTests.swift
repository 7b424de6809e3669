import ExportGateway
import ExportGatewayAvala
import ExportGatewayTesting
import Foundation
import Testing

// MARK: - Helpers

/// A fresh Avala simulator plus a virtual clock, and gateways over them: waits and retries
/// run instantly, and every request the adapter sends lands in the simulator's log.
private struct Avala {
    let simulator: AvalaSimulator
    let clock = VirtualClock()

    init(vocabulary: AvalaSimulator.Vocabulary = .rest, pollsToComplete: Int = 3) {
        simulator = AvalaSimulator(vocabulary: vocabulary, pollsToComplete: pollsToComplete)
    }

    /// A gateway with the simulator's full-access key unless `key` says otherwise.
    func gateway(
        key: String? = nil, retryPolicy: RetryPolicy = .standard, pageSize: Int = 100, downloadChunkSize: Int = 8 << 20
    ) -> Gateway {
        simulator.gateway(
            apiKey: key,
            options: GatewayOptions(
                pageSize: pageSize, pollInterval: .seconds(2), maxPollInterval: .seconds(10), retryPolicy: retryPolicy,
                downloadChunkSize: downloadChunkSize, clock: clock))
    }

    /// Seeds a dataset and returns it as `owner/slug`.
    func dataset(_ name: String, items: Int, sequences: Int = 0) -> DatasetRef {
        DatasetRef(rawValue: simulator.seedDataset(named: name, itemCount: items, sequenceCount: sequences))
    }

    /// The same dataset named by its uid.
    func uidRef(_ dataset: DatasetRef) throws -> DatasetRef {
        DatasetRef(rawValue: try #require(simulator.datasetUID(for: dataset.rawValue)))
    }

    /// Every request the simulator received so far (API and storage).
    var requestCount: Int { simulator.requestLog.requests.count }

    /// API requests with `method` whose path is exactly `path` (relative to `/api/v1`, trailing `/` kept).
    func requests(_ method: HTTPMethod, _ path: String) -> [RequestLog.Entry] {
        let wanted = simulator.apiBaseURL.path + path
        return simulator.requestLog.requests(to: simulator.apiBaseURL).filter {
            $0.method == method && Self.rawPath($0.url) == wanted
        }
    }

    /// The path as sent: `URL.path` would drop the trailing `/` Avala's routes need.
    static func rawPath(_ url: URL) -> String {
        URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? url.path
    }
}

/// A fresh folder for downloads, removed by the caller.
private func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("avala-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// Avala's item words and what they mean (protocol notes 4.2), in the order seeded items cycle through them.
private let itemWords: [(String, ItemStatus)] = [
    ("unattempted", .notStarted), ("pending", .notStarted), ("ready_for_annotation", .notStarted),
    ("in_progress", .inProgress), ("completed", .completed), ("rework_required", .needsRework),
    ("customer_approved", .approved),
]

/// Avala's sequence words (protocol notes 4.3), in the order seeded sequences cycle through them.
private let sequenceWords: [(String, ItemStatus)] = [
    ("unattempted", .notStarted), ("pending", .notStarted), ("completed", .completed),
    ("rework_required", .needsRework), ("ready_for_annotation", .notStarted), ("labeling_4d", .inProgress),
    ("review_4d", .inReview), ("ready_for_2d", .inProgress), ("labeling_2d", .inProgress), ("review_2d", .inReview),
    ("final_review", .inReview), ("customer_approved", .approved),
]

/// The words only sequences have.
private let sequenceOnlyWords = sequenceWords.filter { word, _ in !itemWords.contains { $0.0 == word } }

private let unknownUID = "00000000-0000-4000-8000-000000000000"

/// The Avala adapter through the gateway's public API, against the Avala simulator.
@Suite("AvalaProvider") struct AvalaProviderTests {}

// MARK: - 1. Export status words

extension AvalaProviderTests {
    @Suite("export status")
    struct ExportStatusWords {
        @Test(
            "Every REST and TypeScript export word, and unknown ones",
            arguments: [
                ("requested", ExportStatus.pending), ("exporting", .running), ("exported", .completed),
                ("failed", .failed),
                ("aborted", .canceled),
                ("pending", .pending), ("processing", .running), ("completed", .completed),
                ("quarantined", .unknown("quarantined")), ("Exported", .unknown("Exported")), ("", .unknown("")),
            ])
        func exportWordMapsToStatus(word: String, expected: ExportStatus) {
            #expect(AvalaProvider.exportStatus(for: word) == expected)
        }

        @Test func missingStatusIsUnknownAndNotTerminal() {
            let status = AvalaProvider.exportStatus(for: nil)
            #expect(status == .unknown(""))
            #expect(!status.isTerminal)
        }

        @Test func abortedAndBothSuccessWordsAreTerminalButRunningWordsAreNot() {
            for word in ["exported", "completed", "failed", "aborted"] {
                #expect(AvalaProvider.exportStatus(for: word).isTerminal, "\(word)")
            }
            for word in ["requested", "exporting", "pending", "processing", "quarantined"] {
                #expect(!AvalaProvider.exportStatus(for: word).isTerminal, "\(word)")
            }
        }

        @Test func typescriptWordsReadThroughTheGateway() async throws {
            let avala = Avala(vocabulary: .typescript, pollsToComplete: 3)
            let gateway = avala.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(avala.dataset("ts", items: 4))))
            var reads = [created]
            for _ in 0..<3 { reads.append(try await gateway.export(created.id)) }
            #expect(reads.map(\.status) == [.pending, .pending, .running, .completed])
            #expect(reads.map(\.rawStatus) == ["pending", "pending", "processing", "completed"])
            #expect(reads.last?.downloadLocation != nil)
            #expect(reads.dropLast().allSatisfy { $0.downloadLocation == nil })
        }

        @Test func waitEndsOnTheTypescriptSuccessWord() async throws {
            let avala = Avala(vocabulary: .typescript, pollsToComplete: 4)
            let gateway = avala.gateway()
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(avala.dataset("ts-wait", items: 2))))
            let ready = try await gateway.wait(for: created, timeout: .seconds(600))
            #expect(ready.status == .completed && ready.rawStatus == "completed")
            #expect(avala.clock.now < .seconds(600))
        }

        @Test(
            "REST words read through the gateway, raw word kept",
            arguments: [
                (ExportScript.completes(afterPolls: 1), "exported", ExportStatus.completed),
                (.fails(afterPolls: 1, reason: "disk full"), "failed", .failed),
                (.cancels(afterPolls: 1), "aborted", .canceled),
                (.hangs(rawStatus: "quarantined"), "quarantined", .unknown("quarantined")),
            ])
        func restWordReadThroughTheGateway(script: ExportScript, rawStatus: String, expected: ExportStatus) async throws
        {
            let avala = Avala()
            let gateway = avala.gateway()
            avala.simulator.scriptNextExport(script)
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(avala.dataset("rest", items: 3))))
            #expect(created.status == .pending && created.rawStatus == "requested")
            let read = try await gateway.export(created.id)
            #expect(read.status == expected)
            #expect(read.rawStatus == rawStatus)
            #expect((read.downloadLocation != nil) == (expected == .completed))
            if case .fails(_, let reason) = script { #expect(read.failureReason == reason) }
        }

        @Test func waitStopsAtOnceOnAnAbortedExport() async throws {
            let avala = Avala()
            let gateway = avala.gateway()
            avala.simulator.scriptNextExport(.cancels(afterPolls: 2))
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(avala.dataset("abort", items: 3))))
            let error = try await #require(throws: GatewayError.self) {
                try await gateway.wait(for: created, timeout: .seconds(3600))
            }
            #expect(error.kind == .exportFailed && error.failureReason == nil)
            #expect(error.message.contains("aborted"))
            #expect(avala.clock.now < .seconds(60), "an aborted export must not be polled until the timeout")
        }

        @Test func waitOnAnUnknownWordTimesOutCarryingIt() async throws {
            let avala = Avala()
            let gateway = avala.gateway()
            avala.simulator.scriptNextExport(.hangs(rawStatus: "quarantined"))
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(avala.dataset("hang", items: 3))))
            let error = try await #require(throws: GatewayError.self) {
                try await gateway.wait(for: created, timeout: .seconds(30))
            }
            #expect(error.kind == .timeout && error.lastStatus == .unknown("quarantined"))
        }
    }
}

// MARK: - 2. Item and sequence status words

extension AvalaProviderTests {
    @Suite("item and sequence status")
    struct ItemStatusWords {
        @Test("Item words mean the same for items and sequences", arguments: itemWords)
        func itemWordMapsForBothKinds(word: String, expected: ItemStatus) {
            #expect(AvalaProvider.itemStatus(for: word, kind: .item) == expected)
            #expect(AvalaProvider.itemStatus(for: word, kind: .sequence) == expected)
        }

        @Test("Sequence-only words map for sequences and are unknown for items", arguments: sequenceOnlyWords)
        func sequenceOnlyWordMapsOnlyForSequences(word: String, expected: ItemStatus) {
            #expect(AvalaProvider.itemStatus(for: word, kind: .sequence) == expected)
            #expect(AvalaProvider.itemStatus(for: word, kind: .item) == .unknown(word))
        }

        @Test(arguments: ItemKind.allCases)
        func unknownWordIsKeptAndMissingWordIsNil(kind: ItemKind) {
            #expect(AvalaProvider.itemStatus(for: "on_hold", kind: kind) == .unknown("on_hold"))
            #expect(AvalaProvider.itemStatus(for: "Completed", kind: kind) == .unknown("Completed"))
            #expect(AvalaProvider.itemStatus(for: nil, kind: kind) == nil)
        }

        @Test func listedItemsCarryEveryItemWordMapped() async throws {
            let avala = Avala()
            let dataset = avala.dataset("words", items: 14, sequences: 12)
            let items = try await avala.gateway().items(in: dataset, pageSize: 5).collect(upTo: 100_000)
            try #require(items.count == 14)
            for (index, item) in items.enumerated() {
                let (word, expected) = itemWords[index % itemWords.count]
                #expect(item.rawStatus == word)
                #expect(item.status == expected)
                #expect(item.status == AvalaProvider.itemStatus(for: item.rawStatus, kind: .item))
                #expect(item.kind == .item)
            }
            #expect(Set(items.compactMap(\.rawStatus)) == Set(itemWords.map(\.0)))
        }

        @Test func listedSequencesCarryEverySequenceWordMapped() async throws {
            let avala = Avala()
            let dataset = avala.dataset("words", items: 14, sequences: 12)
            let sequences = try await avala.gateway().items(in: dataset, kind: .sequence, pageSize: 5).collect(
                upTo: 100_000)
            try #require(sequences.count == 12)
            for (sequence, (word, expected)) in zip(sequences, sequenceWords) {
                #expect(sequence.rawStatus == word)
                #expect(sequence.status == expected)
                #expect(sequence.status == AvalaProvider.itemStatus(for: sequence.rawStatus, kind: .sequence))
                #expect(sequence.kind == .sequence)
            }
            #expect(Set(sequences.compactMap(\.rawStatus)) == Set(sequenceWords.map(\.0)))
            #expect(!sequences.contains { if case .unknown = $0.status { true } else { false } })
        }
    }
}

// MARK: - 3. Errors

extension AvalaProviderTests {
    @Suite("errors")
    struct Errors {
        @Test func wrongKeyIsAuthenticationWithoutTheKeyInTheText() async throws {
            let avala = Avala()
            let wrongKey = "avk_0123456789abcdef0123456789abcdef01234567"
            let error = try await #require(throws: GatewayError.self) {
                try await avala.gateway(key: wrongKey).exports().collect(upTo: 100_000)
            }
            #expect(error.kind == .authentication)
            #expect(error.httpStatus == 401)
            #expect(error.provider == .avala)
            #expect(error.message.contains("Invalid API key."))
            #expect(!"\(error)".contains(wrongKey))
            #expect(!"\(error)".contains(avala.simulator.apiKey))
        }

        @Test func restrictedKeyIsPermissionDeniedOnItems() async throws {
            let avala = Avala()
            let dataset = avala.dataset("private", items: 3)
            let gateway = avala.gateway(key: avala.simulator.restrictedAPIKey)
            for ref in [dataset, try avala.uidRef(dataset)] {
                let error = try await #require(throws: GatewayError.self) {
                    try await gateway.items(in: ref).collect(upTo: 100_000)
                }
                #expect(error.kind == .permissionDenied, "\(ref)")
                #expect(error.httpStatus == 403)
                #expect(error.message.contains("You do not have permission"))
            }
        }

        @Test func unknownExportIsNotFound() async throws {
            let avala = Avala()
            let error = try await #require(throws: GatewayError.self) {
                try await avala.gateway().export(ExportID(rawValue: unknownUID))
            }
            #expect(error.kind == .notFound)
            #expect(error.httpStatus == 404)
            #expect(error.message.contains("Not found."))
            #expect(!"\(error)".contains(avala.simulator.apiKey))
        }

        @Test func blankNameIsRejectedByAvalaOnTheNameField() async throws {
            let avala = Avala()
            let dataset = try avala.uidRef(avala.dataset("blank", items: 2))
            let error = try await #require(throws: GatewayError.self) {
                try await avala.gateway().createExport(ExportRequest(source: .dataset(dataset), name: ""))
            }
            guard error.kind == .invalidRequest, case let fieldErrors = error.fieldErrors else {
                Issue.record("expected invalidRequest, got \(error)")
                return
            }
            #expect(error.httpStatus == 400, "the vendor, not the adapter, refuses it")
            #expect(fieldErrors["name"]?.isEmpty == false)
            #expect(fieldErrors["name"] == ["This field may not be blank."])
            #expect(error.message.contains("name"))
            #expect(avala.requests(.post, "/exports/").count == 1)
        }

        @Test func vendorFormatWordPassesVerbatimAndAvalaNamesTheFormatField() async throws {
            let avala = Avala()
            let dataset = try avala.uidRef(avala.dataset("coco", items: 2))
            let error = try await #require(throws: GatewayError.self) {
                try await avala.gateway().createExport(
                    ExportRequest(source: .dataset(dataset), format: ExportFormat(rawValue: "COCO JSON")))
            }
            guard error.kind == .invalidRequest, case let fieldErrors = error.fieldErrors else {
                Issue.record("expected invalidRequest, got \(error)")
                return
            }
            #expect(error.httpStatus == 400)
            #expect(fieldErrors["format"] == ["\"COCO JSON\" is not a valid choice."])
            #expect(fieldErrors.keys.sorted() == ["format"])
        }

        @Test(
            "429 is rateLimited with Avala's Retry-After, whether retried or not",
            arguments: [
                (RetryPolicy.never, 1), (RetryPolicy.standard, 4),
            ])
        func rateLimitCarriesRetryAfter(policy: RetryPolicy, attempts: Int) async throws {
            let avala = Avala()
            avala.simulator.injectFault(.rateLimited(retryAfterSeconds: 9), method: .get, count: 10)
            let error = try await #require(throws: GatewayError.self) {
                try await avala.gateway(retryPolicy: policy).exports().collect(upTo: 100_000)
            }
            #expect(error.kind == .rateLimited && error.retryAfter == .seconds(9))
            #expect(error.httpStatus == 429)
            #expect(error.message.contains("throttled"))
            #expect(avala.requests(.get, "/exports/").count == attempts)
            #expect(avala.clock.sleeps == Array(repeating: .seconds(9), count: attempts - 1))
        }

        @Test(
            "Server faults map to .server (or .transport for a dropped connection)",
            arguments: [
                (SimulatedFault.serverError, GatewayError.Kind.server, 500 as Int?, "A server error occurred."),
                (.badGateway, .server, 502, "HTTP 502"),
                (.dropConnection, .transport, nil, "connection to api.avala.sim closed without an answer"),
            ])
        func serverFault(fault: SimulatedFault, kind: GatewayError.Kind, status: Int?, text: String) async throws {
            let avala = Avala()
            let dataset = avala.dataset("faulty", items: 3)
            avala.simulator.injectFault(fault, count: 10)
            let error = try await #require(throws: GatewayError.self) {
                try await avala.gateway(retryPolicy: .never).items(in: dataset).collect(upTo: 100_000)
            }
            #expect(error.kind == kind)
            #expect(error.httpStatus == status)
            #expect(error.message.contains(text))
            #expect(!error.message.contains("<html>"))
        }

        @Test func createIsNeverRetriedEvenWhenTheServerFails() async throws {
            let avala = Avala()
            let dataset = try avala.uidRef(avala.dataset("once", items: 2))
            avala.simulator.injectFault(.serverError, method: .post, pathPrefix: "/api/v1/exports", count: 1)
            let error = try await #require(throws: GatewayError.self) {
                try await avala.gateway(retryPolicy: .standard).createExport(ExportRequest(source: .dataset(dataset)))
            }
            #expect(error.kind == .server && error.httpStatus == 500)
            #expect(avala.requests(.post, "/exports/").count == 1)
            #expect(avala.clock.sleeps.isEmpty)
        }

        /// Statuses and bodies the simulator cannot produce end to end (it has no 503 fault).
        @Test(
            "Error bodies of every shape Avala and its proxies send",
            arguments: [
                (503, "<html><body>Service Unavailable</body></html>", GatewayError.Kind.server, [:], "HTTP 503"),
                (504, "upstream timed out", .server, [:], "HTTP 504"),
                (500, #"{"detail": "A server error occurred."}"#, .server, [:], "A server error occurred."),
                (
                    400, #"["Provide either project or dataset."]"#, .invalidRequest,
                    ["non_field_errors": ["Provide either project or dataset."]], "Provide either project or dataset."
                ),
                (
                    400, #"{"name": ["This field is required."], "slices": ["Expected a list of items."]}"#,
                    .invalidRequest,
                    ["name": ["This field is required."], "slices": ["Expected a list of items."]],
                    "name: This field is required."
                ),
                (405, #"{"detail": "Method \"DELETE\" not allowed."}"#, .server, [:], "Method \"DELETE\" not allowed."),
                (429, #"{"detail": "Request was throttled."}"#, .rateLimited, [:], "Request was throttled."),
            ] as [(Int, String, GatewayError.Kind, [String: [String]], String)])
        func errorBody(
            status: Int, body: String, kind: GatewayError.Kind, fieldErrors: [String: [String]], text: String
        ) throws {
            let error = try #require(AvalaProvider().error(from: HTTPResponse(status: status, body: Data(body.utf8))))
            #expect(error.kind == kind)
            #expect(error.fieldErrors == fieldErrors)
            #expect(error.retryAfter == nil)
            #expect(error.httpStatus == status)
            #expect(error.message.contains(text))
        }

        @Test func successIsNoError() {
            #expect(AvalaProvider().error(from: HTTPResponse(status: 200, body: Data("{}".utf8))) == nil)
            #expect(AvalaProvider().error(from: HTTPResponse(status: 201, body: Data())) == nil)
        }
    }
}

// MARK: - 4. Paging items and sequences

extension AvalaProviderTests {
    @Suite("item paging")
    struct ItemPaging {
        @Test(
            "Pages of items, at and around the boundaries",
            arguments: [
                (0, 10, 1), (1, 10, 1), (10, 10, 1), (11, 10, 2), (53, 10, 6),
            ])
        func itemsArePagedToTheEnd(itemCount: Int, pageSize: Int, listRequests: Int) async throws {
            let avala = Avala()
            let dataset = avala.dataset("paged", items: itemCount)
            let items = try await avala.gateway(pageSize: pageSize).items(in: dataset).collect(upTo: 100_000)
            #expect(items.map(\.key) == (0..<itemCount).map { String(format: "image_%06d.jpg", $0) })
            #expect(Set(items.map(\.id)).count == itemCount)
            #expect(items.allSatisfy { $0.dataset == dataset })
            let lists = avala.requests(.get, "/datasets/\(dataset)/items/")
            #expect(lists.count == listRequests)
            #expect(lists.allSatisfy { $0.url.query?.contains("limit=\(pageSize)") == true })
            #expect(lists.dropFirst().allSatisfy { $0.url.query?.contains("cursor=") == true })
            #expect(avala.requestCount == listRequests, "an owner/slug reference needs no dataset lookup")
        }

        @Test func sequencesArePagedToo() async throws {
            let avala = Avala()
            let dataset = avala.dataset("scenes", items: 2, sequences: 25)
            let sequences = try await avala.gateway(pageSize: 10).items(in: dataset, kind: .sequence).collect(
                upTo: 100_000)
            #expect(sequences.map(\.key) == (0..<25).map { String(format: "sequence_%04d", $0) })
            #expect(Set(sequences.map(\.id)).count == 25)
            #expect(sequences.allSatisfy { $0.kind == .sequence })
            #expect(avala.requests(.get, "/datasets/\(dataset)/sequences/").count == 3)
            #expect(avala.requests(.get, "/datasets/\(dataset)/items/").isEmpty)
        }

        @Test("Both reference forms list the same items", arguments: ItemKind.allCases)
        func uidAndPathListTheSameAndTheUIDIsLookedUpOnce(kind: ItemKind) async throws {
            let avala = Avala()
            let path = avala.dataset("two-forms", items: 23, sequences: 23)
            let uid = try avala.uidRef(path)
            let gateway = avala.gateway(pageSize: 5)
            let byPath = try await gateway.items(in: path, kind: kind).collect(upTo: 100_000)
            let byUID = try await gateway.items(in: uid, kind: kind).collect(upTo: 100_000)
            #expect(byPath.count == 23)
            #expect(byPath.map(\.id) == byUID.map(\.id))
            #expect(byUID.allSatisfy { $0.dataset == uid })
            #expect(avala.requests(.get, "/datasets/\(uid)/").count == 1)
            #expect(avala.requests(.get, "/datasets/\(path)/").isEmpty)
            let collection = kind == .item ? "items" : "sequences"
            #expect(avala.requests(.get, "/datasets/\(path)/\(collection)/").count == 10)
        }

        @Test(arguments: ["a/b/c", "", "sim-org/", "/slug", "   "])
        func malformedReferenceIsRefusedBeforeAnyRequest(ref: String) async throws {
            let avala = Avala()
            let error = try await #require(throws: GatewayError.self) {
                try await avala.gateway().items(in: DatasetRef(rawValue: ref)).collect(upTo: 100_000)
            }
            guard error.kind == .invalidRequest, case let fieldErrors = error.fieldErrors else {
                Issue.record("expected invalidRequest, got \(error)")
                return
            }
            #expect(fieldErrors["source"]?.isEmpty == false)
            #expect(avala.requestCount == 0)
        }
    }
}

// MARK: - 5. Listing exports

extension AvalaProviderTests {
    @Suite("export listing")
    struct ExportListing {
        @Test func everyExportOnceNewestFirst() async throws {
            let avala = Avala()
            let dataset = try avala.uidRef(avala.dataset("listed", items: 2))
            let gateway = avala.gateway()
            var created: [Export] = []
            for _ in 0..<7 { created.append(try await gateway.createExport(ExportRequest(source: .dataset(dataset)))) }
            let listed = try await gateway.exports(pageSize: 3).collect(upTo: 100_000)
            #expect(listed.map(\.id) == created.reversed().map(\.id))
            #expect(Set(listed.map(\.id)).count == 7)
            let dates = listed.compactMap(\.createdAt)
            #expect(dates.count == 7 && dates == dates.sorted(by: >))
            #expect(avala.requests(.get, "/exports/").count == 3)
            #expect(listed.allSatisfy { $0.provider == .avala && $0.source == .dataset(dataset) })
        }

        @Test func noExportsIsOneEmptyPage() async throws {
            let avala = Avala()
            #expect(try await avala.gateway().exports(pageSize: 3).collect(upTo: 100_000).isEmpty)
            #expect(avala.requests(.get, "/exports/").count == 1)
        }
    }
}

// MARK: - 6. Creating exports

extension AvalaProviderTests {
    @Suite("creating exports")
    struct CreatingExports {
        @Test func bareRequestSendsTheSDKBodyAndGetsAvalaDefaults() async throws {
            let avala = Avala()
            let uid = try avala.uidRef(avala.dataset("bare", items: 5))
            let export = try await avala.gateway().createExport(ExportRequest(source: .dataset(uid)))
            // Only the SDK body `{"dataset": uid}` leaves the name and format to Avala.
            #expect(export.providerFields["name"]?.stringValue?.hasPrefix("Export ") == true)
            #expect(export.name?.hasPrefix("Export ") == true)
            #expect(export.providerFields["format"] == "avala-json-external")
            #expect(export.format == .avalaJSON)
            #expect(export.status == .pending && export.rawStatus == "requested")
            #expect(export.source == .dataset(uid))
            #expect(export.downloadLocation == nil && export.progress == nil)
            #expect(avala.requestCount == 1, "a uid needs no lookup before the POST")
            #expect(avala.requests(.post, "/exports/").count == 1)
        }

        @Test func ownerSlugIsLookedUpOnceForItsUID() async throws {
            let avala = Avala()
            let path = avala.dataset("by-path", items: 5)
            let export = try await avala.gateway().createExport(ExportRequest(source: .dataset(path)))
            #expect(export.source == .dataset(try avala.uidRef(path)))
            #expect(avala.requests(.get, "/datasets/\(path)/").count == 1)
            #expect(avala.requests(.post, "/exports/").count == 1)
        }

        @Test(
            "Name and format use the documented body",
            arguments: [
                ("nightly" as String?, ExportFormat.yolo as ExportFormat?, "nightly", "YOLO"),
                ("nightly", nil, "nightly", "avala-json-external"),
                (nil, .native, "ExportGateway export", "avala-json-external"),
                (nil, .avalaJSON, "ExportGateway export", "avala-json-external"),
                (nil, ExportFormat(rawValue: "YOLO"), "ExportGateway export", "YOLO"),
            ])
        func nameAndFormat(name: String?, format: ExportFormat?, sentName: String, sentFormat: String) async throws {
            let avala = Avala()
            let uid = try avala.uidRef(avala.dataset("named", items: 5))
            let export = try await avala.gateway().createExport(
                ExportRequest(source: .dataset(uid), name: name, format: format))
            #expect(export.name == sentName)
            #expect(export.format == ExportFormat(rawValue: sentFormat))
            #expect(export.providerFields["format"]?.stringValue == sentFormat)
            #expect(export.source == .dataset(uid))
        }

        @Test func avalaOptionsPassVerbatim() async throws {
            let avala = Avala()
            let uid = try avala.uidRef(avala.dataset("options", items: 5))
            let export = try await avala.gateway().createExport(
                ExportRequest(
                    source: .dataset(uid),
                    providerOptions: ["slices": ["slice-1", "slice-2"], "filter_query_string": "label=car"]))
            #expect(export.providerFields["slices"] == ["slice-1", "slice-2"])
            #expect(export.providerFields["filter_query_string"] == "label=car")
            #expect(export.name == "ExportGateway export")
        }

        @Test func projectSourceIsExported() async throws {
            let avala = Avala()
            let project = avala.simulator.seedProject(named: "Street Scenes", itemCount: 6)
            let gateway = avala.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .project(project)))
            #expect(created.source == .project(project))
            #expect(created.providerFields["projects"] == [.string(project)])
            let ready = try await gateway.wait(for: created, timeout: .seconds(600))
            #expect(ready.status == .completed)
            #expect(ready.progress?.total == 6)
        }

        @Test(
            "Malformed sources are refused before any request",
            arguments: [
                ExportSource.dataset("a/b/c"), .dataset(""), .dataset("owner/"), .dataset("/slug"), .project(""),
                .project("  "),
            ])
        func malformedSource(source: ExportSource) async throws {
            let avala = Avala()
            avala.simulator.seedDataset(named: "b", itemCount: 1)
            let error = try await #require(throws: GatewayError.self) {
                try await avala.gateway().createExport(ExportRequest(source: source))
            }
            guard error.kind == .invalidRequest, case let fieldErrors = error.fieldErrors else {
                Issue.record("expected invalidRequest, got \(error)")
                return
            }
            #expect(fieldErrors["source"]?.isEmpty == false)
            #expect(error.httpStatus == nil)
            #expect(avala.requestCount == 0)
        }

        @Test(
            "What Avala cannot honor is refused by name, before any request",
            arguments: [
                (
                    ExportRequest(source: .dataset("sim-org/x"), filters: ExportFilters(itemStatuses: [.completed])),
                    "filters.itemStatuses"
                ),
                (
                    ExportRequest(source: .dataset("sim-org/x"), filters: ExportFilters(classes: ["car"])),
                    "filters.classes"
                ),
                (
                    ExportRequest(source: .dataset("sim-org/x"), filters: ExportFilters(itemIDs: ["i1"])),
                    "filters.itemIDs"
                ),
                (
                    ExportRequest(
                        source: .dataset("sim-org/x"),
                        filters: ExportFilters(
                            activity: DateInterval(start: Date(timeIntervalSince1970: 0), duration: 60))),
                    "filters.activity"
                ),
                (ExportRequest(source: .dataset("sim-org/x"), includeMedia: true), "includeMedia"),
                (ExportRequest(source: .dataset("sim-org/x"), includeMedia: false), "includeMedia"),
                (
                    ExportRequest(source: .dataset("sim-org/x"), providerOptions: ["compression": "zip"]),
                    "providerOptions.compression"
                ),
                (ExportRequest(source: .dataset("sim-org/x"), format: .coco), "format coco"),
                (ExportRequest(source: .dataset("sim-org/x"), format: .pascalVOC), "format pascal-voc"),
                (ExportRequest(source: .dataset("sim-org/x"), format: .csv), "format csv"),
                (ExportRequest(source: .project("p"), format: .ndjson), "format ndjson"),
            ])
        func unsupportedField(request: ExportRequest, feature: String) async throws {
            let avala = Avala()
            avala.simulator.seedDataset(named: "x", itemCount: 1)
            let error = try await #require(throws: GatewayError.self) {
                try await avala.gateway().createExport(request)
            }
            #expect(error.kind == .unsupported && error.feature == feature)
            #expect(error.provider == .avala)
            #expect(avala.requestCount == 0)
        }

        @Test(
            "Avala options of the wrong type are refused before any request",
            arguments: [
                (["slices": "slice-1"] as [String: JSONValue], "providerOptions.slices"),
                (["slices": .null], "providerOptions.slices"),
                (["filter_query_string": 5], "providerOptions.filter_query_string"),
            ])
        func badOption(options: [String: JSONValue], field: String) async throws {
            let avala = Avala()
            let error = try await #require(throws: GatewayError.self) {
                try await avala.gateway().createExport(
                    ExportRequest(source: .dataset("sim-org/x"), providerOptions: options))
            }
            guard error.kind == .invalidRequest, case let fieldErrors = error.fieldErrors else {
                Issue.record("expected invalidRequest, got \(error)")
                return
            }
            #expect(fieldErrors[field]?.isEmpty == false)
            #expect(avala.requestCount == 0)
        }
    }
}

// MARK: - 7. Reading one item

extension AvalaProviderTests {
    @Suite("reading one item")
    struct ReadingOneItem {
        @Test("An item read alone equals the listed one", arguments: [false, true])
        func itemReadEqualsListed(byUID: Bool) async throws {
            let avala = Avala()
            let path = avala.dataset("single", items: 9)
            let ref = byUID ? try avala.uidRef(path) : path
            let gateway = avala.gateway()
            let listed = try await gateway.items(in: ref).collect(upTo: 100_000)
            try #require(listed.count == 9)
            for expected in [listed[0], listed[4], listed[8]] {
                let item = try await gateway.item(expected.id, in: ref)
                #expect(item.id == expected.id)
                #expect(item.key == expected.key)
                #expect(item.status == expected.status && item.rawStatus == expected.rawStatus)
                #expect(item.mediaURL == expected.mediaURL)
                #expect(item.mediaURL?.absoluteString.hasSuffix(expected.key ?? "?") == true)
                #expect(item.metadata == expected.metadata && item.annotations == expected.annotations)
                #expect(item == expected)
            }
        }

        @Test func sequenceReadCarriesItsFrames() async throws {
            let avala = Avala()
            let dataset = avala.dataset("lidar", items: 0, sequences: 4)
            let gateway = avala.gateway()
            let listed = try await gateway.items(in: dataset, kind: .sequence).collect(upTo: 100_000)
            let listedSequence = try #require(listed.last)
            #expect(listedSequence.providerFields["frames"] == nil, "the list view has no frames")
            let sequence = try await gateway.item(listedSequence.id, kind: .sequence, in: dataset)
            let frames = try #require(sequence.providerFields["frames"]?.arrayValue)
            let count = try #require(sequence.providerFields["number_of_frames"]?.intValue)
            #expect(frames.count == Int(count) && !frames.isEmpty)
            #expect(
                sequence.kind == .sequence && sequence.id == listedSequence.id && sequence.key == listedSequence.key)
            #expect(sequence.status == listedSequence.status)
            #expect(sequence.mediaURL?.absoluteString.hasSuffix("/featured.jpg") == true)
        }

        @Test(
            "Unknown items, sequences and datasets are not found",
            arguments: [
                (ItemKind.item, false), (.sequence, false), (.item, true),
            ])
        func unknownIsNotFound(kind: ItemKind, unknownDataset: Bool) async throws {
            let avala = Avala()
            let dataset =
                unknownDataset
                ? DatasetRef(rawValue: "sim-org/missing") : avala.dataset("known", items: 3, sequences: 3)
            let error = try await #require(throws: GatewayError.self) {
                try await avala.gateway().item(ItemID(rawValue: unknownUID), kind: kind, in: dataset)
            }
            #expect(error.kind == .notFound)
            #expect(error.httpStatus == 404)
        }
    }
}

// MARK: - 8. Full flow

extension AvalaProviderTests {
    @Suite("create, wait, download")
    struct FullFlow {
        @Test(arguments: [false, true])
        func createWaitDownload(smallChunks: Bool) async throws {
            let avala = Avala(pollsToComplete: 4)
            let dataset = avala.dataset("Flow Set", items: 27)
            let gateway = avala.gateway(downloadChunkSize: smallChunks ? 700 : 8 << 20)
            let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
            let ready = try await gateway.wait(for: created, timeout: .seconds(900))
            #expect(ready.status == .completed && ready.rawStatus == "exported")
            #expect(ready.progress == Export.Progress(completed: 27, total: 27))
            #expect(!avala.clock.sleeps.isEmpty && avala.clock.now < .seconds(900))
            let location = try #require(ready.downloadLocation)
            #expect(location.url.host == avala.simulator.storageBaseURL.host)

            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let destination = folder.appendingPathComponent("flow.zip")
            let file = try await gateway.download(ready, to: destination)
            let bytes = try Data(contentsOf: destination)
            #expect(file.byteCount == Int64(bytes.count))
            let entries = try #require(ZipArchive.entries(of: bytes))
            #expect(entries.map(\.path) == ["flow-set.json"])
            let document = try JSONDecoder().decode(JSONValue.self, from: try #require(entries.first).contents)
            #expect(document["items"]?.arrayValue?.count == 27)
            #expect(document["export"]?["uid"]?.stringValue == ready.id.rawValue)
            #expect(!FileManager.default.fileExists(atPath: destination.path + ".part"))

            let storage = avala.simulator.requestLog.requests(to: avala.simulator.storageBaseURL)
            #expect(!storage.isEmpty)
            #expect(storage.allSatisfy { !$0.carriedCredential && $0.headers["X-Avala-Api-Key"] == nil })
            #expect(smallChunks ? storage.count > 1 : storage.count == 1)
            let api = avala.simulator.requestLog.requests(to: avala.simulator.apiBaseURL)
            #expect(api.allSatisfy { $0.carriedCredential })
        }

        @Test func yoloExportDownloadsYoloLabels() async throws {
            let avala = Avala(pollsToComplete: 1)
            let dataset = avala.dataset("yolo-set", items: 5)
            let gateway = avala.gateway()
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(dataset), name: "labels", format: .yolo))
            let ready = try await gateway.wait(for: created, timeout: .seconds(60))
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let destination = folder.appendingPathComponent("labels.zip")
            try await gateway.download(ready, to: destination)
            let entries = try #require(ZipArchive.entries(of: try Data(contentsOf: destination)))
            #expect(entries.first?.path == "data.yaml")
            #expect(entries.count == 6)
        }
    }
}
