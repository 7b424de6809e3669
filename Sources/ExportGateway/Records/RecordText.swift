import Foundation

/// One record's text, copied out of its piece, before anything is decoded.
struct RecordText: Sendable {
    /// The record's bytes: a copy, not a slice of its piece, so a record kept for later does
    /// not pin the whole piece in memory.
    var bytes: Data
    /// Where the record starts in the stream.
    var offset: Int64
    /// Where the next record starts.
    var nextOffset: Int64
    /// The stream it belongs to, for messages.
    var stream: RecordStream

    init(_ slice: RecordSlice, stream: RecordStream) {
        bytes = Data(slice.bytes)
        offset = slice.offset
        nextOffset = slice.nextOffset
        self.stream = stream
    }

    /// The text, checked to be JSON but not decoded.
    func checked() throws -> JSONText {
        do {
            return try JSONText(checking: bytes)
        } catch {
            throw notJSON(error)
        }
    }

    /// The record decoded.
    func line() throws -> RecordLine {
        do {
            return RecordLine(
                value: try JSONValue(parsing: bytes), bytes: bytes, offset: offset, nextOffset: nextOffset)
        } catch {
            throw notJSON(error)
        }
    }

    private func notJSON(_ error: any Error) -> GatewayError {
        GatewayError(
            .decoding, message: "The record at byte \(offset) of the \(stream.rawValue) stream is not JSON (\(error)).",
            underlying: error)
    }
}
