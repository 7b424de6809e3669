/// Names a provider (a vendor adapter), such as `avala`.
///
/// Adapters declare their own constant (`ProviderID.avala` lives in the Avala module), so
/// the core knows no vendor by name.
public struct ProviderID: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The lowercase name used in configuration, such as `"avala"`.
    public var rawValue: String
    /// Creates an id; the name is lowercased so configuration is case-insensitive.
    public init(rawValue: String) { self.rawValue = rawValue.lowercased() }
    /// Creates an id from a literal.
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
}

/// The vendor's identifier of one export, kept verbatim.
public struct ExportID: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The vendor's id string.
    public var rawValue: String
    /// Creates an id.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates an id from a literal.
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
}

/// The vendor's identifier of one item (image, frame, sequence, data row), kept verbatim.
public struct ItemID: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The vendor's id string.
    public var rawValue: String
    /// Creates an id.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates an id from a literal.
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
}

/// Names a dataset the way its vendor lets a pipeline name it.
///
/// The string is passed to the adapter, which documents the forms it accepts (Avala takes a
/// dataset uid or `owner/slug`; other vendors take a name or an id).
public struct DatasetRef: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The reference as written.
    public var rawValue: String
    /// Creates a reference.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a reference from a literal.
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
}

/// What an export is made from: a whole dataset or a labeling project.
public enum ExportSource: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A dataset, in the form its vendor accepts.
    case dataset(DatasetRef)
    /// A project (the vendor's id for it).
    case project(String)

    public var description: String {
        switch self {
        case .dataset(let ref): "dataset \(ref)"
        case .project(let id): "project \(id)"
        }
    }
}

/// Which kind of dataset member to list: single items, or sequences (video, LiDAR scenes).
public enum ItemKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Individual data items: images, point clouds, data rows.
    case item
    /// Sequences of frames, for vendors that group items that way.
    case sequence
}
