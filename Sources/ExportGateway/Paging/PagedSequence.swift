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
    private let stamp: @Sendable (GatewayError) -> GatewayError

    /// Creates a sequence from a page fetcher.
    public init(fetchPage: @escaping FetchPage) { self.init(fetchPage: fetchPage, stamp: { $0 }) }

    /// Creates a sequence whose own errors (a repeated cursor) are named by `stamp`, as the
    /// fetcher's are.
    init(fetchPage: @escaping FetchPage, stamp: @escaping @Sendable (GatewayError) -> GatewayError) {
        self.fetchPage = fetchPage
        self.stamp = stamp
    }

    /// Iterates elements, fetching pages on demand.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let fetchPage: FetchPage
        let stamp: @Sendable (GatewayError) -> GatewayError
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
                    throw stamp(
                        GatewayError(
                            .server, message: "The vendor returned cursor \(next) twice; stopping instead of looping."))
                }
                buffer = page.elements
                bufferIndex = 0
                cursor = page.next
            }
            defer { bufferIndex += 1 }
            return buffer[bufferIndex]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(fetchPage: fetchPage, stamp: stamp) }

    /// Collects every element into an array, refusing lists longer than `limit` so a list
    /// that is larger than expected cannot exhaust memory.
    ///
    /// ```swift
    /// let exports = try await gateway.exports().collect(upTo: 500)
    /// ```
    /// - Throws: ``GatewayError/Kind/limitExceeded`` as soon as element `limit + 1` arrives.
    public func collect(upTo limit: Int) async throws -> [Element] {
        try await BoundedCollection.collect(self, upTo: limit, noun: "elements")
    }
}
