import Foundation

/// One line of a record stream, parsed, with where it lies in the stream.
///
/// Keep ``nextOffset`` to resume later: `gateway.lines(of: export, stream: .results,
/// startingAt: line.nextOffset)` continues with the line after this one.
public struct RecordLine: Sendable, Hashable {
    /// The line's JSON value.
    public var value: JSONValue
    /// The line's JSON text as the stream holds it (UTF-8, without its newline or, in a JSON
    /// array, its comma): what ``value`` was parsed from, to store or forward without
    /// encoding it again.
    public var bytes: Data
    /// The byte offset in the stream where the line starts.
    public var offset: Int64
    /// The byte offset just past the line and its newline: where the next line starts.
    public var nextOffset: Int64

    /// Creates a line from its text and the value parsed from it.
    public init(value: JSONValue, bytes: Data, offset: Int64, nextOffset: Int64) {
        self.value = value
        self.bytes = bytes
        self.offset = offset
        self.nextOffset = nextOffset
    }

    /// Creates a line whose text is `value` serialized.
    public init(value: JSONValue, offset: Int64, nextOffset: Int64) {
        self.init(value: value, bytes: value.serialized(), offset: offset, nextOffset: nextOffset)
    }
}
