/// One line of a record stream, parsed, with where it lies in the stream.
///
/// Keep ``nextOffset`` to resume later: `gateway.lines(of: export, stream: .results,
/// startingAt: line.nextOffset)` continues with the line after this one.
public struct RecordLine: Sendable, Hashable {
    /// The line's JSON value.
    public var value: JSONValue
    /// The byte offset in the stream where the line starts.
    public var offset: Int64
    /// The byte offset just past the line and its newline: where the next line starts.
    public var nextOffset: Int64

    /// Creates a line.
    public init(value: JSONValue, offset: Int64, nextOffset: Int64) {
        self.value = value
        self.offset = offset
        self.nextOffset = nextOffset
    }
}
