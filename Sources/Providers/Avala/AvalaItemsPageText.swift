import ExportGateway
import Foundation

/// An items page read in place from its text: each item's few mapped members are read where
/// they lie, and the item keeps its own object's text, decoded only when `providerFields`,
/// `metadata` or `annotations` is read. Building the page's tree was about half of a
/// listing's client CPU.
///
/// It gives exactly the items ``AvalaItemWire`` gives; a page with any member of an
/// unexpected type is left to ``AvalaPageWire``, whose error names the member.
enum AvalaItemsPageText {
    private static let pageMembers = JSONMemberNames("results", "next")
    private static let itemMembers = JSONMemberNames(
        "uid", "key", "status", "url", "data_url", "featured_image", "created_at", "metadata", "annotations")

    /// The page's items and the next page's token, or `nil` when the page is not of the
    /// expected shape.
    static func page(_ body: JSONText, kind: ItemKind, dataset: DatasetRef) -> (items: [Item], nextToken: String?)? {
        guard let root = body.root else { return nil }
        let page = root.members(pageMembers)
        guard let results = page[0]?.elements else { return nil }
        let next: String?
        do { next = try JSONView.optionalString(page[1]) } catch { return nil }
        var items: [Item] = []
        items.reserveCapacity(results.count)
        for element in results {
            guard let item = try? item(element, kind: kind, dataset: dataset) else { return nil }
            items.append(item)
        }
        return (items, AvalaPaging.token(fromNext: next))
    }

    private static func item(_ element: JSONView, kind: ItemKind, dataset: DatasetRef) throws -> Item {
        // The item's own copy of its text, so that it keeps no part of the page alive.
        let text = element.detached()
        guard let object = text.root, object.isObject else { throw JSONUnexpectedShape() }
        let fields = object.members(itemMembers)
        guard let uid = try JSONView.optionalString(fields[0]), !uid.isEmpty else { throw JSONUnexpectedShape() }
        let status = try JSONView.optionalString(fields[2])
        let media = [fields[3], fields[4]] + (kind == .sequence ? [fields[5]] : [])
        // The members not mapped to a media URL must still be strings when present.
        _ = try JSONView.optionalString(fields[5])
        return Item(
            id: ItemID(rawValue: uid), kind: kind, key: try JSONView.optionalString(fields[1]), dataset: dataset,
            status: AvalaProvider.itemStatus(for: status, kind: kind), rawStatus: status,
            mediaURLCandidates: try media.compactMap { view throws(JSONUnexpectedShape) in
                try JSONView.optionalString(view)
            },
            metadata: fields[7], annotations: fields[8], nullMembersAreAbsent: true,
            createdAt: try JSONView.optionalString(fields[6]).flatMap(ISO8601.date(from:)), row: text)
    }
}
