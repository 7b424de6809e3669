import ExportGateway
import ExportGatewayLabelStudio
import ExportGatewayTesting
import Foundation
import Testing

/// Tasks as items, paged by page number.
@Suite struct LabelStudioItemTests {
    @Test(arguments: [(0, 10), (10, 10), (53, 10), (7, 100), (250, 100)])
    func pagingCoversAProjectExactlyOnce(count: Int, pageSize: Int) async throws {
        let ls = LabelStudio()
        let project = ls.project(items: count)
        let items = try await ls.gateway().items(in: project, pageSize: pageSize).collect(upTo: 10_000)
        #expect(items.count == count && Set(items.map(\.id)).count == count)
        let pages = ls.requests(.get, under: "/api/tasks/")
        #expect(pages.count == max(1, (count + pageSize - 1) / pageSize), "no request past the last page")
        #expect(pages.allSatisfy { $0.status == 200 })
    }

    @Test func anItemIsATaskWithItsMediaAndLabel() async throws {
        let ls = LabelStudio()
        let project = ls.project(items: 8)
        let items = try await ls.gateway().items(in: project).collect(upTo: 100)
        #expect(items.allSatisfy { $0.key?.hasPrefix("http") == true && $0.mediaURL != nil && $0.dataset == project })
        #expect(Set(items.compactMap(\.rawStatus)) == ["labeled", "unlabeled"])
        let first = try #require(items.first)
        let read = try await ls.gateway().item(first.id, in: project)
        #expect(read.id == first.id && read.key == first.key && read.status == first.status)
        #expect(read.annotations != nil, "one task is read with its annotations")
    }

    @Test func aTaskOfAnotherProjectIsNotFound() async throws {
        let ls = LabelStudio()
        let one = ls.project(items: 2)
        let other = ls.project(items: 2)
        let task = try #require(try await ls.gateway().items(in: one).collect(upTo: 10).first)
        let error = try await #require(throws: GatewayError.self) { try await ls.gateway().item(task.id, in: other) }
        #expect(error.kind == .notFound && error.message.contains("belongs to project \(one.rawValue)"))
    }

    @Test func invalidPagePastTheEndEndsTheList() async throws {
        let ls = LabelStudio()
        let project = ls.project(items: 20)
        // The project shrank between pages: page 2 is past the end now.
        ls.simulator.injectAnswer(
            .json(404, ["id": "e1", "status_code": 404, "detail": "Invalid page.", "exc_info": nil]), method: .get,
            pathPrefix: "/api/tasks/", count: 1, after: 1)
        let items = try await ls.gateway().items(in: project, pageSize: 10).collect(upTo: 100)
        #expect(items.count == 10)
    }

    @Test func anUnknownProjectIsNotFoundAndSequencesAreUnsupported() async throws {
        let ls = LabelStudio()
        let missing = try await #require(throws: GatewayError.self) {
            try await ls.gateway().items(in: "404").collect(upTo: 10)
        }
        #expect(missing.kind == .notFound && missing.operation == .itemsPage)
        let sequences = try await #require(throws: GatewayError.self) {
            try await ls.gateway().items(in: "1", kind: .sequence).collect(upTo: 10)
        }
        #expect(sequences.kind == .unsupported)
        let malformed = try await #require(throws: GatewayError.self) {
            try await ls.gateway().items(in: "street scenes").collect(upTo: 10)
        }
        #expect(malformed.kind == .invalidRequest && malformed.fieldErrors["dataset"] != nil)
    }
}
