import ExportGateway
import ExportGatewayPictograph
import ExportGatewayTesting
import Foundation
import Testing

// MARK: - Creating exports

extension PictographProviderTests {
    @Suite("creating exports")
    struct CreatingExports {
        @Test func namedCreateSendsTheSDKBodyAndMapsTheAnswer() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("street scenes", items: 6)
            let export = try await pictograph.gateway().createExport(
                ExportRequest(
                    source: .dataset(dataset), name: "Training Export v1", format: .coco,
                    filters: ExportFilters(itemStatuses: [.completed], classes: ["car", "person"]), includeMedia: true))
            let body = try pictograph.createBody()
            #expect(
                body == [
                    "dataset_name": "street scenes", "name": "Training Export v1", "format": "coco",
                    "include_images": true,
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
            let export = try await pictograph.gateway().createExport(
                ExportRequest(source: .dataset(pictograph.dataset("bare"))))
            let body = try pictograph.createBody()
            #expect(body.keys.sorted() == ["dataset_name", "format", "include_images", "name"])
            #expect(body["format"] == "pictograph" && body["include_images"] == false)
            #expect(export.format == ExportFormat(rawValue: "pictograph"))
            #expect(export.providerFields["include_images"] == false)
            #expect(export.providerFields["status_filter"].map(\.isNull) ?? true)
            #expect(export.providerFields["class_filter"].map(\.isNull) ?? true)
        }

        @Test(
            "Formats map to Pictograph's words; its own words pass verbatim",
            arguments: [
                (ExportFormat.native as ExportFormat?, "pictograph"), (.coco, "coco"), (.yolo, "yolo"),
                (.pascalVOC, "pascal_voc"),
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

        @Test(
            "includeMedia is include_images, false unless asked",
            arguments: [
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

        @Test(
            "One item status becomes Pictograph's image stage",
            arguments: [
                (ItemStatus.notStarted, "new"), (.inProgress, "annotate"), (.inReview, "review"),
                (.completed, "complete"),
            ])
        func statusFilter(status: ItemStatus, stage: String) async throws {
            let pictograph = Pictograph()
            let export = try await pictograph.gateway().createExport(
                ExportRequest(
                    source: .dataset(pictograph.dataset("stages")), filters: ExportFilters(itemStatuses: [status])))
            #expect(try pictograph.createBody()["status_filter"]?.stringValue == stage)
            #expect(export.providerFields["status_filter"]?.stringValue == stage)
        }

        @Test(
            "The raw status_filter option passes verbatim, but `all` is never sent",
            arguments: [
                ("complete" as JSONValue, "complete" as String?), ("review", "review"), ("all", nil), ("ALL", nil),
                (" All \n", nil), (.null, nil),
            ])
        func statusFilterOption(option: JSONValue, sent: String?) async throws {
            let pictograph = Pictograph()
            let export = try await pictograph.gateway().createExport(
                ExportRequest(
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

        @Test(
            "organize_by_split is sent only when true",
            arguments: [
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
                try await pictograph.gateway().createExport(
                    ExportRequest(source: .dataset(pictograph.dataset("empty")), name: ""))
            }
            #expect(try pictograph.createBody()["name"] == "")
            #expect(error.httpStatus == 422)
            #expect(fieldErrors(of: error)?["name"]?.isEmpty == false)
        }
    }
}

// MARK: - Refused before sending

extension PictographProviderTests {
    @Suite("refused before any request")
    struct RefusedBeforeSending {
        @Test(
            "What Pictograph cannot honor is refused by name",
            arguments: [
                (ExportRequest(source: .project("p-1")), "source.project"),
                (ExportRequest(source: .dataset("d"), filters: ExportFilters(itemIDs: ["i1"])), "filters.itemIDs"),
                (
                    ExportRequest(
                        source: .dataset("d"),
                        filters: ExportFilters(
                            activity: DateInterval(start: Date(timeIntervalSince1970: 0), duration: 60))),
                    "filters.activity"
                ),
                (
                    ExportRequest(source: .dataset("d"), providerOptions: ["compression": "zip"]),
                    "providerOptions.compression"
                ),
                (
                    ExportRequest(source: .dataset("d"), providerOptions: ["dataset_name": "other"]),
                    "providerOptions.dataset_name"
                ),
                (ExportRequest(source: .dataset("d"), format: .json), "format json"),
                (ExportRequest(source: .dataset("d"), format: .ndjson), "format ndjson"),
            ])
        func unsupportedField(request: ExportRequest, feature: String) async throws {
            let pictograph = Pictograph()
            pictograph.simulator.seedDataset(named: "d", itemCount: 1)
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().createExport(request)
            }
            #expect(error.kind == .unsupported && error.feature == feature)
            #expect(error.provider == .pictograph)
            #expect("\(error)".contains(feature))
            #expect(pictograph.requestCount == 0)
        }

        @Test(
            "Item statuses Pictograph cannot express are invalid",
            arguments: [
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

        @Test(
            "Options of the wrong type, or both status filters, are invalid",
            arguments: [
                (
                    ExportRequest(source: .dataset("d"), providerOptions: ["status_filter": 5]),
                    "providerOptions.status_filter"
                ),
                (
                    ExportRequest(source: .dataset("d"), providerOptions: ["status_filter": ["complete"]]),
                    "providerOptions.status_filter"
                ),
                (
                    ExportRequest(source: .dataset("d"), providerOptions: ["organize_by_split": "yes"]),
                    "providerOptions.organize_by_split"
                ),
                (
                    ExportRequest(source: .dataset("d"), providerOptions: ["organize_by_split": 1]),
                    "providerOptions.organize_by_split"
                ),
                (
                    ExportRequest(
                        source: .dataset("d"), filters: ExportFilters(itemStatuses: [.completed]),
                        providerOptions: ["status_filter": "review"]),
                    "providerOptions.status_filter"
                ),
            ])
        func invalidOption(request: ExportRequest, field: String) async throws {
            let pictograph = Pictograph()
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().createExport(request)
            }
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
            let inDataset = try await #require(throws: GatewayError.self) {
                try await gateway.export(named: "x", in: "")
            }
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

// MARK: - Idempotent create

extension PictographProviderTests {
    @Suite("idempotent create")
    struct IdempotentCreate {
        @Test func lostAnswerIsRetriedWithTheSameKeyAndMakesOneExport() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("idempotent")
            let gateway = pictograph.gateway()
            pictograph.simulator.injectFault(
                .loseResponse, method: .post, pathPrefix: "/api/v1/developer/exports", count: 1)
            let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "exactly once"))

            let posts = pictograph.requests(.post, "/")
            try #require(posts.count == 2, "the lost answer must be retried")
            let keys = posts.map { $0.headers["Idempotency-Key"] }
            #expect(isIdempotencyKey(keys[0]))
            #expect(keys[0] == keys[1], "both attempts must carry the same Idempotency-Key")
            #expect(posts[0].status != nil, "the server handled the first attempt")
            #expect(pictograph.clock.sleeps.count == 1)

            let listed = try await gateway.exports().collect(upTo: 100_000)
            #expect(listed.map(\.id) == [created.id], "a retried create must not make a second export")
            #expect(created.name == "exactly once")
        }

        @Test func serverErrorOnCreateIsRetriedWithTheSameKey() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("retry")
            pictograph.simulator.injectFault(
                .serverError, method: .post, pathPrefix: "/api/v1/developer/exports/", count: 2)
            let created = try await pictograph.gateway().createExport(
                ExportRequest(source: .dataset(dataset), name: "third time"))
            let posts = pictograph.requests(.post, "/")
            #expect(posts.map(\.status) == [500, 500, 201] || posts.map(\.status) == [500, 500, 200])
            #expect(Set(posts.map { $0.headers["Idempotency-Key"] }).count == 1)
            #expect(try await pictograph.gateway().exports().collect(upTo: 100_000).map(\.id) == [created.id])
        }

        @Test func lostBulkDeleteAnswerIsRetriedWithTheSameKey() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(pictograph.dataset("bulk retry"))))
            pictograph.simulator.injectFault(
                .loseResponse, method: .post, pathPrefix: "/api/v1/developer/exports/bulk-delete", count: 1)
            let result = try await gateway.deleteExports([created.id])
            // The replayed first answer, not a second run that would call the id unknown.
            #expect(result.deleted == [created.id] && result.notFound.isEmpty)
            let posts = pictograph.requests(.post, "/bulk-delete")
            try #require(posts.count == 2)
            #expect(posts[0].headers["Idempotency-Key"] == posts[1].headers["Idempotency-Key"])
        }
    }
}
