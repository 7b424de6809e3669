/// A lazy sequence of every element of a vendor list, fetched page after page.
///
/// Nothing is fetched until iteration starts. While you handle the elements of one page, the
/// next page is already being fetched (its cursor is known as soon as the page arrives): at
/// most one page is in flight ahead, so memory holds two pages at most. An error of that page
/// is thrown only once every element before it was returned; breaking out of the loop, or a
/// cancellation of the iterating task, cancels it. ``init(prefetchesPages:fetchPage:)`` with
/// `false` (or ``GatewayOptions/prefetchesPages``) fetches each page only when the previous
/// one is used up.
///
/// It stops when a page has no next cursor. A vendor that hands back the cursor it was just
/// given would loop forever; that throws ``GatewayError/Kind/server`` instead.
///
/// ```swift
/// for try await item in gateway.items(in: "acme/street-scenes") { print(item.id) }
/// ```
public struct PagedSequence<Element: Sendable>: AsyncSequence, Sendable {
    /// Fetches the page that starts at a cursor (`nil`: the first page).
    public typealias FetchPage = @Sendable (PageCursor?) async throws -> Page<Element>

    private let fetchPage: FetchPage
    private let stamp: @Sendable (GatewayError) -> GatewayError
    private let prefetchesPages: Bool

    /// Creates a sequence from a page fetcher.
    ///
    /// - Parameter prefetchesPages: `true` (the default) fetches the next page while the
    ///   elements of the current one are handled, one page ahead at most; `false` fetches a
    ///   page only when the previous one is used up.
    public init(prefetchesPages: Bool = true, fetchPage: @escaping FetchPage) {
        self.init(fetchPage: fetchPage, prefetchesPages: prefetchesPages, stamp: { $0 })
    }

    /// Creates a sequence whose own errors (a repeated cursor) are named by `stamp`, as the
    /// fetcher's are.
    init(
        fetchPage: @escaping FetchPage, prefetchesPages: Bool,
        stamp: @escaping @Sendable (GatewayError) -> GatewayError
    ) {
        self.fetchPage = fetchPage
        self.stamp = stamp
        self.prefetchesPages = prefetchesPages
    }

    /// Iterates elements, fetching pages on demand (and, by default, one page ahead).
    public struct AsyncIterator: AsyncIteratorProtocol {
        let fetchPage: FetchPage
        let stamp: @Sendable (GatewayError) -> GatewayError
        let prefetchesPages: Bool
        var buffer: [Element] = []
        var bufferIndex = 0
        var cursor: PageCursor?
        var started = false
        var seenCursors: Set<PageCursor> = []
        /// The fetch of the page at `cursor`, started when the previous page arrived.
        var ahead: PageFetch?

        public mutating func next() async throws -> Element? {
            while bufferIndex == buffer.count {
                if started && cursor == nil { return nil }
                if Task.isCancelled {
                    ahead = nil  // cancels a fetch ahead
                    throw CancellationError()
                }
                let page: Page<Element>
                if let fetch = ahead {
                    ahead = nil
                    page = try await fetch.page()
                } else {
                    page = try await fetchPage(cursor)
                }
                started = true
                if let next = page.next, !seenCursors.insert(next).inserted {
                    throw stamp(
                        GatewayError(
                            .server, message: "The vendor returned cursor \(next) twice; stopping instead of looping."))
                }
                buffer = page.elements
                bufferIndex = 0
                cursor = page.next
                if prefetchesPages, let next = page.next { ahead = PageFetch(cursor: next, fetchPage: fetchPage) }
            }
            defer { bufferIndex += 1 }
            return buffer[bufferIndex]
        }
    }

    /// One page fetched ahead in its own task, which inherits the iterating task's priority and
    /// task-local values. The task is cancelled when the last iterator holding this fetch goes
    /// away unawaited (the loop was left), or when the task awaiting it is cancelled.
    final class PageFetch: Sendable {
        private let task: Task<Page<Element>, any Error>

        init(cursor: PageCursor, fetchPage: @escaping FetchPage) {
            task = Task {
                try Task.checkCancellation()
                return try await fetchPage(cursor)
            }
        }

        /// The page, or the error fetching it threw.
        func page() async throws -> Page<Element> {
            try await withTaskCancellationHandler {
                try await task.value
            } onCancel: { [task] in
                task.cancel()
            }
        }

        deinit { task.cancel() }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(fetchPage: fetchPage, stamp: stamp, prefetchesPages: prefetchesPages)
    }

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
