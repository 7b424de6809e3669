import ExportGatewayProviders
import Foundation
import Testing

/// The provider matrix in docs/providers.md says what the adapters declare, so the docs and
/// the `unsupported` errors come from one declaration.
@Suite struct ProviderMatrixTests {
    @Test func filterMatrixInTheDocsMatchesEveryProvidersDeclaredFilters() throws {
        let docs = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/providers.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(text.range(of: "<!-- filters-matrix -->"))
        let end = try #require(text.range(of: "<!-- /filters-matrix -->"))
        let rows = text[start.upperBound..<end.lowerBound].split(separator: "\n").map {
            $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let header = try #require(rows.first)
        let providers = ProviderSet.standard.descriptors
        #expect(Array(header.dropFirst()) == providers.map(\.displayName))

        var documented: [String: Set<String>] = [:]
        for row in rows.dropFirst(2) {
            for (column, provider) in providers.enumerated() where row[column + 1] == "yes" {
                documented[provider.displayName, default: []].insert(
                    row[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")))
            }
        }
        #expect(rows.dropFirst(2).map { $0[0] } == ExportFilter.all.map { "`\($0)`" }, "one row per filter, in order")
        for provider in providers {
            let declared = Set(provider.makeProvider().capabilities.filters.map(\.description))
            #expect(documented[provider.displayName] ?? [] == declared, "\(provider.displayName)")
        }
    }
}
