import ExportGateway
import Foundation

extension LabelStudioSimulator {
    static let defaultTaskPageSize = 100
    static let defaultProjectTaskPageSize = 50

    /// `GET /api/tasks/?project=&page=&page_size=&fields=`: the Data Manager's envelope
    /// (`total_annotations`, `total_predictions`, `total`, `tasks`), tasks in id order, no
    /// links; 100 a page by default and no maximum; `404 "Invalid page."` past the end.
    func listTasks(_ request: SimulatedRequest, user: User) -> HTTPResponse {
        guard let projectText = Self.query(request, "project") else {
            guard Self.query(request, "view") == nil else {
                return Self.envelope(404, "No View matches the given query.")
            }
            return Self.bare(404, "Neither project nor view id specified")
        }
        guard let id = Int(projectText), let project = state.withLock({ $0.project(id) }) else {
            return Self.envelope(404, Self.noProject)
        }
        guard !user.removed else { return Self.envelope(403, Self.permissionDenied) }
        // A page size that is not a positive number is the default, however large it is.
        let size =
            Self.query(request, "page_size").flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
            ?? Self.defaultTaskPageSize
        let pages = Self.pageCount(project.taskCount, size: size)
        guard let page = Self.pageNumber(Self.query(request, "page"), pages: pages) else {
            return Self.envelope(404, Self.invalidPage)
        }
        let full = Self.query(request, "fields") == "all"
        let start = (page - 1) * size
        let end = min(start + size, project.taskCount)
        let totals = LabelStudioFixtures.totals(of: project)
        let tasks = (start..<max(start, end)).map { index in
            LabelStudioFixtures.taskJSON(LabelStudioFixtures.task(index, of: project), full: full)
        }
        return Self.drf(
            200,
            [
                "total_annotations": .int(totals.annotations), "total_predictions": .int(totals.predictions),
                "total": .int(project.taskCount), "tasks": .array(tasks),
            ])
    }

    /// `GET /api/tasks/{id}/`: one task with its annotations (`completed_by` expanded) and
    /// predictions. It checks no project: a task of any project is found.
    func readTask(_ id: Int, user: User) -> HTTPResponse {
        guard let project = state.withLock({ $0.projects.first { $0.taskIDs.contains(id) } }) else {
            return Self.envelope(404, "No Task matches the given query.")
        }
        guard !user.removed else { return Self.envelope(403, Self.permissionDenied) }
        let task = LabelStudioFixtures.task(id - project.firstTaskID, of: project)
        return Self.drf(200, LabelStudioFixtures.taskJSON(task, full: true, expandedUser: true))
    }

    /// `GET /api/projects/{id}/tasks/` (the older route): a bare array, 50 a page, most
    /// recently updated first, annotations and predictions inline; `page_size=-1` is every
    /// task. Past the end, `page=0` or `page_size=0` is `404 "Not found."`, even page 1 of an
    /// empty project.
    func projectTasks(_ id: Int, _ request: SimulatedRequest, user: User) -> HTTPResponse {
        guard let project = state.withLock({ $0.project(id) }) else { return Self.envelope(404, Self.noProject) }
        guard !user.removed else { return Self.envelope(403, Self.permissionDenied) }
        let pageText = Self.query(request, "page") ?? "1"
        guard let page = Int(pageText) else {
            return Self.validation(["page": .string("Incorrect value in key \"page\" = \(pageText)")])
        }
        let sizeText = Self.query(request, "page_size")
        let size = sizeText.flatMap(Int.init) ?? (sizeText == nil ? Self.defaultProjectTaskPageSize : 0)
        let all = size == -1
        guard page >= 1, size > 0 || all else { return Self.envelope(404, "Not found.") }
        // Past the last task (however large the page number, it must not overflow): no page.
        guard all || page - 1 <= project.taskCount / size else { return Self.envelope(404, "Not found.") }
        let tasks = (0..<project.taskCount).map { LabelStudioFixtures.task($0, of: project) }.sorted {
            $0.updatedAt != $1.updatedAt ? $0.updatedAt > $1.updatedAt : $0.id > $1.id
        }
        let rows = all ? tasks[...] : tasks.dropFirst((page - 1) * size).prefix(size)
        guard !rows.isEmpty, !all || page == 1 else { return Self.envelope(404, "Not found.") }
        return Self.drf(200, .array(rows.map { LabelStudioFixtures.taskJSON($0, full: true) }))
    }
}
