import ExportGateway
import ExportGatewayPictograph
import ExportGatewayTesting
import Foundation
import Testing

// MARK: - Reading by id and by name

extension PictographProviderTests {
    @Suite("reading exports")
    struct ReadingExports {
        @Test func readByIDUsesTheBareIDPath() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("by id")
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(dataset), name: "nightly", format: .yolo))
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

        @Test(
            "Names with spaces and slashes are one escaped path segment",
            arguments: [
                ("Training Export v1", "Training%20Export%20v1"),
                ("by name / with spaces", "by%20name%20%2F%20with%20spaces"),
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
            let error = try await #require(throws: GatewayError.self) {
                try await gateway.export(named: "nightly", in: "street")
            }
            #expect(error.kind == .notFound)
        }

        @Test func unknownNameIdAndOtherOrganizationAreNotFound() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("known")
            let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "mine"))
            let byName = try await #require(throws: GatewayError.self) {
                try await gateway.export(named: "no such export", in: dataset)
            }
            #expect(byName.kind == .notFound && byName.httpStatus == 404)
            let byID = try await #require(throws: GatewayError.self) {
                try await gateway.export(ExportID(rawValue: unknownID))
            }
            #expect(byID.kind == .notFound && byID.httpStatus == 404)
            let other = pictograph.gateway(key: pictograph.simulator.otherOrganizationAPIKey)
            let foreign = try await #require(throws: GatewayError.self) { try await other.export(created.id) }
            #expect(foreign.kind == .notFound, "another organization's export must not even be acknowledged")
        }
    }
}

// MARK: - Listing

extension PictographProviderTests {
    @Suite("export listing")
    struct ExportListing {
        @Test func noExportsIsOneEmptyPage() async throws {
            let pictograph = Pictograph()
            #expect(try await pictograph.gateway().exports(pageSize: 3).collect(upTo: 100_000).isEmpty)
            let lists = pictograph.requests(.get, "/")
            #expect(lists.count == 1)
            #expect(lists.first?.url.query == "limit=3&offset=0")
        }

        @Test(
            "Pages to the end, advancing by what was received",
            arguments: [
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
                created.append(
                    try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "e\(index)")).id)
            }
            let listed = try await gateway.exports(pageSize: pageSize).collect(upTo: 100_000)
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
                created.append(
                    try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "e\(index)")).id)
            }
            #expect(try await gateway.exports(pageSize: 2).collect(upTo: 100_000).map(\.id) == created.reversed())
        }

        @Test(
            "Page size is clamped to Pictograph's 1...1000", arguments: [(5000, 1000), (1000, 1000), (0, 1), (-4, 1)])
        func pageSizeIsClamped(pageSize: Int, limit: Int) async throws {
            let pictograph = Pictograph()
            _ = try await pictograph.gateway().exports(pageSize: pageSize).collect(upTo: 100_000)
            #expect(pictograph.requests(.get, "/").map { $0.url.query } == ["limit=\(limit)&offset=0"])
        }
    }

    /// The stop rules of protocol section 3, for every page shape the SDK's pager copes with
    /// (no Boolean `has_more`, a silently capped page, the docs' bare array).
    @Suite("paging stop rules")
    struct PagingStopRules {
        /// A simulator holding `count` exports whose pages take `listing`'s shape, and the
        /// exports' ids newest first (the order Pictograph lists them in).
        fileprivate static func exports(
            _ count: Int, listing: PictographSimulator.Listing
        ) async throws -> (Pictograph, [ExportID]) {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("paged")
            var created: [ExportID] = []
            for index in 0..<count {
                created.append(
                    try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "e\(index)")).id)
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

        @Test(
            "No Boolean has_more: a short page is the last",
            arguments: [
                (7, 3, [0, 3, 6]), (6, 3, [0, 3, 6]), (0, 3, [0]), (2, 3, [0]),
            ])
        func shortPageHeuristic(total: Int, pageSize: Int, offsets: [Int]) async throws {
            let shapes: [PictographSimulator.Listing.HasMore] = [.absent, .always("yes"), .always(1), .always(.null)]
            for shape in shapes {
                let (pictograph, expected) = try await Self.exports(total, listing: .init(hasMore: shape))
                let listed = try await pictograph.gateway().exports(pageSize: pageSize).collect(upTo: 100_000)
                #expect(listed.map(\.id) == expected)
                #expect(Self.pages(pictograph).map(\.offset) == offsets.map(String.init), "has_more \(shape)")
            }
        }

        @Test func hasMoreFalseStopsEvenAfterAFullPage() async throws {
            let (pictograph, expected) = try await Self.exports(10, listing: .init(hasMore: .always(false)))
            let listed = try await pictograph.gateway().exports(pageSize: 4).collect(upTo: 100_000)
            #expect(listed.map(\.id) == Array(expected.prefix(4)))
            #expect(Self.pages(pictograph).count == 1)
        }

        @Test func hasMoreTrueOnAShortPageKeepsGoingByTheCountReceived() async throws {
            // The server caps pages at 2 whatever the limit: the offset must advance by 2, not 5.
            let (pictograph, expected) = try await Self.exports(7, listing: .init(pageCap: 2))
            let listed = try await pictograph.gateway().exports(pageSize: 5).collect(upTo: 100_000)
            #expect(listed.map(\.id) == expected)
            #expect(Self.pages(pictograph).map(\.offset) == ["0", "2", "4", "6"])
            #expect(Self.pages(pictograph).allSatisfy { $0.limit == "5" })
        }

        @Test func emptyPageStopsEvenWhenHasMoreIsTrue() async throws {
            let (pictograph, expected) = try await Self.exports(3, listing: .init(hasMore: .always(true)))
            let listed = try await pictograph.gateway().exports(pageSize: 3).collect(upTo: 100_000)
            #expect(listed.map(\.id) == expected)
            #expect(Self.pages(pictograph).count == 2)
        }

        @Test func docsShapedBareArrayIsRead() async throws {
            // Two exports, one page: a pager that ignored the short page would ask again.
            let (pictograph, expected) = try await Self.exports(2, listing: .init(bareArray: true))
            let listed = try await pictograph.gateway().exports(pageSize: 10).collect(upTo: 100_000)
            #expect(listed.map(\.id) == expected && listed.allSatisfy { $0.status == .pending })
            #expect(Self.pages(pictograph).count == 1)
        }

        @Test func exportWithoutIDIsADecodingErrorNamingIt() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.injectAnswer(
                .json(200, ["data": [["name": "x", "status": "completed"]]]), method: .get)
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().exports().collect(upTo: 100_000)
            }
            #expect(error.kind == .decoding)
            #expect(error.message.contains("`data[0].id`"))
        }
    }
}

// MARK: - Mapping an export object

extension PictographProviderTests {
    /// Export objects exactly as the protocol notes show them, answered by the simulator in
    /// place of its own (which always sends today's full shape).
    @Suite("export mapping")
    struct ExportMapping {
        /// The protocol notes' completed example, with `project_id` standing in for `dataset_id`.
        static let completed: JSONValue = [
            "id": "3f2b9c1e-8a7d-4e21-9b0c-5d6e7f8a9b01", "project_id": "9a1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
            "dataset_name": "street-scenes", "name": "Training Export v1", "format": "pascal_voc",
            "include_images": true,
            "class_filter": ["car", "person"], "status_filter": "complete", "status": "completed",
            "error_message": .null,
            "file_size": 52_428_800, "image_count": 150, "annotation_count": 820, "created_at": "2024-01-15T10:30:00Z",
            "completed_at": "2024-01-15T10:35:00.250Z", "expires_at": "2024-02-14T10:35:00Z",
            "download_url": "https://storage.googleapis.com/pictograph-exports/org/export.zip?X-Goog-Signature=abc",
            "organization_id": "0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5", "unknown_extra": 1,
        ]

        @Test(arguments: [true, false])
        func everyFieldIsMapped(wrapped: Bool) async throws {
            let pictograph = Pictograph()
            pictograph.simulator.injectAnswer(
                .json(200, wrapped ? ["data": Self.completed] : Self.completed), method: .get)
            let export = try await pictograph.gateway().export("3f2b9c1e-8a7d-4e21-9b0c-5d6e7f8a9b01")
            #expect(pictograph.requests(.get, "/3f2b9c1e-8a7d-4e21-9b0c-5d6e7f8a9b01").count == 1)
            #expect(export.id == "3f2b9c1e-8a7d-4e21-9b0c-5d6e7f8a9b01" && export.provider == .pictograph)
            #expect(export.name == "Training Export v1")
            #expect(export.status == .completed && export.rawStatus == "completed")
            #expect(export.format == ExportFormat(rawValue: "pascal_voc"), "the vendor's word is kept verbatim")
            #expect(export.source == .dataset("street-scenes"))
            #expect(export.createdAt == ISO8601.date(from: "2024-01-15T10:30:00Z"))
            #expect(export.updatedAt == ISO8601.date(from: "2024-01-15T10:35:00.250Z"))
            #expect(
                export.downloadLocation
                    == DownloadLocation(
                        url: URL(
                            string:
                                "https://storage.googleapis.com/pictograph-exports/org/export.zip?X-Goog-Signature=abc")!,
                        byteCount: 52_428_800))
            #expect(export.failureReason == nil && export.progress == nil)
            #expect(export.providerFields == Self.completed)
        }

        @Test func failedExportCarriesErrorMessage() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.injectAnswer(
                .json(
                    200,
                    [
                        "data": [
                            "id": "f", "name": "nightly", "status": "failed", "created_at": "2024-01-15T10:30:00Z",
                            "error_message": "out of memory", "download_url": .null,
                        ]
                    ]),
                method: .get)
            let export = try await pictograph.gateway().export("f")
            #expect(export.status == .failed && export.failureReason == "out of memory")
            #expect(export.downloadLocation == nil && export.updatedAt == nil && export.source == nil)
        }

        @Test func createAnswerWithoutIDIsADecodingError() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.injectAnswer(.json(201, ["data": ["name": "x", "status": "pending"]]), method: .post)
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().createExport(
                    ExportRequest(source: .dataset(pictograph.dataset("d")), name: "x"))
            }
            #expect(error.kind == .decoding && error.message.contains("`data.id`"))
        }
    }
}
