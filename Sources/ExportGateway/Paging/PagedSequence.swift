/// A lazy sequence of every element of a vendor list, fetched page after page.
///
/// Nothing is fetched until iteration starts; each page is requested only when the
/// previous one is used up, so memory holds one page at a time. It stops when a page has
/// no next cursor. A vendor that hands back the cursor it was just given would loop
/// forever; that throws ``GatewayError/Kind/server`` instead.
///
/// ```swift
/// for try await item in gateway.items(in: "acme/street-scenes") { print(item.id) }
/// ```
public struct PagedSequence<Element: Sendable>: AsyncSequence, Sendable {
    /// Fetches the page that starts at a cursor (`nil`: the first page).
    public typealias FetchPage = @Sendable (PageCursor?) async throws -> Page<Element>

    private let fetchPage: FetchPage

    /// Creates a sequence from a page fetcher.
    public init(fetchPage: @escaping FetchPage) { self.fetchPage = fetchPage }

    /// Iterates elements, fetching pages on demand.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let fetchPage: FetchPage
        var buffer: [Element] = []
        var bufferIndex = 0
        var cursor: PageCursor?
        var started = false
        var seenCursors: Set<PageCursor> = []

        public mutating func next() async throws -> Element? {
            while bufferIndex == buffer.count {
                if started && cursor == nil { return nil }
                try Task.checkCancellation()
                let page = try await fetchPage(cursor)
                started = true
                if let next = page.next, !seenCursors.insert(next).inserted {
                    throw GatewayError(.server, message: "The vendor returned cursor \(next) twice; stopping instead of looping.")
                }
                buffer = page.elements
                bufferIndex = 0
                cursor = page.next
            }
            defer { bufferIndex += 1 }
            return buffer[bufferIndex]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(fetchPage: fetchPage) }

    /// Collects every element into an array; use only for lists known to be small.
    public func collect() async throws -> [Element] {
        var all: [Element] = []
        for try await element in self { all.append(element) }
        return all
    }
}
