import Foundation

/// One export stream (RESULT or ERRORS) as arithmetic over row indices, never as stored bytes.
///
/// A stream is a list of parts, one per source; a part selects the indices of sorted,
/// disjoint ranges whose residue `index % 4` is allowed. Because a line's byte length depends
/// only on its part and its residue (see ``LabelboxRows``), the byte offset of any line, and
/// the line holding any byte, are computed from counts: serving one chunk of a
/// 1,000,000-row stream builds only that chunk's lines.
struct LabelboxStream: Sendable {
    /// What a part's lines are.
    enum Content: Sendable, Hashable {
        case rows(LabelboxRows.Layout)
        case errors(LabelboxSimulator.Source)

        func line(_ index: Int) -> Data {
            switch self {
            case .rows(let layout): LabelboxRows.line(index, layout)
            case .errors(let source): LabelboxRows.errorLine(index, source)
            }
        }
    }

    /// The indices `ranges` hold whose residue is allowed, rendered as `content`.
    struct Part: Sendable {
        var content: Content
        var ranges: [Range<Int>]
        var residues: [Bool]
        /// The byte length of a line, by residue (the longest, for exact-length parts).
        var lengths: [Int]
        /// The byte length of every line, by index, for a part whose lines do not share a
        /// length per residue (an annotated source's few rows); `nil` otherwise.
        var exactLengths: [Int]?
        /// Before each range: how many lines and bytes the part's earlier ranges hold.
        var linesBefore: [Int] = []
        var bytesBefore: [Int] = []
        var lineCount = 0
        var byteCount = 0

        init(content: Content, ranges: [Range<Int>], residues: [Bool]) {
            self.content = content
            self.residues = residues
            if case .rows(let layout) = content, layout.source.annotated {
                let exact = (0..<layout.source.itemCount).map { content.line($0).count }
                exactLengths = exact
                lengths = (0..<4).map { residue in
                    stride(from: residue, to: exact.count, by: 4).map { exact[$0] }.max() ?? 0
                }
            } else {
                lengths = (0..<4).map { content.line($0).count }
            }
            self.ranges = ranges.filter { range in
                (0..<4).contains { residues[$0] && Self.count(in: range, residue: $0) > 0 }
            }
            for range in self.ranges {
                linesBefore.append(lineCount)
                bytesBefore.append(byteCount)
                let (lines, bytes) = measure(range.lowerBound, range.upperBound)
                lineCount += lines
                byteCount += bytes
            }
        }

        /// How many `i` in `range` have `i % 4 == residue`.
        static func count(in range: Range<Int>, residue: Int) -> Int {
            func below(_ n: Int) -> Int { n > residue ? (n - residue + 3) / 4 : 0 }
            return below(range.upperBound) - below(range.lowerBound)
        }

        /// Lines and bytes of the allowed indices in `lower..<upper`.
        func measure(_ lower: Int, _ upper: Int) -> (lines: Int, bytes: Int) {
            var lines = 0, bytes = 0
            if let exactLengths {
                // Few rows: summing them is cheaper than keeping prefix sums right.
                for index in lower..<max(lower, upper) where residues[index % 4] {
                    lines += 1
                    bytes += exactLengths[index]
                }
                return (lines, bytes)
            }
            for residue in 0..<4 where residues[residue] {
                let count = Self.count(in: lower..<upper, residue: residue)
                lines += count
                bytes += count * lengths[residue]
            }
            return (lines, bytes)
        }

        /// The `k`-th allowed index of range `r`.
        func index(_ k: Int, inRange r: Int) -> Int {
            let perCycle = residues.filter { $0 }.count
            var index = ranges[r].lowerBound + 4 * (k / perCycle)
            var remaining = k % perCycle
            while true {
                if residues[index % 4] {
                    if remaining == 0 { return index }
                    remaining -= 1
                }
                index += 1
            }
        }

        /// The part-local line number of the line holding part-local byte `offset`, and that
        /// line's part-local start.
        func line(containing offset: Int) -> (line: Int, start: Int) {
            let r = Self.lastIndex(in: bytesBefore, notAbove: offset)
            let range = ranges[r]
            // Binary search for the largest k whose line starts at or before `offset`.
            var low = 0, high = measure(range.lowerBound, range.upperBound).lines - 1
            while low < high {
                let mid = (low + high + 1) / 2
                let start = bytesBefore[r] + measure(range.lowerBound, index(mid, inRange: r)).bytes
                if start <= offset { low = mid } else { high = mid - 1 }
            }
            return (linesBefore[r] + low, bytesBefore[r] + measure(range.lowerBound, index(low, inRange: r)).bytes)
        }

        /// The row index of part-local line `line`.
        func rowIndex(ofLine line: Int) -> (index: Int, range: Int) {
            let r = Self.lastIndex(in: linesBefore, notAbove: line)
            return (index(line - linesBefore[r], inRange: r), r)
        }

        /// The next allowed index after `index` in range `r`, moving to later ranges.
        func next(after index: Int, inRange r: Int) -> (index: Int, range: Int)? {
            var candidate = index + 1
            var r = r
            while r < ranges.count {
                if candidate < ranges[r].lowerBound { candidate = ranges[r].lowerBound }
                while candidate < ranges[r].upperBound {
                    if residues[candidate % 4] { return (candidate, r) }
                    candidate += 1
                }
                r += 1
            }
            return nil
        }

        static func lastIndex(in sorted: [Int], notAbove value: Int) -> Int {
            var low = 0, high = sorted.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if sorted[mid] <= value { low = mid } else { high = mid - 1 }
            }
            return low
        }
    }

    /// One chunk file: inclusive byte and line ranges within the stream.
    struct Chunk: Sendable, Equatable {
        var start: Int
        var end: Int
        var firstLine: Int
        var lastLine: Int
    }

    /// What makes two streams hold the same bytes: two exports of one dataset with the same
    /// options serve the same chunks, which ``LabelboxSimulator`` then builds once.
    struct Identity: Sendable, Hashable {
        var parts: [PartIdentity]
        var boundary: LabelboxSimulator.ChunkBoundary
        var chunkSize: Int
    }

    /// What a part's bytes depend on.
    struct PartIdentity: Sendable, Hashable {
        var content: Content
        var ranges: [Range<Int>]
        var residues: [Bool]
    }

    /// A chunk's bytes, named by the stream they belong to.
    struct ChunkKey: Sendable, Hashable {
        var stream: Identity
        var start: Int
        var end: Int
    }

    var identity: Identity {
        Identity(
            parts: parts.map { PartIdentity(content: $0.content, ranges: $0.ranges, residues: $0.residues) },
            boundary: boundary, chunkSize: chunkSize)
    }

    let parts: [Part]
    let boundary: LabelboxSimulator.ChunkBoundary
    let chunkSize: Int
    private let partLines: [Int]
    private let partBytes: [Int]
    /// The stream's byte length.
    let totalSize: Int
    /// The stream's line count.
    let totalLines: Int
    /// Lines per chunk when cutting at line ends, from the longest line.
    private let linesPerChunk: Int

    init(parts: [Part], boundary: LabelboxSimulator.ChunkBoundary, chunkSize: Int) {
        self.parts = parts.filter { $0.lineCount > 0 }
        self.boundary = boundary
        self.chunkSize = max(boundary == .character ? 4 : 1, chunkSize)
        var lines = 0, bytes = 0
        var partLines: [Int] = [], partBytes: [Int] = []
        for part in self.parts {
            partLines.append(lines)
            partBytes.append(bytes)
            lines += part.lineCount
            bytes += part.byteCount
        }
        self.partLines = partLines
        self.partBytes = partBytes
        totalLines = lines
        totalSize = bytes
        let longest =
            self.parts.flatMap { part in (0..<4).filter { part.residues[$0] }.map { part.lengths[$0] } }.max() ?? 1
        linesPerChunk = max(1, self.chunkSize / longest)
    }

    var isEmpty: Bool { totalLines == 0 }

    // MARK: Lines and bytes

    /// The stream line holding byte `offset` and that line's first byte.
    func line(containing offset: Int) -> (line: Int, start: Int) {
        let p = Part.lastIndex(in: partBytes, notAbove: offset)
        let local = parts[p].line(containing: offset - partBytes[p])
        return (partLines[p] + local.line, partBytes[p] + local.start)
    }

    /// The first byte of stream line `line` (`totalSize` for `totalLines`).
    func offset(ofLine line: Int) -> Int {
        guard line < totalLines else { return totalSize }
        let p = Part.lastIndex(in: partLines, notAbove: line)
        let part = parts[p]
        let (index, r) = part.rowIndex(ofLine: line - partLines[p])
        return partBytes[p] + part.bytesBefore[r] + part.measure(part.ranges[r].lowerBound, index).bytes
    }

    /// Exactly the stream bytes of `range`, building only the lines that overlap it.
    func bytes(_ range: Range<Int>) -> Data {
        let range = range.clamped(to: 0..<totalSize)
        guard !range.isEmpty else { return Data() }
        var (line, position) = line(containing: range.lowerBound)
        var p = Part.lastIndex(in: partLines, notAbove: line)
        var cursor: (index: Int, range: Int)? = parts[p].rowIndex(ofLine: line - partLines[p])
        var data = Data()
        data.reserveCapacity(range.count)
        while position < range.upperBound {
            guard let (index, r) = cursor else {
                p += 1
                cursor = p < parts.count ? parts[p].rowIndex(ofLine: 0) : nil
                if cursor == nil { break }
                continue
            }
            let bytes = parts[p].content.line(index)
            let from = max(range.lowerBound - position, 0), to = min(range.upperBound - position, bytes.count)
            data.append(bytes[bytes.startIndex + from..<bytes.startIndex + to])
            position += bytes.count
            cursor = parts[p].next(after: index, inRange: r)
        }
        return data
    }

    // MARK: Chunks

    /// The chunk holding byte `offset`, or `nil` when `offset` is outside the stream.
    func chunk(containing offset: Int) -> Chunk? {
        guard offset >= 0, offset < totalSize else { return nil }
        let start: Int, end: Int
        switch boundary {
        case .single:
            (start, end) = (0, totalSize - 1)
        case .line:
            let first = line(containing: offset).line / linesPerChunk * linesPerChunk
            start = self.offset(ofLine: first)
            end = self.offset(ofLine: min(first + linesPerChunk, totalLines)) - 1
        case .byte:
            start = offset / chunkSize * chunkSize
            end = min(start + chunkSize, totalSize) - 1
        case .character:
            var k = offset / chunkSize
            if characterCut(k) > offset { k -= 1 }
            if characterCut(k + 1) <= offset { k += 1 }
            start = characterCut(k)
            end = characterCut(k + 1) - 1
        }
        return Chunk(
            start: start, end: end, firstLine: line(containing: start).line, lastLine: line(containing: end).line)
    }

    /// Where character-boundary chunk `k` starts: `k * chunkSize`, moved back off any UTF-8
    /// continuation bytes (at most 3), so no character is split.
    private func characterCut(_ k: Int) -> Int {
        var cut = k * chunkSize
        guard cut > 0 else { return 0 }
        guard cut < totalSize else { return totalSize }
        let window = bytes(max(0, cut - 3)..<(cut + 1))
        var position = window.count - 1
        while position > 0, window[window.startIndex + position] & 0xC0 == 0x80 {
            position -= 1
            cut -= 1
        }
        return cut
    }
}
