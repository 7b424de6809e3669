import ExportGateway
import Foundation

/// Avala's cursor paging, shared by every list (`{"next", "previous", "results"}`).
///
/// Like Avala's SDK, the adapter never requests the `next` URL itself: it takes the `cursor`
/// (else `page`) value out of it and sends it back as `cursor=` on the same path, with
/// `limit` again, because the server does not carry other parameters over.
enum AvalaPaging {
    /// `limit=<pageSize>`, then `cursor=<token>` when there is one.
    static func query(pageSize: Int, token: String?) -> [URLQueryItem] {
        var query = [URLQueryItem(name: "limit", value: String(pageSize))]
        if let token, !token.isEmpty { query.append(URLQueryItem(name: "cursor", value: token)) }
        return query
    }

    /// The cursor token in a `next` URL, percent-decoded; `nil` (the last page) when `next`
    /// is missing or carries no non-empty `cursor` or `page` value.
    static func token(fromNext next: String?) -> String? {
        guard let next, !next.isEmpty, let items = URLComponents(string: next)?.queryItems else { return nil }
        func first(_ name: String) -> String? {
            items.first { $0.name == name && !($0.value ?? "").isEmpty }?.value
        }
        return first("cursor") ?? first("page")
    }
}

/// A position in a dataset's items or sequences: Avala's cursor token plus the dataset's
/// resolved `owner/slug`, so that a dataset given by uid is looked up only once per listing.
///
/// Its ``PageCursor`` value is JSON with sorted keys, so equal positions give equal cursors
/// (the core detects a vendor repeating a cursor by comparing them).
struct AvalaItemsCursor: Sendable, Hashable {
    /// The dataset's path, when the cursor was made for the same ``DatasetRef``.
    var path: AvalaDatasetPath?
    /// Avala's own cursor token.
    var token: String
    private var ref: String

    /// A cursor for the page after the one just read.
    init(ref: DatasetRef, path: AvalaDatasetPath, token: String) {
        self.ref = ref.rawValue
        self.path = path
        self.token = token
    }

    /// Reads a cursor this adapter made. One made for another reference keeps its token but
    /// not its path; a value that is not this adapter's JSON is taken as a bare Avala token.
    init(decoding cursor: PageCursor, for ref: DatasetRef) {
        self.ref = ref.rawValue
        if let encoded = try? JSONDecoder().decode(Encoded.self, from: Data(cursor.value.utf8)) {
            token = encoded.cursor
            let usable = encoded.dataset == ref.rawValue && !encoded.owner.isEmpty && !encoded.slug.isEmpty
            path = usable ? AvalaDatasetPath(owner: encoded.owner, slug: encoded.slug) : nil
        } else {
            token = cursor.value
            path = nil
        }
    }

    /// The cursor handed to the core.
    var pageCursor: PageCursor {
        let encoded = Encoded(dataset: ref, owner: path?.owner ?? "", slug: path?.slug ?? "", cursor: token)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(encoded)) ?? Data()
        return PageCursor(String(decoding: data, as: UTF8.self))
    }

    private struct Encoded: Codable {
        var dataset: String
        var owner: String
        var slug: String
        var cursor: String
    }
}
