import Foundation

/// What a failed call was about, as a person would name it: `export e1`,
/// `item i42 in dataset acme/street-scenes`, `file /data/out.zip`.
public struct GatewayResource: Sendable, Hashable, CustomStringConvertible {
    /// The sort of thing: `export`, `dataset`, `project`, `item`, `sequence`, `file`.
    public var kind: String
    /// Its id, reference, name or path.
    public var id: String
    /// The resource it belongs to, such as the dataset of an item.
    public var parent: String?

    /// Creates a resource.
    public init(kind: String, id: String, parent: String? = nil) {
        self.kind = kind
        self.id = id
        self.parent = parent
    }

    public var description: String {
        "\(kind) \(id)" + (parent.map { " in \($0)" } ?? "")
    }

    /// An export, by id.
    public static func export(_ id: ExportID) -> GatewayResource { GatewayResource(kind: "export", id: id.rawValue) }

    /// An export, by its name within a dataset.
    public static func export(named name: String, in dataset: DatasetRef) -> GatewayResource {
        GatewayResource(kind: "export named", id: "\"\(name)\"", parent: "dataset \(dataset.rawValue)")
    }

    /// A dataset.
    public static func dataset(_ ref: DatasetRef) -> GatewayResource {
        GatewayResource(kind: "dataset", id: ref.rawValue)
    }

    /// What an export is made from.
    public static func source(_ source: ExportSource) -> GatewayResource {
        switch source {
        case .dataset(let ref): .dataset(ref)
        case .project(let id): GatewayResource(kind: "project", id: id)
        }
    }

    /// An item or sequence of a dataset.
    public static func item(_ id: ItemID, kind: ItemKind, in dataset: DatasetRef) -> GatewayResource {
        GatewayResource(kind: kind.rawValue, id: id.rawValue, parent: "dataset \(dataset.rawValue)")
    }

    /// A local file.
    public static func file(_ url: URL) -> GatewayResource { GatewayResource(kind: "file", id: url.path) }
}
