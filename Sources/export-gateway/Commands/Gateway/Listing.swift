import ExportGateway

/// Prints a lazily fetched list as it arrives: a table for people, one JSON object per line
/// (NDJSON) with `--json`, one id per line with `--quiet`. Nothing is gathered first, so a
/// list of a million items uses the memory of one page, and `--limit` stops the fetching.
struct Listing<Element: Sendable>: Sendable {
    /// A column of the table for people.
    struct Column: Sendable {
        var title: String
        /// Cells are padded to this width; longer ones push the row out rather than being cut.
        var width: Int
        var cell: @Sendable (Element) -> String
    }

    var columns: [Column]
    var id: @Sendable (Element) -> String
    var json: @Sendable (Element) -> JSONValue
    /// What to call the elements in the closing count, singular and plural.
    var noun: (one: String, many: String)

    /// The options every list command takes.
    static var options: [OptionSpec] {
        [
            OptionSpec("limit", .value(placeholder: "N"), help: "Stop after N entries (default: all)."),
            OptionSpec(
                "page-size", .value(placeholder: "N"),
                help: "Entries asked for per request (default: EXPORT_GATEWAY_PAGE_SIZE, \"pageSize\", or 100)."),
        ]
    }

    /// Prints `sequence` (stopping after `--limit`) in the session's form.
    func print(_ sequence: PagedSequence<Element>, session: GatewaySession) async throws {
        let limit = try session.arguments.integer("limit", default: .max, in: 1...Int.max)
        let console = session.console
        if !session.json && !session.quiet { console.line(row(columns.map(\.title))) }
        var count = 0
        for try await element in sequence {
            if session.json {
                session.emit(json(element))
            } else if session.quiet {
                console.line(id(element))
            } else {
                console.line(row(columns.map { $0.cell(element) }))
            }
            count += 1
            if count >= limit { break }
        }
        if !session.json && !session.quiet {
            console.line("\(Format.grouped(count)) \(count == 1 ? noun.one : noun.many)\(count == limit ? " (--limit reached)" : "").")
        }
    }

    /// The page size `--page-size` asks for, or `nil` for the configured one.
    static func pageSize(_ session: GatewaySession) throws -> Int? {
        session.arguments.value("page-size") == nil
            ? nil : try session.arguments.integer("page-size", default: 0, in: 1...Int.max)
    }

    private func row(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            index == cells.count - 1 ? cell : Format.padded(cell, to: columns[index].width)
        }.joined(separator: "  ")
    }
}
