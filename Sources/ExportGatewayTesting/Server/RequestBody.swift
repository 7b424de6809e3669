import Foundation

/// How the body of a request is delimited, read from its head (RFC 9112 §6).
enum BodyFraming: Equatable {
    /// No body.
    case none
    /// Exactly this many bytes follow the head.
    case length(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked

    /// Why a head's framing cannot be accepted, and the status that says so.
    struct Refusal: Error, Equatable {
        var status: Int
        var reason: String
    }

    /// The framing `head` declares, refused when it is ambiguous or over `maxBodyBytes`.
    init(of head: RequestHead, maxBodyBytes: Int) throws(Refusal) {
        let encodings = head.listValues("transfer-encoding").map { $0.lowercased() }
        let lengths = head.listValues("content-length")
        if !encodings.isEmpty {
            // Both framings at once is how request smuggling starts: refuse, never pick one.
            guard lengths.isEmpty else {
                throw Refusal(status: 400, reason: "both Content-Length and Transfer-Encoding")
            }
            guard encodings == ["chunked"] else { throw Refusal(status: 501, reason: "unsupported transfer coding") }
            self = .chunked
            return
        }
        guard !lengths.isEmpty else {
            self = .none
            return
        }
        // Repeats of one value (`Content-Length: 5, 5`) are allowed; differing values are not.
        let values = Set(lengths)
        guard values.count == 1, let text = values.first, !text.isEmpty, text.count <= 18,
            text.utf8.allSatisfy({ (48...57).contains($0) }), let length = Int(text)
        else { throw Refusal(status: 400, reason: "malformed Content-Length") }
        guard length <= maxBodyBytes else {
            throw Refusal(status: 413, reason: "body larger than \(maxBodyBytes) bytes")
        }
        self = length == 0 ? .none : .length(length)
    }
}

/// Decodes a chunked body as its bytes arrive, keeping its place between reads, so a body
/// is scanned once however finely it is split.
struct ChunkedDecoder {
    /// What one call to ``decode(_:from:)`` reached.
    enum Progress: Equatable {
        /// More bytes are needed.
        case needMore
        /// The body (and its trailers) ended just before this index.
        case done(end: Int)
        /// The bytes break the chunked grammar (answer 400).
        case invalid
        /// The body grew past the limit (answer 413).
        case tooLarge
    }

    private enum State {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers
    }

    /// The decoded body so far.
    private(set) var body = Data()
    private let maxBodyBytes: Int
    private let maxLineBytes: Int
    private var state = State.size

    /// A decoder refusing bodies over `maxBodyBytes` and size or trailer lines over `maxLineBytes`.
    init(maxBodyBytes: Int, maxLineBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxLineBytes = maxLineBytes
    }

    /// Consumes what it can of `bytes[index...]`, advancing `index` past what it used.
    mutating func decode(_ bytes: [UInt8], from index: inout Int) -> Progress {
        while true {
            switch state {
            case .size:
                guard let lineEnd = Self.lineEnd(bytes, from: index) else {
                    return bytes.count - index > maxLineBytes ? .invalid : .needMore
                }
                // chunk-size [; extensions] — extensions are allowed and ignored.
                let line = bytes[index..<lineEnd]
                let digits = line.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != 32 && $0 != 9 }
                guard !digits.isEmpty, digits.count <= 15,
                    let size = Int(String(decoding: digits, as: UTF8.self), radix: 16), size >= 0
                else { return .invalid }
                index = lineEnd + 2
                if size == 0 {
                    state = .trailers
                } else {
                    guard body.count + size <= maxBodyBytes else { return .tooLarge }
                    state = .data(remaining: size)
                }
            case .data(let remaining):
                let available = min(remaining, bytes.count - index)
                guard available > 0 else { return .needMore }
                body.append(contentsOf: bytes[index..<(index + available)])
                index += available
                state = remaining == available ? .dataEnd : .data(remaining: remaining - available)
            case .dataEnd:
                guard bytes.count - index >= 2 else { return .needMore }
                guard bytes[index] == 13, bytes[index + 1] == 10 else { return .invalid }
                index += 2
                state = .size
            case .trailers:
                // Trailer fields are read and dropped: no simulator reads one.
                guard let lineEnd = Self.lineEnd(bytes, from: index) else {
                    return bytes.count - index > maxLineBytes ? .invalid : .needMore
                }
                let empty = lineEnd == index
                index = lineEnd + 2
                if empty { return .done(end: index) }
            }
        }
    }

    /// The index of the next `\r\n` at or after `start`.
    private static func lineEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }
}
