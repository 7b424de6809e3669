import Foundation

/// One member of a dataset (an image, a point cloud, a sequence, a data row), normalized.
public struct Item: Sendable, Hashable, Identifiable {
    /// The vendor's id.
    public var id: ItemID
    /// Whether this is a single item or a sequence.
    public var kind: ItemKind
    /// The vendor's external key or name, typically the file name.
    public var key: String?
    /// The dataset it belongs to, when the vendor says.
    public var dataset: DatasetRef?
    /// The normalized workflow status.
    public var status: ItemStatus?
    /// The vendor's own status word, verbatim.
    public var rawStatus: String?
    /// A URL of the media itself (often signed and short-lived).
    public var mediaURL: URL? {
        get {
            switch media {
            case .url(let url): url
            case .candidates(let texts): texts.lazy.filter { !$0.isEmpty }.compactMap(URL.init(string:)).first
            }
        }
        set { media = .url(newValue) }
    }
    /// Media metadata such as width, height and format.
    public var metadata: JSONValue? {
        get { metadataSlot.value }
        set { metadataSlot = .value(newValue) }
    }
    /// Annotations when the vendor returns them inline.
    public var annotations: JSONValue? {
        get { annotationsSlot.value }
        set { annotationsSlot = .value(newValue) }
    }
    /// When the vendor created it.
    public var createdAt: Date?
    /// The vendor's full object as received.
    public var providerFields: JSONValue {
        get { fields.value ?? .null }
        set {
            fields = .value(newValue)
            fieldsText = SourceText(data: nil)
        }
    }
    /// ``providerFields`` as the exact JSON text the vendor sent (UTF-8), when the item was
    /// read from one (a record stream's row, an element of a page the adapter read in place): writing the object out again then needs no
    /// encoding. `nil` otherwise, and once ``providerFields`` is replaced.
    public var providerFieldsJSON: Data? { fieldsText.data }

    /// ``mediaURL``'s `absoluteString`, without making the URL when its text is plain
    /// (``PlainURLText``): for writers of many items.
    package var mediaURLString: String? {
        if case .candidates(let texts) = media, let first = texts.first(where: { !$0.isEmpty }),
            PlainURLText.isPlain(first)
        {
            return first
        }
        return mediaURL?.absoluteString
    }

    /// ``metadata`` as the vendor's exact text, when it is still the row's member (see
    /// ``DeferredMemberText``).
    package var metadataText: DeferredMemberText { metadataSlot.text }
    /// ``annotations`` as the vendor's exact text, when it is still the row's member.
    package var annotationsText: DeferredMemberText { annotationsSlot.text }

    // An item read from a record stream keeps its row's text and decodes it (and the media
    // URL) only when these are read: most pipelines read a few fields of each item.
    private var media: MediaLocation
    private var metadataSlot: DeferredJSON
    private var annotationsSlot: DeferredJSON
    private var fields: DeferredJSON
    private var fieldsText: SourceText

    /// Creates an item; adapters call this when mapping a vendor object.
    ///
    /// Pass `providerFieldsJSON` only when it is the very text `providerFields` was parsed
    /// from, such as a record stream's row (``RecordRow/bytes``).
    public init(
        id: ItemID, kind: ItemKind = .item, key: String? = nil, dataset: DatasetRef? = nil,
        status: ItemStatus? = nil, rawStatus: String? = nil, mediaURL: URL? = nil, metadata: JSONValue? = nil,
        annotations: JSONValue? = nil, createdAt: Date? = nil, providerFields: JSONValue = .null,
        providerFieldsJSON: Data? = nil
    ) {
        self.id = id
        self.kind = kind
        self.key = key
        self.dataset = dataset
        self.status = status
        self.rawStatus = rawStatus
        self.media = .url(mediaURL)
        self.metadataSlot = .value(metadata)
        self.annotationsSlot = .value(annotations)
        self.createdAt = createdAt
        self.fields = .value(providerFields)
        self.fieldsText = SourceText(data: providerFieldsJSON)
    }

    /// Creates an item whose vendor object is a row's text, decoded only when read: its
    /// ``providerFields`` are the whole row, its ``metadata`` and ``annotations`` the row's
    /// members `metadata` and `annotations` (views into `row`, `nil` when the row has none;
    /// `null` read as none when `nullMembersAreAbsent`), and its ``mediaURL`` the first of
    /// `mediaURLCandidates` that is a URL, made when read.
    package init(
        id: ItemID, kind: ItemKind = .item, key: String? = nil, dataset: DatasetRef? = nil,
        status: ItemStatus? = nil, rawStatus: String? = nil, mediaURLCandidates: [String], metadata: JSONView?,
        annotations: JSONView?, nullMembersAreAbsent: Bool = false, createdAt: Date? = nil, row: JSONText
    ) {
        self.init(
            id: id, kind: kind, key: key, dataset: dataset, status: status, rawStatus: rawStatus, createdAt: createdAt)
        self.media = mediaURLCandidates.isEmpty ? .url(nil) : .candidates(mediaURLCandidates)
        self.metadataSlot = DeferredJSON(member: metadata, nullIsAbsent: nullMembersAreAbsent)
        self.annotationsSlot = DeferredJSON(member: annotations, nullIsAbsent: nullMembersAreAbsent)
        self.fields = .whole(row)
        self.fieldsText = SourceText(data: row.bytes)
    }

    public static func == (lhs: Item, rhs: Item) -> Bool {
        lhs.id == rhs.id && lhs.kind == rhs.kind && lhs.key == rhs.key && lhs.dataset == rhs.dataset
            && lhs.status == rhs.status && lhs.rawStatus == rhs.rawStatus && lhs.createdAt == rhs.createdAt
            && lhs.mediaURL == rhs.mediaURL && lhs.metadata == rhs.metadata && lhs.annotations == rhs.annotations
            && lhs.providerFields == rhs.providerFields
    }

    public func hash(into hasher: inout Hasher) {
        // Equal items have equal ids and keys; the deferred fields are not decoded to hash.
        hasher.combine(id)
        hasher.combine(key)
        hasher.combine(rawStatus)
    }
}

/// A JSON value an item holds decoded, or finds in its row's text when read.
private enum DeferredJSON: Sendable {
    case value(JSONValue?)
    case whole(JSONText)
    /// A member of the row, already located.
    case member(JSONView)

    init(member: JSONView?, nullIsAbsent: Bool) {
        if let member, !(nullIsAbsent && member.isNull) { self = .member(member) } else { self = .value(nil) }
    }

    var value: JSONValue? {
        switch self {
        case .value(let value): value
        case .whole(let text): text.value
        case .member(let view): view.value
        }
    }

    var text: DeferredMemberText {
        switch self {
        case .value(nil): .absent
        case .value: .unavailable
        case .whole(let text): .text(text.bytes)
        case .member(let view): .text(view.text.bytes.subdata(in: view.range))
        }
    }
}

/// A member of an item's row as the vendor wrote it, so that writing it out again needs
/// neither decoding nor encoding.
package enum DeferredMemberText: Sendable, Equatable {
    /// The member was decoded or replaced: use the value.
    case unavailable
    /// The row has no such member (or `null` where that means none).
    case absent
    /// The member's text.
    case text(Data)
}

/// A media URL, or the texts to make one from when it is read: the first that is a URL.
private enum MediaLocation: Sendable {
    case url(URL?)
    case candidates([String])
}

/// The text a value was parsed from: it says nothing the value does not, so two items are
/// equal whether or not they kept it.
private struct SourceText: Sendable, Hashable {
    var data: Data?

    static func == (lhs: SourceText, rhs: SourceText) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}

/// URL text that `URL(string:)` takes exactly as it is: an `http` or `https` URL whose host
/// is letters, digits, dots and hyphens (no port, no user, not an IP literal) and whose other
/// characters need no percent-encoding (escapes already well formed; no brackets, no
/// fragment), so its `absoluteString` is the text itself. Anything else is left to `URL`.
enum PlainURLText {
    static func isPlain(_ text: String) -> Bool {
        let bytes = text.utf8
        let rest: Substring.UTF8View
        if text.hasPrefix("https://") {
            rest = text.dropFirst(8).utf8
        } else if text.hasPrefix("http://") {
            rest = text.dropFirst(7).utf8
        } else {
            return false
        }
        guard let first = rest.first, isAlphanumeric(first), bytes.count <= 4096 else { return false }
        var index = rest.startIndex
        // The host, up to the path or query.
        while index != rest.endIndex, rest[index] != UInt8(ascii: "/"), rest[index] != UInt8(ascii: "?") {
            let byte = rest[index]
            guard isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") else { return false }
            index = rest.index(after: index)
        }
        while index != rest.endIndex {
            let byte = rest[index]
            if byte == UInt8(ascii: "%") {
                let one = rest.index(after: index)
                guard one != rest.endIndex, isHex(rest[one]) else { return false }
                let two = rest.index(after: one)
                guard two != rest.endIndex, isHex(rest[two]) else { return false }
                index = rest.index(after: two)
                continue
            }
            guard isAlphanumeric(byte) || allowed.contains(byte) else { return false }
            index = rest.index(after: index)
        }
        return true
    }

    /// Unreserved and reserved characters of RFC 3986 but `[`, `]`, `#` and `%`.
    private static let allowed = Set("-._~:/?@!$&'()*+,;=".utf8)

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }
}
