import ExportGateway
import Foundation

/// Label Studio's routes, under the server's root.
///
/// Label Studio's slash rules matter: routes defined with a trailing slash accept both
/// forms, but routes defined without one (an export, its download, the format list) answer
/// 404 with an HTML page when a slash is added. So each path here ends with `/` exactly when
/// Label Studio defines it so.
enum LabelStudioRoutes {
    /// `/api/projects/`: the project list.
    static let projects = APIPath("api", "projects", endsWithSlash: true)

    /// `/api/projects/{pid}/`: one project.
    static func project(_ project: Int64) -> APIPath {
        APIPath("api", "projects", String(project), endsWithSlash: true)
    }

    /// `/api/projects/{pid}/exports/`: create and list a project's snapshots.
    static func exports(project: Int64) -> APIPath {
        APIPath("api", "projects", String(project), "exports", endsWithSlash: true)
    }

    /// `/api/projects/{pid}/exports/{eid}` (no slash): read and delete one snapshot.
    static func export(project: String, export: String) -> APIPath {
        APIPath("api", "projects", project, "exports", export)
    }

    /// `/api/projects/{pid}/exports/{eid}/download` (no slash): the file.
    static func download(_ id: LabelStudioExportID) -> APIPath {
        export(project: String(id.project), export: String(id.export)).appending("download")
    }

    /// `/api/projects/{pid}/export/formats` (no slash): the formats a project offers.
    static func formats(project: Int64) -> APIPath {
        APIPath("api", "projects", String(project), "export", "formats")
    }

    /// `/api/tasks/`: a project's tasks, paged.
    static let tasks = APIPath("api", "tasks", endsWithSlash: true)

    /// `/api/tasks/{id}/`: one task.
    static func task(_ id: String) -> APIPath {
        APIPath("api", "tasks", id, endsWithSlash: true)
    }

    /// `/api/token/refresh/`: a personal access token exchanged for an access token.
    static let tokenRefresh = APIPath("api", "token", "refresh", endsWithSlash: true)
}
