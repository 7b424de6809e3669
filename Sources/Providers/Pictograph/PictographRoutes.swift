import ExportGateway

/// Pictograph's export routes, relative to the host-only base URL.
///
/// The collection routes (`POST`/`GET .../exports/`) end with `/` and the per-export routes
/// do not: Pictograph's SDK never follows redirects, and a server that "fixes" a slash
/// with a 307 would break it, so the paths are sent exactly as the SDK sends them.
enum PictographRoutes {
    /// Every export route lives under this prefix.
    static let prefix = APIPath("api", "v1", "developer", "exports")

    /// `POST` (create) and `GET` (list): `/api/v1/developer/exports/`.
    static let collection = prefix.endingWithSlash()

    /// `POST`: `/api/v1/developer/exports/bulk-delete`, Pictograph's only delete by id.
    static let bulkDelete = prefix.appending("bulk-delete")

    /// One export by id or by name: `/api/v1/developer/exports/{segment}`.
    ///
    /// The same path shape serves both: with a `dataset` query the segment is a name
    /// within that dataset, without one it is an id.
    static func export(_ segment: String) -> APIPath {
        prefix.appending(segment)
    }

    /// A fresh signed download URL for one export: `.../exports/{segment}/download`.
    static func download(_ segment: String) -> APIPath {
        export(segment).appending("download")
    }
}
