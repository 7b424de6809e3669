/// Reads a ZIP archive's central directory: the list of its entries, with sizes, checksums and
/// where each one's data is. Read in windows so a directory of millions of entries never has to
/// be in memory at once (only the entries it yields).
enum ZipCentralDirectory {
    private static let signature: UInt32 = 0x0201_4B50
    private static let window = 1 << 20

    /// The regular files `end` lists, sorted by path; directories and symbolic links are left out.
    /// - Throws: ``GatewayError/Kind/decoding`` for a damaged directory, an unsafe name (a
    ///   hostile archive) or two entries with the same name.
    static func entries(of file: ZipArchiveFile, end: ZipEndRecord) throws -> [ZipEntry] {
        let directoryEnd = end.directoryOffset + end.directorySize
        var buffer: [UInt8] = []
        var bufferStart = end.directoryOffset
        var position = end.directoryOffset
        // The record at `position`, at least `length` bytes of it, refilling the window as needed.
        func record(_ length: Int) throws -> ZipBytes {
            let bufferEnd = bufferStart + UInt64(buffer.count)
            if position < bufferStart || position + UInt64(length) > bufferEnd {
                let count = Int(min(UInt64(max(length, window)), directoryEnd - position))
                buffer = try file.bytes(at: position, count: count)
                bufferStart = position
            }
            let from = Int(position - bufferStart)
            guard buffer.count - from >= length else {
                throw ZipError.damaged(file.url, "its central directory ends in the middle of an entry")
            }
            return ZipBytes(bytes: Array(buffer[from..<(from + length)]))
        }

        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(end.entryCount))
        var seen: Set<String> = []
        for _ in 0..<end.entryCount {
            let fixed = try record(46)
            guard fixed.u32(0) == signature, let madeBy = fixed.u16(4), let flags = fixed.u16(8),
                let method = fixed.u16(10), let crc = fixed.u32(16), let compressed = fixed.u32(20),
                let uncompressed = fixed.u32(24), let nameLength = fixed.u16(28), let extraLength = fixed.u16(30),
                let commentLength = fixed.u16(32), let external = fixed.u32(38), let offset = fixed.u32(42)
            else {
                throw ZipError.damaged(
                    file.url, "its central directory has no entry where one should start, at \(position)")
            }
            let length = 46 + Int(nameLength) + Int(extraLength) + Int(commentLength)
            let full = try record(length)
            position += UInt64(length)
            guard let rawName = full.slice(46, Int(nameLength)),
                let extra = full.slice(46 + Int(nameLength), Int(extraLength))
            else { continue }
            guard let decoded = ZipEntryName.decode(rawName, flags: flags) else {
                throw ZipError.damaged(file.url, "an entry's name is flagged UTF-8 but is not")
            }
            var entry = ZipEntry(
                path: ZipEntryName.normalized(decoded), method: method, flags: flags, crc32: crc,
                compressedSize: UInt64(compressed), uncompressedSize: UInt64(uncompressed),
                localHeaderOffset: UInt64(offset))
            try applyZip64(extra, to: &entry, archive: file)

            let system = madeBy >> 8
            let mode = external >> 16 & 0o170000
            let isFolder =
                entry.path.hasSuffix("/") || (system == 3 && mode == 0o040000) || (system == 0 && external & 0x10 != 0)
            // A root entry (`./`) is harmless and names nothing.
            if entry.path.isEmpty && decoded.hasSuffix("/") { continue }
            let checked = entry.path.hasSuffix("/") ? String(entry.path.dropLast()) : entry.path
            guard DatasetPath.isSafe(checked) else {
                throw ZipError.damaged(
                    file.url, entry: String(reflecting: decoded),
                    "its name is absolute, climbs out with `..`, or holds a backslash or NUL, so it could land "
                        + "outside the folder it is read into; the archive is hostile or was made by a broken tool")
            }
            if isFolder || (system == 3 && mode == 0o120000) { continue }
            guard seen.insert(entry.path).inserted else {
                throw ZipError.damaged(
                    file.url, entry: entry.path,
                    "two entries have this name, so which one the dataset holds is ambiguous")
            }
            entries.append(entry)
        }
        return entries.sorted { $0.path < $1.path }
    }

    /// Replaces the saturated 32-bit sizes and offset with the ZIP64 extra field's values,
    /// which hold only the saturated ones, in this order.
    private static func applyZip64(
        _ extra: ArraySlice<UInt8>, to entry: inout ZipEntry, archive: ZipArchiveFile
    )
        throws
    {
        let saturated: UInt64 = 0xFFFF_FFFF
        guard
            entry.uncompressedSize == saturated || entry.compressedSize == saturated
                || entry.localHeaderOffset == saturated
        else { return }
        let fields = ZipBytes(bytes: Array(extra))
        var at = 0
        while let id = fields.u16(at), let size = fields.u16(at + 2) {
            let data = at + 4
            if id == 0x0001 {
                var field = data
                let end = data + Int(size)
                func next() throws -> UInt64 {
                    guard field + 8 <= end, let value = fields.u64(field) else {
                        throw ZipError.damaged(
                            archive.url, entry: entry.path, "its ZIP64 extra field is shorter than its sizes need")
                    }
                    field += 8
                    return value
                }
                if entry.uncompressedSize == saturated { entry.uncompressedSize = try next() }
                if entry.compressedSize == saturated { entry.compressedSize = try next() }
                if entry.localHeaderOffset == saturated { entry.localHeaderOffset = try next() }
                return
            }
            at = data + Int(size)
        }
        throw ZipError.damaged(
            archive.url, entry: entry.path, "its sizes say ZIP64 but it has no ZIP64 extra field")
    }
}
