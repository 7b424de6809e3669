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
    public var mediaURL: URL?
    /// Media metadata such as width, height and format.
    public var metadata: JSONValue?
    /// Annotations when the vendor returns them inline.
    public var annotations: JSONValue?
    /// When the vendor created it.
    public var createdAt: Date?
    /// The vendor's full object as received.
    public var providerFields: JSONValue {
        get { fields }
        set {
            fields = newValue
            fieldsText = SourceText(data: nil)
        }
    }
    /// ``providerFields`` as the exact JSON text the vendor sent (UTF-8), when the item was
    /// read from one (a record stream's row): writing the object out again then needs no
    /// encoding. `nil` otherwise, and once ``providerFields`` is replaced.
    public var providerFieldsJSON: Data? { fieldsText.data }

    private var fields: JSONValue
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
        self.mediaURL = mediaURL
        self.metadata = metadata
        self.annotations = annotations
        self.createdAt = createdAt
        self.fields = providerFields
        self.fieldsText = SourceText(data: providerFieldsJSON)
    }
}

/// The text a value was parsed from: it says nothing the value does not, so two items are
/// equal whether or not they kept it.
private struct SourceText: Sendable, Hashable {
    var data: Data?

    static func == (lhs: SourceText, rhs: SourceText) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}
