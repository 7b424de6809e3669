import Foundation

/// Reads the records of a file on disk, NDJSON or one JSON array, one at a time in bounded
/// memory: a saved Labelbox stream or a Label Studio snapshot, read with the same splitters
/// the gateway uses on the vendor's stream.
///
/// ```swift
/// var file = try RecordFileReader(url: saved, framing: .lines)
/// while let row = try file.next() { print(row.value["data_row"]?["id"] ?? "?") }
/// ```
public struct RecordFileReader {
    private var reader: any DatasetFileReader
    private var splitter: RecordSplitter
    private var pending: [RecordSlice] = []
    private var index = 0
    private var offset: Int64 = 0
    private var ended = false
    private let name: String

    /// Opens `url`, whose records are framed as `framing`.
    /// - Throws: ``GatewayError/Kind/localFile`` when it cannot be read.
    public init(url: URL, framing: RecordFraming) throws {
        reader = try FileReader(url: url)
        splitter = RecordSplitter(framing, resuming: false)
        name = url.path
    }

    /// The next record, or `nil` after the last.
    /// - Throws: ``GatewayError/Kind/decoding`` naming the file and offset of a record that
    ///   is not JSON, or a file that ends inside one.
    public mutating func next() throws -> RecordLine? {
        while index == pending.count {
            if ended { return nil }
            pending = []
            index = 0
            if let piece = try reader.read(upTo: 1 << 20) {
                pending = try located { try splitter.records(in: piece, at: offset) }
                offset += Int64(piece.count)
            } else {
                ended = true
                if let last = try located({ try splitter.finish(at: offset) }) { pending = [last] }
            }
        }
        let slice = pending[index]
        index += 1
        let bytes = Data(slice.bytes)
        do {
            return RecordLine(
                value: try JSONValue(parsing: bytes), bytes: bytes, offset: slice.offset, nextOffset: slice.nextOffset)
        } catch {
            throw GatewayError(
                .decoding, message: "\(name): the record at byte \(slice.offset) is not valid JSON (\(error)).",
                underlying: error)
        }
    }

    private func located<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as GatewayError {
            error.message = "\(name): " + error.message
            throw error
        }
    }
}
