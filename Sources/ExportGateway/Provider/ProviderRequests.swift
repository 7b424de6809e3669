import Foundation

/// A call the core makes of an adapter, as one value.
///
/// Every ``ExportProvider`` requirement takes one of these instead of a list of parameters,
/// so a field added later (a deadline, a hint) breaks no adapter. Each names its
/// ``operation`` and ``resource``, which the core stamps on any error the call throws.
public protocol ProviderRequest: Sendable {
    /// The gateway call this request serves.
    var operation: GatewayOperation { get }
    /// What it is about, for errors.
    var resource: GatewayResource? { get }
}

extension ExportRequest: ProviderRequest {
    public var operation: GatewayOperation { .createExport }
    public var resource: GatewayResource? { .source(source) }
}

/// Read one export by id (``ExportProvider/export(_:api:)``).
public struct ExportReadRequest: ProviderRequest, Hashable {
    /// The export.
    public var id: ExportID
    /// Creates a request.
    public init(id: ExportID) { self.id = id }
    public var operation: GatewayOperation { .export }
    public var resource: GatewayResource? { .export(id) }
}

/// Read one export by its name within a dataset (``ExportProvider/exportNamed(_:api:)``).
public struct ExportNameRequest: ProviderRequest, Hashable {
    /// The export's name.
    public var name: String
    /// The dataset whose exports the name is unique in.
    public var dataset: DatasetRef
    /// Creates a request.
    public init(name: String, dataset: DatasetRef) {
        self.name = name
        self.dataset = dataset
    }
    public var operation: GatewayOperation { .exportNamed }
    public var resource: GatewayResource? { .export(named: name, in: dataset) }
}

/// Read one page of exports (``ExportProvider/exportsPage(_:api:)``).
public struct ExportsPageRequest: ProviderRequest, Hashable {
    /// Where the page starts; `nil` for the first page.
    public var cursor: PageCursor?
    /// How many exports to ask for.
    public var pageSize: Int
    /// Creates a request.
    public init(cursor: PageCursor?, pageSize: Int) {
        self.cursor = cursor
        self.pageSize = pageSize
    }
    public var operation: GatewayOperation { .exportsPage }
    public var resource: GatewayResource? { nil }
}

/// Delete one export (``ExportProvider/deleteExport(_:api:)``).
public struct ExportDeleteRequest: ProviderRequest, Hashable {
    /// The export.
    public var id: ExportID
    /// Creates a request.
    public init(id: ExportID) { self.id = id }
    public var operation: GatewayOperation { .deleteExport }
    public var resource: GatewayResource? { .export(id) }
}

/// Delete several exports (``ExportProvider/deleteExports(_:api:)``).
public struct ExportsDeleteRequest: ProviderRequest, Hashable {
    /// The exports, without repeats, in the order given.
    public var ids: [ExportID]
    /// Creates a request.
    public init(ids: [ExportID]) { self.ids = ids }
    public var operation: GatewayOperation { .deleteExports }
    public var resource: GatewayResource? { nil }
}

/// Find a fresh download location for a completed export
/// (``ExportProvider/downloadLocation(_:api:)``).
public struct DownloadLocationRequest: ProviderRequest, Hashable {
    /// The export, as last read.
    public var export: Export
    /// Creates a request.
    public init(export: Export) { self.export = export }
    public var operation: GatewayOperation { .downloadLocation }
    public var resource: GatewayResource? { .export(export.id) }
}

/// Read one page of a dataset's items or sequences (``ExportProvider/itemsPage(_:api:)``).
public struct ItemsPageRequest: ProviderRequest, Hashable {
    /// The dataset.
    public var dataset: DatasetRef
    /// Items or sequences.
    public var kind: ItemKind
    /// Where the page starts; `nil` for the first page.
    public var cursor: PageCursor?
    /// How many to ask for.
    public var pageSize: Int
    /// Creates a request.
    public init(dataset: DatasetRef, kind: ItemKind, cursor: PageCursor?, pageSize: Int) {
        self.dataset = dataset
        self.kind = kind
        self.cursor = cursor
        self.pageSize = pageSize
    }
    public var operation: GatewayOperation { .itemsPage }
    public var resource: GatewayResource? { .dataset(dataset) }
}

/// Read one item or sequence (``ExportProvider/item(_:api:)``).
public struct ItemReadRequest: ProviderRequest, Hashable {
    /// The item.
    public var id: ItemID
    /// Item or sequence.
    public var kind: ItemKind
    /// The dataset it belongs to.
    public var dataset: DatasetRef
    /// Creates a request.
    public init(id: ItemID, kind: ItemKind, dataset: DatasetRef) {
        self.id = id
        self.kind = kind
        self.dataset = dataset
    }
    public var operation: GatewayOperation { .item }
    public var resource: GatewayResource? { .item(id, kind: kind, in: dataset) }
}

/// Size one record stream of a completed export (``ExportProvider/recordStreamInfo(_:api:)``).
public struct RecordStreamInfoRequest: ProviderRequest, Hashable {
    /// The completed export.
    public var export: Export
    /// Which stream.
    public var stream: RecordStream
    /// Creates a request.
    public init(export: Export, stream: RecordStream) {
        self.export = export
        self.stream = stream
    }
    public var operation: GatewayOperation { .recordStreamInfo }
    public var resource: GatewayResource? { .export(export.id) }
}

/// Locate the stored chunk of a record stream that holds a byte offset
/// (``ExportProvider/recordChunk(_:api:)``).
public struct RecordChunkRequest: ProviderRequest, Hashable {
    /// The completed export.
    public var export: Export
    /// Which stream.
    public var stream: RecordStream
    /// The byte the chunk must hold (it may lie inside the chunk).
    public var offset: Int64
    /// Creates a request.
    public init(export: Export, stream: RecordStream, offset: Int64) {
        self.export = export
        self.stream = stream
        self.offset = offset
    }
    public var operation: GatewayOperation { .recordChunk }
    public var resource: GatewayResource? { .export(export.id) }
}

/// One line of an export's results stream, to be read as an item
/// (``ExportProvider/record(from:)``).
///
/// A row read from a stream keeps its text and is decoded only when ``value`` is first read:
/// an adapter that maps a few members reads them in place (``json``) and leaves the tree
/// unbuilt unless someone asks for it.
public struct RecordRow: Sendable {
    /// The line's JSON, decoded on first use.
    public var value: JSONValue {
        get { replacedValue ?? text.value }
        set { replacedValue = newValue }
    }
    /// The line's JSON text as the stream holds it (see ``RecordLine/bytes``): an adapter
    /// whose item keeps the whole row passes it on as ``Item/providerFieldsJSON``.
    public var bytes: Data {
        get { text.bytes }
        set {
            // The value stays what it was, as for any stored property.
            let current = value
            text = JSONText(bytes: newValue, value: current)
            replacedValue = current
        }
    }
    /// The export the stream belongs to.
    public var export: Export
    /// Where the line starts in the stream.
    public var offset: Int64

    /// The line's text, checked when it came from a stream.
    package private(set) var text: JSONText
    private var replacedValue: JSONValue?

    /// Creates a row from its text and the value parsed from it.
    public init(value: JSONValue, bytes: Data, export: Export, offset: Int64) {
        self.init(text: JSONText(bytes: bytes, value: value), export: export, offset: offset)
    }
    /// Creates a row whose text is `value` serialized.
    public init(value: JSONValue, export: Export, offset: Int64) {
        self.init(value: value, bytes: value.serialized(), export: export, offset: offset)
    }
    /// Creates a row from checked text, decoded only when ``value`` is read.
    package init(text: JSONText, export: Export, offset: Int64) {
        self.text = text
        self.export = export
        self.offset = offset
    }

    /// The row's top-level value, to read in place: `nil` once ``value`` was replaced, or when
    /// the row was made from a value rather than read from a stream.
    package var json: JSONView? { replacedValue == nil ? text.root : nil }
}
