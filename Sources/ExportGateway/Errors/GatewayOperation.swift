/// The gateway call an error came from: its name in the API and what it was doing.
///
/// A struct, not an enum, so new calls add constants without breaking a caller's `switch`.
public struct GatewayOperation: Sendable, Hashable, CustomStringConvertible {
    /// The call's name in the API, such as `createExport` or `export(_:)`.
    public var name: String
    /// What it was doing, as a verb phrase that reads after "could not", such as `read`.
    public var action: String

    /// Creates an operation.
    public init(name: String, action: String) {
        self.name = name
        self.action = action
    }

    public var description: String { name }

    /// ``Gateway/createExport(_:)``.
    public static let createExport = GatewayOperation(name: "createExport", action: "create an export of")
    /// ``Gateway/export(_:)``.
    public static let export = GatewayOperation(name: "export(_:)", action: "read")
    /// ``Gateway/export(named:in:)``.
    public static let exportNamed = GatewayOperation(name: "export(named:in:)", action: "read")
    /// One page of ``Gateway/exports(pageSize:)``.
    public static let exportsPage = GatewayOperation(name: "exportsPage", action: "list exports")
    /// ``Gateway/deleteExport(_:)``.
    public static let deleteExport = GatewayOperation(name: "deleteExport", action: "delete")
    /// ``Gateway/deleteExports(_:)``.
    public static let deleteExports = GatewayOperation(name: "deleteExports", action: "delete exports")
    /// ``Gateway/wait(for:timeout:pollInterval:)``.
    public static let wait = GatewayOperation(name: "wait(for:timeout:)", action: "wait for")
    /// Finding where a completed export's result can be fetched.
    public static let downloadLocation = GatewayOperation(name: "downloadLocation", action: "locate the result of")
    /// ``Gateway/download(_:to:progress:)``.
    public static let download = GatewayOperation(name: "download(_:to:)", action: "download")
    /// One page of ``Gateway/items(in:kind:pageSize:)``.
    public static let itemsPage = GatewayOperation(name: "itemsPage", action: "list the items of")
    /// ``Gateway/item(_:kind:in:)``.
    public static let item = GatewayOperation(name: "item(_:kind:in:)", action: "read")
    /// ``Gateway/recordStreamInfo(of:stream:)``.
    public static let recordStreamInfo = GatewayOperation(name: "recordStreamInfo", action: "size the records of")
    /// Locating and reading one chunk of a record stream.
    public static let recordChunk = GatewayOperation(name: "recordChunk", action: "read the records of")
    /// Turning one record of a stream into an item.
    public static let record = GatewayOperation(name: "record(from:)", action: "read a record of")
    /// ``Gateway/annotations(of:)``: reading the annotations of an export.
    public static let annotations = GatewayOperation(name: "annotations(of:)", action: "read the annotations of")
}
