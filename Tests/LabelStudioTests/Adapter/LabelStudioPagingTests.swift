import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayLabelStudio

/// Tasks by page number, exports by project.
@Suite struct LabelStudioPagingTests {
    @Test func aShortPageOrReachingTheTotalEndsTheList() throws {
        let first = try LabelStudioTasksPosition(cursor: nil, pageSize: 100)
        #expect(first.page == 1)
        #expect(first.query(project: 4).map(\.name) == ["project", "page", "page_size"])
        #expect(first.next(received: 100, total: 250, requestedSize: 100) == PageCursor("2"))
        #expect(first.next(received: 100, total: 100, requestedSize: 100) == nil)
        #expect(first.next(received: 40, total: nil, requestedSize: 100) == nil)
        #expect(first.next(received: 0, total: 0, requestedSize: 100) == nil)
        let third = try LabelStudioTasksPosition(cursor: PageCursor("3"), pageSize: 100)
        #expect(third.next(received: 50, total: 250, requestedSize: 100) == nil)
        #expect(third.next(received: 100, total: nil, requestedSize: 100) == PageCursor("4"))
    }

    @Test func aServerThatCapsPagesIsFollowedAtItsOwnSize() throws {
        let first = try LabelStudioTasksPosition(cursor: nil, pageSize: 100)
        let next = try #require(first.next(received: 30, total: 70, requestedSize: 100))
        #expect(next == PageCursor("2,30"))
        let second = try LabelStudioTasksPosition(cursor: next, pageSize: 100)
        #expect(second.page == 2 && second.pageSize == 30)
        #expect(second.next(received: 30, total: 70, requestedSize: 100) == PageCursor("3,30"))
        let third = try LabelStudioTasksPosition(cursor: PageCursor("3,30"), pageSize: 100)
        #expect(third.next(received: 10, total: 70, requestedSize: 100) == nil)
    }

    @Test(arguments: ["1", "0", "x", "2,0", "2,", "2,3,4", ""])
    func aForeignTasksCursorIsRefused(cursor: String) {
        #expect(throws: GatewayError.self) { try LabelStudioTasksPosition(cursor: PageCursor(cursor), pageSize: 10) }
    }

    @Test func theExportsCursorWalksProjectsAndPages() throws {
        let start = try LabelStudioExportsPosition(cursor: nil)
        #expect(start.projectsPage == 1 && start.pending == nil)
        #expect(start.projectsQuery.map(\.name) == ["page", "page_size", "ordering", "include"])
        let read = LabelStudioExportsPosition(projectsPage: 1, pending: [3, 7, 9], more: true)
        let next = try #require(read.afterFirst)
        #expect(next == PageCursor("projects=1;ids=7,9;more=1"))
        #expect(
            try LabelStudioExportsPosition(cursor: next)
                == LabelStudioExportsPosition(projectsPage: 1, pending: [7, 9], more: true))
        let last = LabelStudioExportsPosition(projectsPage: 1, pending: [9], more: true)
        #expect(last.afterFirst == PageCursor("projects=2;more=0"))
        #expect(LabelStudioExportsPosition(projectsPage: 2, pending: [9], more: false).afterFirst == nil)
        #expect(throws: GatewayError.self) { try LabelStudioExportsPosition(cursor: PageCursor("projects=x;more=1")) }
        #expect(throws: GatewayError.self) {
            try LabelStudioExportsPosition(cursor: PageCursor("projects=1;ids=a;more=1"))
        }
    }
}
