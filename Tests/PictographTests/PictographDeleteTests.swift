import ExportGateway
import ExportGatewayPictograph
import ExportGatewayTesting
import Foundation
import Testing

// MARK: - Deleting

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
            #expect(
                pictograph.requests(.post, "/bulk-delete").allSatisfy {
                    isIdempotencyKey($0.headers["Idempotency-Key"])
                })
            #expect(pictograph.simulator.requestLog.requests.allSatisfy { $0.method != .delete })

            let read = try await #require(throws: GatewayError.self) { try await gateway.export(created.id) }
            #expect(read.kind == .notFound)
            let byName = try await #require(throws: GatewayError.self) {
                try await gateway.export(named: "gone soon", in: dataset)
            }
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
            #expect(
                try pictograph.bodies(.post, "/bulk-delete") == [
                    ["export_ids": [.string(first.id.rawValue), .string(second.id.rawValue), .string(unknownID)]]
                ])
            #expect(try await gateway.exports().collect(upTo: 100_000).map(\.id) == [kept.id])

            let again = try await gateway.deleteExports([first.id])
            #expect(again.deleted.isEmpty && again.notFound == [first.id], "a re-run succeeds, reporting the id")
        }

        @Test func anotherOrganizationsExportsAreNotFoundAndSurvive() async throws {
            let pictograph = Pictograph()
            let created = try await pictograph.gateway().createExport(
                ExportRequest(source: .dataset(pictograph.dataset("ours"))))
            let result = try await pictograph.gateway(key: pictograph.simulator.otherOrganizationAPIKey).deleteExports([
                created.id
            ])
            #expect(result.deleted.isEmpty && result.notFound == [created.id])
            #expect(try await pictograph.gateway().export(created.id).id == created.id)
        }

        @Test(
            "Only admins and owners may delete",
            arguments: [
                ("member", false), ("viewer", false), ("admin", true),
            ])
        func deleteNeedsAdmin(role: String, allowed: Bool) async throws {
            let pictograph = Pictograph()
            let simulator = pictograph.simulator
            let created = try await pictograph.gateway().createExport(
                ExportRequest(source: .dataset(pictograph.dataset("roles"))))
            let key = [
                "member": simulator.memberAPIKey, "viewer": simulator.restrictedAPIKey, "admin": simulator.adminAPIKey,
            ][role]!
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
