import ExportGateway
import Foundation

/// Paging `/api/tasks/?project=&page=&page_size=`, which has page numbers and no links.
///
/// The cursor is `"<page>"`, or `"<page>,<size>"` when the server serves fewer tasks per
/// page than asked for (a server started with `LABEL_STUDIO_TASK_API_PAGE_SIZE_MAX`): page
/// numbers count the server's pages, so later pages must ask for that same size.
struct LabelStudioTasksPosition: Hashable, Sendable {
    var page: Int
    var pageSize: Int

    /// The position `cursor` names; the first page at `pageSize` for `nil`.
    init(cursor: PageCursor?, pageSize: Int) throws {
        guard let cursor else {
            self.init(page: 1, pageSize: pageSize)
            return
        }
        let parts = cursor.value.split(separator: ",", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let page = Int(parts[0]), page > 1,
            let size = parts.count == 2 ? Int(parts[1]) : pageSize, size > 0
        else {
            throw GatewayError.invalidRequest(
                "\"\(cursor.value)\" is not a Label Studio tasks cursor; start the listing again.",
                fieldErrors: ["cursor": ["is not a page number"]])
        }
        self.init(page: page, pageSize: size)
    }

    init(page: Int, pageSize: Int) {
        self.page = page
        self.pageSize = pageSize
    }

    /// `project`, `page` and `page_size`, in that order.
    func query(project: Int64) -> [URLQueryItem] {
        [
            URLQueryItem(name: "project", value: String(project)), URLQueryItem(name: "page", value: String(page)),
            URLQueryItem(name: "page_size", value: String(pageSize)),
        ]
    }

    /// Where the next page starts, or `nil` after this one, by Label Studio's rules: a page
    /// shorter than asked for, or `page * page_size` reaching `total`, is the last. A first
    /// page shorter than asked for while `total` says there are more shows the server's own
    /// page size, used from then on.
    func next(received: Int, total: Int64?, requestedSize: Int) -> PageCursor? {
        guard received > 0 else { return nil }
        var size = pageSize
        if page == 1, received < pageSize, let total, Int64(received) < total {
            size = received
        } else if received < pageSize {
            return nil
        }
        if let total, Int64(page) * Int64(size) >= total { return nil }
        return PageCursor(size == requestedSize ? "\(page + 1)" : "\(page + 1),\(size)")
    }
}

/// Listing every export: Label Studio lists snapshots per project only, so the gateway's
/// one list walks the projects (`/api/projects/?ordering=id`, 100 at a time) and reads each
/// one's snapshots (at most 100, newest first) as one page.
///
/// The cursor is `"projects=<page>;ids=<id>,<id>...;more=<0|1>"`: the project-list page, the
/// projects of it still to read, and whether another project-list page follows.
struct LabelStudioExportsPosition: Hashable, Sendable {
    /// Project ids asked for per project-list page (Label Studio's maximum).
    static let projectsPageSize = 100

    var projectsPage: Int
    /// `nil` until that page is read.
    var pending: [Int64]?
    var more: Bool

    init(cursor: PageCursor?) throws {
        guard let cursor else {
            self.init(projectsPage: 1, pending: nil, more: false)
            return
        }
        var fields: [Substring: Substring] = [:]
        for part in cursor.value.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { throw Self.malformed(cursor) }
            fields[pair[0]] = pair[1]
        }
        guard let page = fields["projects"].flatMap({ Int($0) }), page > 0, let more = fields["more"],
            more == "0" || more == "1"
        else { throw Self.malformed(cursor) }
        var pending: [Int64]?
        if let ids = fields["ids"] {
            pending = try ids.split(separator: ",").map {
                guard let id = LabelStudioExportID.number($0) else { throw Self.malformed(cursor) }
                return id
            }
        }
        self.init(projectsPage: page, pending: pending, more: more == "1")
    }

    init(projectsPage: Int, pending: [Int64]?, more: Bool) {
        self.projectsPage = projectsPage
        self.pending = pending
        self.more = more
    }

    /// The query for this project-list page: ids only, in id order, so pages do not shift as
    /// projects are created.
    var projectsQuery: [URLQueryItem] {
        [
            URLQueryItem(name: "page", value: String(projectsPage)),
            URLQueryItem(name: "page_size", value: String(Self.projectsPageSize)),
            URLQueryItem(name: "ordering", value: "id"), URLQueryItem(name: "include", value: "id"),
        ]
    }

    /// The cursor after reading the first pending project; `nil` when none is left anywhere.
    var afterFirst: PageCursor? {
        let rest = Array((pending ?? []).dropFirst())
        if !rest.isEmpty {
            return LabelStudioExportsPosition(projectsPage: projectsPage, pending: rest, more: more).cursor
        }
        return more ? LabelStudioExportsPosition(projectsPage: projectsPage + 1, pending: nil, more: false).cursor : nil
    }

    var cursor: PageCursor {
        PageCursor(
            "projects=\(projectsPage)" + (pending.map { ";ids=" + $0.map(String.init).joined(separator: ",") } ?? "")
                + ";more=\(more ? 1 : 0)")
    }

    private static func malformed(_ cursor: PageCursor) -> GatewayError {
        GatewayError.invalidRequest(
            "\"\(cursor.value)\" is not a Label Studio exports cursor; start the listing again.",
            fieldErrors: ["cursor": ["is not a projects position"]])
    }
}
