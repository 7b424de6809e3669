/// A path under a vendor API's base URL, kept as raw segments and escaped in one place.
///
/// Adapters never build URL strings by hand: each segment (an id, an owner, a slug, a name)
/// is percent-escaped on its own, so a space, `/`, `?`, `#`, `%` or a non-ASCII character
/// stays inside its segment, and a segment made only of dots cannot step out of the route.
///
/// ```swift
/// api.path("datasets", owner, slug, "items", endsWithSlash: true)   // /datasets/acme/street%20scenes/items/
/// ```
public struct APIPath: Sendable, Hashable, CustomStringConvertible {
    /// The segments, unescaped.
    public private(set) var segments: [String]
    /// Whether the path ends with `/`, for vendors whose routes do (Django's do).
    public var endsWithSlash: Bool

    /// A path made of `segments`.
    public init(_ segments: String..., endsWithSlash: Bool = false) {
        self.init(segments: segments, endsWithSlash: endsWithSlash)
    }

    /// A path made of `segments`.
    public init(segments: [String], endsWithSlash: Bool = false) {
        self.segments = segments
        self.endsWithSlash = endsWithSlash
    }

    /// This path with `more` segments after it, ending with a slash as this one does.
    public func appending(_ more: String...) -> APIPath {
        APIPath(segments: segments + more, endsWithSlash: endsWithSlash)
    }

    /// This path, ending with `/` or not.
    public func endingWithSlash(_ slash: Bool = true) -> APIPath {
        APIPath(segments: segments, endsWithSlash: slash)
    }

    /// The path as sent: `/` + each segment escaped, joined by `/`.
    public var escaped: String {
        "/" + segments.map(Self.escape).joined(separator: "/") + (endsWithSlash && !segments.isEmpty ? "/" : "")
    }

    public var description: String { escaped }

    /// The index of the first empty segment, which would silently name another route
    /// (`/exports//` is the list, not an export).
    var firstEmptySegment: Int? { segments.firstIndex(where: \.isEmpty) }

    /// `segment` percent-escaped as one path segment: everything but unreserved characters
    /// (so `/` becomes `%2F` and `?` `%3F`), and a segment of dots only is escaped too, because
    /// `.` and `..` would otherwise be read as relative steps and leave the route.
    static func escape(_ segment: String) -> String {
        if !segment.isEmpty, segment.allSatisfy({ $0 == "." }) {
            return String(repeating: "%2E", count: segment.count)
        }
        return PercentEscaping.escapingAllButUnreserved(segment)
    }
}
