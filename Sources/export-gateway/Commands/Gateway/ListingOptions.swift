/// The options of the commands that print a ``Listing``.
enum ListingOptions {
    /// `--limit N`: stop after N entries (fetching stops too).
    static let limit: Option<Int> = .value(
        "limit", placeholder: "N", default: .max, help: "Stop after N entries (default: all).",
        .integer(in: 1...Int.max))
    /// `--page-size N`: `nil` for the configured page size.
    static let pageSize: Option<Int?> = .value(
        "page-size", placeholder: "N",
        help: "Entries asked for per request (default: EXPORT_GATEWAY_PAGE_SIZE, \"pageSize\", or 100).",
        .integer(in: 1...Int.max))

    /// Both, for the commands that list page by page.
    static let all: [any OptionDeclaration] = [limit, pageSize]
}
