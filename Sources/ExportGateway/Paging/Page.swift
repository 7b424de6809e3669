/// One page of a vendor list, as an adapter reads it.
public struct Page<Element: Sendable>: Sendable {
    /// The elements on this page, in the vendor's order.
    public var elements: [Element]
    /// Where the next page starts, or `nil` when this is the last page.
    public var next: PageCursor?

    /// Creates a page.
    public init(elements: [Element], next: PageCursor?) {
        self.elements = elements
        self.next = next
    }
}

/// An opaque position in a vendor list: a cursor token, an offset or a next-page URL,
/// whatever the adapter needs to fetch the following page.
public struct PageCursor: Sendable, Hashable, CustomStringConvertible {
    /// The adapter's encoding of the position.
    public var value: String

    /// Creates a cursor from an adapter's token.
    public init(_ value: String) { self.value = value }

    /// A cursor that holds an offset, for offset/limit lists.
    public init(offset: Int) { self.value = String(offset) }

    /// The offset, when this cursor holds one.
    public var offset: Int? { Int(value) }

    public var description: String { value }
}
