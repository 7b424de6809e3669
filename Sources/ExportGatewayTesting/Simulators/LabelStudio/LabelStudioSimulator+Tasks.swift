import ExportGateway
import Foundation

extension LabelStudioSimulator {
    static let defaultTaskPageSize = 100
    static let defaultProjectTaskPageSize = 50

    /// `GET /api/tasks/?project=&page=&page_size=&fields=`: the Data Manager's envelope
    /// (`total_annotations`, `total_predictions`, `total`, `tasks`), tasks in id order, no
    /// links; 100 a page by default and no maximum; `404 "Invalid page."` past the end.
    /// `view` and `project` must read as Python numbers (a 400 naming the key otherwise,
    /// `view` first); the simulator has no views, so any view is `404 "No View matches"`
    /// once the project is found.
    func listTasks(_ request: SimulatedRequest, user: User) -> HTTPResponse {
        let viewText = Self.query(request, "view")
        if let viewText, Self.pythonInt(viewText) == nil { return Self.notDigits("view", viewText) }
        guard let projectText = Self.query(request, "project") else {
            guard viewText == nil else { return Self.envelope(404, "No View matches the given query.") }
            return Self.bare(404, "Neither project nor view id specified")
        }
        guard let id = Self.pythonInt(projectText) else { return Self.notDigits("project", projectText) }
        guard let project = state.withLock({ $0.project(id) }) else { return Self.envelope(404, Self.noProject) }
        guard viewText == nil else { return Self.envelope(404, "No View matches the given query.") }
        guard !user.removed else { return Self.envelope(403, Self.permissionDenied) }
        // A page size that is not a positive number is the default, however large it is.
        let size = Self.pageSize(request, default: Self.defaultTaskPageSize)
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

    /// Label Studio's `int_from_request` refusing `key`: a 400 whose field error is one
    /// string, not a list.
    static func notDigits(_ key: String, _ value: String) -> HTTPResponse {
        validation([key: .string("Incorrect value in key \"\(key)\" = \"\(value)\". It should be digit string.")])
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

    /// `GET /api/projects/{id}/tasks/` (the older route, Label Studio's own `paginator`): a
    /// bare array, most recently updated first, of tasks as `TaskSimpleSerializer` writes
    /// them (annotations and predictions inline, no Data Manager fields). `page` must read as
    /// a Python number (else a 400 naming it); `page_size` (or `length`, 50 by default) is
    /// converted only by the paginator, so one that is no number is a 500 with Python's
    /// words; exactly `-1` is every task, whatever the page. A page with no tasks (past the
    /// end, below 1, a size of 0 or less, page 1 of an empty project) is `404 "Not found."`.
    func projectTasks(_ id: Int, _ request: SimulatedRequest, user: User) -> HTTPResponse {
        guard let project = state.withLock({ $0.project(id) }) else { return Self.envelope(404, Self.noProject) }
        guard !user.removed else { return Self.envelope(403, Self.permissionDenied) }
        let pageText = Self.query(request, "page")
        let page = pageText.map(Self.pythonInt) ?? 1
        guard let page else { return Self.notDigits("page", pageText ?? "") }
        let tasks = (0..<project.taskCount).map { LabelStudioFixtures.task($0, of: project) }.sorted {
            $0.updatedAt != $1.updatedAt ? $0.updatedAt > $1.updatedAt : $0.id > $1.id
        }
        let sizeText = Self.query(request, "page_size") ?? Self.query(request, "length")
        if sizeText == "-1" { return Self.drf(200, .array(tasks.map(LabelStudioFixtures.simpleTaskJSON))) }
        let size = sizeText.map(Self.pythonInt) ?? Self.defaultProjectTaskPageSize
        guard let size else {
            return Self.envelope(500, "invalid literal for int() with base 10: \(Self.pythonRepr(sizeText ?? ""))")
        }
        // Django's paginator: pages below 1 or past the last (none at a size of 0 or less) are empty.
        guard size > 0, page >= 1, page - 1 <= (tasks.count - 1) / size else { return Self.envelope(404, "Not found.") }
        let rows = tasks.dropFirst((page - 1) * size).prefix(size)
        guard !rows.isEmpty else { return Self.envelope(404, "Not found.") }
        return Self.drf(200, .array(rows.map(LabelStudioFixtures.simpleTaskJSON)))
    }
}
