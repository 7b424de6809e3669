import Foundation

/// A lazy sequence of the records of one stream of a finished export, read in bounded memory.
///
/// Nothing is fetched until iteration starts. Then the vendor is asked for the stream's size,
/// and its bytes are read piece by piece (see ``GatewayOptions/recordReadAhead``): the first
/// record arrives after the first piece, not after the whole stream. While you handle the
/// records of one piece, the next pieces are already being fetched, so memory holds a
/// window of pieces whatever the export's size, and records come in stream order. A piece
/// whose fetch fails is asked for again from the same offset, and an error is thrown only
/// once every record before it was returned; breaking out of the loop, or a cancellation of
/// the iterating task, cancels the fetches ahead. A stream the vendor reports as empty ends
/// at once.
///
/// ```swift
/// for try await row in gateway.records(of: ready) { print(row.id) }
/// ```
public struct RecordSequence<Element: Sendable>: AsyncSequence, Sendable {
    private let source: RecordSource
    private let transform: @Sendable (RecordText) throws -> Element

    init(source: RecordSource, transform: @escaping @Sendable (RecordText) throws -> Element) {
        self.source = source
        self.transform = transform
    }

    /// Iterates records, reading the stream on demand.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let source: RecordSource
        let transform: @Sendable (RecordText) throws -> Element
        var reader: StreamByteReader?
        var splitter: RecordSplitter?
        var lines: [RecordSlice] = []
        var lineIndex = 0
        var separators: Set<UInt8> = []
        var started = false
        var finished = false

        public mutating func next() async throws -> Element? {
            do {
                return try await nextRecord()
            } catch let error as GatewayError {
                throw source.stamp(error)
            }
        }

        private mutating func nextRecord() async throws -> Element? {
            while lineIndex == lines.count {
                if finished { return nil }
                try await refill()
            }
            let line = lines[lineIndex]
            lineIndex += 1
            return try transform(RecordText(line, stream: source.stream))
        }

        private mutating func refill() async throws {
            lines = []
            lineIndex = 0
            if !started {
                started = true
                guard let info = try await source.info() else {
                    finished = true
                    return
                }
                guard (0...info.totalBytes).contains(source.startOffset) else {
                    throw GatewayError.invalidRequest(
                        "Offset \(source.startOffset) lies outside the \(source.stream.rawValue) stream of \(info.totalBytes) bytes.",
                        fieldErrors: ["offset": ["must be between 0 and \(info.totalBytes)"]])
                }
                // A resumed stream starts one byte early, to see that the byte before is a separator.
                var splitter = RecordSplitter(info.framing, resuming: source.startOffset > 0)
                // Resuming at the very end: nothing is read, and nothing more may be expected.
                if source.startOffset > 0 && source.startOffset == info.totalBytes {
                    splitter.resume(after: UInt8(ascii: "]"))
                }
                self.splitter = splitter
                separators = RecordSplitter.separatorsBeforeResume(info.framing)
                let readFrom =
                    source.startOffset > 0 && source.startOffset < info.totalBytes
                    ? source.startOffset - 1 : source.startOffset
                reader = StreamByteReader(
                    stream: source.stream, totalBytes: info.totalBytes, startingAt: readFrom,
                    pieceSize: source.pieceSize, api: source.api, window: source.readAhead, locate: source.locate)
            }
            guard reader != nil, var splitter else {
                finished = true
                return
            }
            // Read in place: the reader holds the pieces fetched ahead.
            if var piece = try await reader?.next() {
                if piece.offset == source.startOffset - 1 {
                    guard let first = piece.bytes.first, separators.contains(first) else {
                        throw GatewayError.invalidRequest(
                            "Offset \(source.startOffset) of the \(source.stream.rawValue) stream is inside a record; resume from a RecordLine's nextOffset.",
                            fieldErrors: ["offset": ["must be where a record starts: 0 or a RecordLine's nextOffset"]])
                    }
                    splitter.resume(after: first)
                    piece = (piece.offset + 1, piece.bytes.dropFirst())
                }
                lines = try splitter.records(in: piece.bytes, at: piece.offset)
            } else {
                if let last = try splitter.finish(at: reader?.offset ?? 0) { lines = [last] }
                finished = true
                reader = nil
            }
            self.splitter = splitter
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: source, transform: transform) }

    /// Collects every record into an array, refusing streams of more than `limit` records
    /// so an export larger than expected cannot exhaust memory.
    ///
    /// ```swift
    /// let rows = try await gateway.records(of: ready).collect(upTo: 10_000)
    /// ```
    /// - Throws: ``GatewayError/Kind/limitExceeded`` as soon as record `limit + 1` arrives.
    public func collect(upTo limit: Int) async throws -> [Element] {
        try await BoundedCollection.collect(self, upTo: limit, noun: "records")
    }
}

/// Everything the iterator needs to start reading: the stream's size (nil when empty),
/// and how to find the chunk holding an offset.
struct RecordSource: Sendable {
    /// The largest piece a record stream asks for, whatever ``GatewayOptions/downloadChunkSize``
    /// says: small enough that the first record comes soon and a window of pieces stays a few
    /// megabytes, large enough that requests cost little beside the parsing.
    static let largestPiece = 1 << 20
    var stream: RecordStream
    var startOffset: Int64
    var pieceSize: Int
    /// Pieces held at once: the one being split and those fetched ahead of it.
    var readAhead: Int
    var api: VendorAPI
    var info: @Sendable () async throws -> RecordStreamInfo?
    var locate: @Sendable (Int64) async throws -> RecordChunk
    /// Names the iterator's own errors (a bad line, a bad offset, a storage failure) with the
    /// provider, operation and export, as the vendor calls' errors are.
    var stamp: @Sendable (GatewayError) -> GatewayError
}
