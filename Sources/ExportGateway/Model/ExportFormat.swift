/// The file format of an export's result.
///
/// Common formats have constants; adapters translate them to their vendor's word and
/// throw ``GatewayError/Kind/unsupported`` for one their vendor lacks. Any other
/// vendor word passes through verbatim: `ExportFormat(rawValue: "avala-json-external")`.
public struct ExportFormat: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The format's name: a common name below, or a vendor's own word.
    public var rawValue: String
    /// Creates a format from a name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a format from a literal.
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    /// The vendor's own, most complete format (Avala JSON, Labelbox NDJSON, ...).
    public static let native = ExportFormat(rawValue: "native")
    /// COCO JSON.
    public static let coco = ExportFormat(rawValue: "coco")
    /// YOLO text labels.
    public static let yolo = ExportFormat(rawValue: "yolo")
    /// Pascal VOC XML.
    public static let pascalVOC = ExportFormat(rawValue: "pascal-voc")
    /// Comma-separated values.
    public static let csv = ExportFormat(rawValue: "csv")
    /// Plain JSON.
    public static let json = ExportFormat(rawValue: "json")
    /// Newline-delimited JSON, one record a line.
    public static let ndjson = ExportFormat(rawValue: "ndjson")

    public var description: String { rawValue }
}
