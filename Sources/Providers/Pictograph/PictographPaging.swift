import ExportGateway
import Foundation

/// Pictograph's offset paging (`limit`, `offset`, and `pagination.has_more` in the answer),
/// with the SDK's stop rules (protocol notes, section 3).
enum PictographPaging {
    /// The server's largest page; a bigger `limit` is refused with 422.
    static let maxLimit = 1000

    /// `pageSize` clamped to what the server accepts, 1...1000.
    static func limit(for pageSize: Int) -> Int {
        min(max(pageSize, 1), maxLimit)
    }

    /// `limit=<limit>&offset=<offset>`, both always sent as the SDK does.
    static func query(limit: Int, offset: Int) -> [URLQueryItem] {
        [URLQueryItem(name: "limit", value: String(limit)), URLQueryItem(name: "offset", value: String(offset))]
    }

    /// The offset a cursor holds; `nil` (the first page) without one.
    static func offset(from cursor: PageCursor?) throws -> Int {
        guard let cursor else { return 0 }
        guard let offset = cursor.offset, offset >= 0 else {
            let message = "The page cursor \"\(cursor.value)\" is not a Pictograph offset. Start the listing again."
            throw GatewayError.invalidRequest(message, fieldErrors: ["cursor": [message]])
        }
        return offset
    }

    /// Where the next page starts, or `nil` when this page is the last.
    ///
    /// The last page is one that is empty; one whose `has_more` is exactly `false` (even a
    /// full page: the flag is authoritative); or, without a Boolean `has_more`, a short page.
    /// Otherwise the next offset is this one plus the number of exports *received*, not the
    /// limit, because a server that caps the page size says `has_more: true` on a short page.
    static func next(offset: Int, limit: Int, received: Int, hasMore: Bool?) -> PageCursor? {
        guard received > 0 else { return nil }
        switch hasMore {
        case false?: return nil
        case true?: break
        case nil: if received < limit { return nil }
        }
        return PageCursor(offset: offset + received)
    }
}
