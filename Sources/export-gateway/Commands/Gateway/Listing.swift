import ExportGateway
import Foundation

/// Prints a lazily fetched list as it arrives: a table for people, one JSON object per line
/// (NDJSON) with `--json`, one id per line with `--quiet`. At most ``sampleSize`` rows are
/// held (to size the table's columns), so a list of a million items uses the memory of a
/// page, and `--limit` stops the fetching, as does a reader that stops reading (`| head`).
struct Listing<Element: Sendable>: Sendable {
    /// A column of the table for people.
    struct Column: Sendable {
        var title: String
        var cell: @Sendable (Element) -> String
    }

    /// Rows held back to size the columns before the table starts; later rows reuse those
    /// widths, and a longer cell pushes its row out rather than being cut.
    static var sampleSize: Int { 100 }

    var columns: [Column]
    var id: @Sendable (Element) -> String
    var json: @Sendable (Element) -> JSONValue
    /// An element's NDJSON line (without its newline), when there is a faster way to it
    /// than serializing ``json``: the vendor's own text kept with the element.
    var jsonLine: (@Sendable (Element) -> Data)? = nil
    /// What to call the elements in the closing count, singular and plural.
    var noun: (one: String, many: String)

    /// Prints `sequence` (stopping after `--limit`) in the session's form.
    func print<Elements: AsyncSequence>(_ sequence: Elements, session: GatewaySession) async throws
    where Elements.Element == Element {
        let limit = session.arguments[ListingOptions.limit]
        let console = session.console
        let table = !session.json && !session.quiet
        var sample: [[String]] = []
        var widths: [Int]?
        var count = 0
        // NDJSON and ids go out in batches; the table stays a write per line.
        var output = LineBuffer(console: console)
        defer { output.flush() }
        for try await element in sequence {
            if session.json {
                output.append(jsonLine?(element) ?? json(element).serialized())
            } else if session.quiet {
                output.append(id(element).utf8)
            } else if let widths {
                console.line(Self.row(columns.map { $0.cell(element) }, widths: widths))
            } else {
                sample.append(columns.map { $0.cell(element) })
                if sample.count == Self.sampleSize { widths = printSample(&sample, console: console) }
            }
            count += 1
            if count >= limit || console.isOutputClosed { break }
        }
        output.flush()
        guard table else { return }
        if widths == nil { _ = printSample(&sample, console: console) }
        console.line(
            "\(Format.grouped(count)) \(count == 1 ? noun.one : noun.many)\(count == limit ? " (--limit reached)" : "")."
        )
    }

    /// Prints the header and the rows held so far, sized to fit them, and returns the widths.
    private func printSample(_ sample: inout [[String]], console: Console) -> [Int] {
        let rows = [columns.map(\.title)] + sample
        let widths = columns.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        rows.forEach { console.line(Self.row($0, widths: widths)) }
        sample.removeAll()
        return widths
    }

    private static func row(_ cells: [String], widths: [Int]) -> String {
        cells.enumerated().map { index, cell in
            index == cells.count - 1 ? cell : Format.padded(cell, to: widths[index])
        }.joined(separator: "  ")
    }
}
