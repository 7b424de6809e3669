import ExportGateway
import ExportGatewayLabelStudio
import ExportGatewayTesting
import Foundation
import Testing

/// Creating, reading, listing and deleting snapshots through the gateway.
@Suite struct LabelStudioExportGatewayTests {
    @Test func aCreateReadsTheProjectThenPostsOnceAndIsCompletedAtOnce() async throws {
        let ls = LabelStudio()
        let project = ls.project(items: 7)
        let created = try await ls.gateway().createExport(
            ExportRequest(
                source: .dataset(project), name: "nightly", filters: ExportFilters(itemStatuses: [.completed])))
        #expect(created.status == .completed && created.downloadLocation != nil && created.name == "nightly")
        #expect(created.id.rawValue.hasPrefix("\(project.rawValue)/") && created.source == .dataset(project))
        let api = ls.requests.filter { SimulatedRequest.rawPath(of: $0.url) != "/api/token/refresh/" }
        #expect(
            api.map { "\($0.method) \(SimulatedRequest.rawPath(of: $0.url))" } == [
                "GET /api/projects/\(project.rawValue)/", "POST /api/projects/\(project.rawValue)/exports/",
            ])
        let body = try JSONValue(parsing: try #require(api.last).body)
        #expect(body == ["title": "nightly", "task_filter_options": ["finished": "only"]])
        // A wait on a completed export with its location reads nothing more.
        let count = ls.requests.count
        _ = try await ls.gateway().wait(for: created, timeout: .seconds(10))
        #expect(ls.requests.count == count)
    }

    @Test func aQueuedServerIsWaitedFor() async throws {
        let ls = LabelStudio(pollsToComplete: 2)
        let gateway = ls.gateway()
        let created = try await gateway.createExport(ExportRequest(source: .dataset(ls.project(items: 3))))
        #expect(created.status == .running && created.rawStatus == "in_progress")
        let ready = try await gateway.wait(for: created, timeout: .seconds(60))
        #expect(ready.status == .completed && ready.id == created.id && ready.updatedAt != nil)
    }

    @Test func aFailedSnapshotEndsTheWait() async throws {
        let ls = LabelStudio()
        ls.simulator.scriptNextExport(.fails(afterPolls: 0, reason: "disk full"))
        let gateway = ls.gateway()
        let created = try await gateway.createExport(ExportRequest(source: .dataset(ls.project(items: 3))))
        #expect(created.status == .failed)
        let error = try await #require(throws: GatewayError.self) {
            try await gateway.wait(for: created, timeout: .seconds(60))
        }
        #expect(error.kind == .exportFailed && error.operation == .wait)
    }

    @Test func aReadKeepsTheFormatOfItsId() async throws {
        let ls = LabelStudio()
        let ready = try await ls.completedExport(format: .csv)
        let read = try await ls.gateway().export(ready.id)
        #expect(read.id == ready.id && read.format == "CSV" && read.downloadLocation?.url.query == "exportType=CSV")
        let stored = try await ls.gateway().export(ExportID(rawValue: String(ready.id.rawValue.dropLast(4))))
        #expect(stored.format == "JSON" && stored.downloadLocation?.url.query == nil)
        // The snapshot's own route has no trailing slash (with one, Label Studio answers 404).
        let reads = ls.requests(.get, under: "/api/projects/").map { SimulatedRequest.rawPath(of: $0.url) }
            .filter { $0.contains("/exports/") }
        #expect(!reads.isEmpty && reads.allSatisfy { !$0.hasSuffix("/") })
    }

    @Test func theListingWalksEveryProjectsSnapshots() async throws {
        let ls = LabelStudio()
        let gateway = ls.gateway()
        var created: [ExportID] = []
        for items in [2, 0, 3] {
            let project = ls.project(items: items)
            for _ in 0..<2 {
                created.append(try await gateway.createExport(ExportRequest(source: .dataset(project))).id)
            }
        }
        _ = ls.project(items: 1)  // a project with no snapshot
        let listed = try await gateway.exports(pageSize: 1).collect(upTo: 100)
        #expect(Set(listed.map(\.id)) == Set(created) && listed.count == created.count)
        #expect(listed.allSatisfy { $0.status == .completed && $0.downloadLocation != nil })
        let projectLists = ls.requests.filter {
            $0.method == .get && SimulatedRequest.rawPath(of: $0.url) == "/api/projects/"
        }
        #expect(projectLists.count == 1)
        #expect(projectLists.first?.url.query?.contains("ordering=id") == true)
    }

    @Test func deletedSnapshotsAreGoneAndUnknownOnesReported() async throws {
        let ls = LabelStudio()
        let gateway = ls.gateway()
        let first = try await ls.completedExport(with: gateway)
        let second = try await ls.completedExport(with: gateway)
        let result = try await gateway.deleteExports([first.id, second.id, "1/999", "not-an-id"])
        #expect(Set(result.deleted) == [first.id, second.id])
        #expect(Set(result.notFound) == ["1/999", "not-an-id"])
        let error = try await #require(throws: GatewayError.self) { try await gateway.export(first.id) }
        #expect(error.kind == .notFound)
    }

    @Test func anIdOfAnotherFormIsNotFoundSayingWhatTheFormIs() async throws {
        let ls = LabelStudio()
        for id: ExportID in ["5", "a b", "00000000-0000-4000-8000-00000000dead", "1/2/3/4"] {
            let error = try await #require(throws: GatewayError.self) { try await ls.gateway().export(id) }
            #expect(error.kind == .notFound && error.resource == .export(id))
            #expect(error.message.contains("<project id>/<export id>"))
            #expect(error.requestLine?.hasPrefix("GET /api/projects/0/exports/") == true)
        }
    }

    @Test func aKeyThatMayNotReadTheProjectMakesNoSnapshot() async throws {
        let ls = LabelStudio()
        let project = ls.project(items: 3)
        let error = try await #require(throws: GatewayError.self) {
            try await ls.gateway(key: ls.simulator.restrictedAPIKey).createExport(
                ExportRequest(source: .dataset(project)))
        }
        #expect(error.kind == .permissionDenied && error.requestLine == "GET /api/projects/\(project.rawValue)/")
        #expect(ls.requests(.post, under: "/api/projects/").isEmpty)
    }

    @Test func theServersValidationErrorsNameTheFields() async throws {
        let ls = LabelStudio()
        let project = ls.project(items: 3)
        let error = try await #require(throws: GatewayError.self) {
            try await ls.gateway().createExport(
                ExportRequest(source: .dataset(project), providerOptions: ["task_filter_options": ["annotated": "yes"]])
            )
        }
        #expect(error.kind == .invalidRequest && error.httpStatus == 400)
        #expect(error.fieldErrors["task_filter_options.annotated"]?.first?.contains("not a valid choice") == true)
        #expect(error.requestID != nil)
    }

    @Test func anUnknownProjectIsNotFound() async throws {
        let ls = LabelStudio()
        let error = try await #require(throws: GatewayError.self) {
            try await ls.gateway().createExport(ExportRequest(source: .project("77")))
        }
        #expect(error.kind == .notFound && error.message.contains("No Project matches"))
    }
}
