import Foundation

/// Where one piece of a record stream lies: its first and last stream byte, and the chunk
/// that holds them.
struct PiecePlan: Sendable {
    var offset: Int64
    var last: Int64
    var chunk: RecordChunk

    var byteCount: Int64 { last - offset + 1 }
}

/// One piece of a record stream, asked for ahead of its consumer in tasks of its own.
///
/// Its place is known once the piece before it is placed (a piece ends at most `pieceSize`
/// bytes later, and never past its chunk), so a whole window of pieces is placed and fetched
/// while the consumer still parses an earlier one; only the first piece of a chunk waits for
/// the vendor to locate that chunk. The tasks inherit the consumer's priority and task-local
/// values; they are cancelled when the consumer cancels them, when the task awaiting them is
/// cancelled, or when the last reader holding them goes away (the loop was left).
final class PieceFetch: Sendable {
    /// Resolves to `nil` past the stream's end.
    let placing: Task<PiecePlan?, any Error>
    private let fetching: Task<Data, any Error>

    /// A piece that starts where `previous` ends, or, first of all, at `offset` (inside
    /// `known` when that chunk holds it, else in a freshly located chunk).
    init(
        after previous: PieceFetch?, offset: Int64, known: RecordChunk?, source: StreamPieceSource
    ) {
        let previous = previous?.placing
        placing = Task {
            var start = offset, chunk = known
            if let previous {
                guard let plan = try await previous.value else { return nil }
                start = plan.last + 1
                chunk = plan.chunk
            }
            guard start < source.totalBytes else { return nil }
            try Task.checkCancellation()
            if chunk.map({ !$0.byteRange.contains(start) }) ?? true {
                chunk = try await source.locateChunk(holding: start)
            }
            guard let chunk else { return nil }
            let last = min(chunk.byteRange.upperBound, start + Int64(source.pieceSize) - 1)
            return PiecePlan(offset: start, last: last, chunk: chunk)
        }
        fetching = Task { [placing] in
            guard let plan = try await placing.value else { return Data() }
            try Task.checkCancellation()
            return try await source.fetch(plan)
        }
    }

    /// Where the piece lies, or `nil` past the stream's end; throws what locating its chunk threw.
    func plan() async throws -> PiecePlan? {
        try await withTaskCancellationHandler {
            try await placing.value
        } onCancel: { [placing] in
            placing.cancel()
        }
    }

    /// The piece's bytes, or the error fetching them threw.
    func bytes() async throws -> Data {
        try await withTaskCancellationHandler {
            try await fetching.value
        } onCancel: { [fetching] in
            fetching.cancel()
        }
    }

    /// Stops placing and fetching the piece; a request under way is abandoned.
    func cancel() {
        placing.cancel()
        fetching.cancel()
    }

    deinit { cancel() }
}
