import Foundation

/// How the records of a stream are laid out in its bytes.
public enum RecordFraming: String, Sendable, Hashable, CaseIterable {
    /// NDJSON: one JSON value per line.
    case lines
    /// One JSON array whose elements are the records, on one line or many (a vendor's
    /// stored export file). Read incrementally: never held whole.
    case jsonArray
}

/// One record's bytes, cut from the stream, and where it lies.
struct RecordSlice: Sendable {
    var bytes: Data
    /// Where the record starts.
    var offset: Int64
    /// Where the next record's framing starts: just past the newline, or just past the
    /// comma (or closing bracket) that follows the element.
    var nextOffset: Int64
}

/// Cuts a stream arriving in pieces into records, by the stream's framing.
enum RecordSplitter: Sendable {
    case lines(LineSplitter)
    case jsonArray(JSONArraySplitter)

    /// A splitter for `framing`, starting at byte 0 or, when `resuming`, at a record's
    /// `nextOffset`.
    init(_ framing: RecordFraming, resuming: Bool) {
        switch framing {
        case .lines: self = .lines(LineSplitter())
        case .jsonArray: self = .jsonArray(JSONArraySplitter(resuming: resuming))
        }
    }

    /// The byte that must come just before a resume offset: a resumed stream is read from one
    /// byte early to check it, so an offset inside a record is refused rather than misread.
    static func separatorsBeforeResume(_ framing: RecordFraming) -> Set<UInt8> {
        switch framing {
        case .lines: [0x0A]
        case .jsonArray: [UInt8(ascii: ","), UInt8(ascii: "]")]
        }
    }

    /// Tells a resumed splitter which separator preceded the resume offset.
    mutating func resume(after separator: UInt8) {
        if case .jsonArray(var splitter) = self {
            splitter.resume(after: separator)
            self = .jsonArray(splitter)
        }
    }

    /// The records `piece` (starting at stream offset `offset`) completes.
    mutating func records(in piece: Data, at offset: Int64) throws -> [RecordSlice] {
        switch self {
        case .lines(var splitter):
            defer { self = .lines(splitter) }
            return try splitter.lines(in: piece, at: offset)
        case .jsonArray(var splitter):
            defer { self = .jsonArray(splitter) }
            return try splitter.elements(in: piece, at: offset)
        }
    }

    /// The last record, when the stream's end completes one; throws when the stream ends
    /// where its framing says more must follow.
    mutating func finish(at endOffset: Int64) throws -> RecordSlice? {
        switch self {
        case .lines(var splitter):
            defer { self = .lines(splitter) }
            return splitter.finish(at: endOffset)
        case .jsonArray(var splitter):
            defer { self = .jsonArray(splitter) }
            return try splitter.finish(at: endOffset)
        }
    }
}
