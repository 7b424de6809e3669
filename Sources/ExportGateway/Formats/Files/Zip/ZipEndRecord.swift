/// Where a ZIP archive's central directory is and how many entries it lists, from the End Of
/// Central Directory record, or from the ZIP64 record its locator points to (archives over
/// 4 GiB or 65,535 entries).
struct ZipEndRecord {
    /// The number of central directory entries.
    var entryCount: UInt64
    /// Where the central directory starts.
    var directoryOffset: UInt64
    /// The central directory's size in bytes.
    var directorySize: UInt64

    private static let endSignature: UInt32 = 0x0605_4B50
    private static let locatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    /// The smallest central directory record, used to bound a declared entry count.
    static let smallestEntry: UInt64 = 46

    /// Finds the records at the end of `file`.
    /// - Throws: ``GatewayError/Kind/decoding`` when the file is not a ZIP archive or is
    ///   truncated, ``GatewayError/Kind/unsupported`` for an archive split across files.
    static func locate(in file: ZipArchiveFile) throws -> ZipEndRecord {
        guard file.size >= 22 else {
            throw ZipError.damaged(file.url, "it is \(file.size) bytes, too short to be a ZIP archive")
        }
        // The record is 22 bytes followed by a comment of up to 65,535, so it starts in the
        // last 65,557 bytes; searching from the end finds the real one, not one in a comment.
        let tailLength = Int(min(file.size, 22 + 0xFFFF))
        let tailStart = file.size - UInt64(tailLength)
        let tail = ZipBytes(bytes: try file.bytes(at: tailStart, exactly: tailLength, what: "its end"))
        var found: Int?
        for start in stride(from: tailLength - 22, through: 0, by: -1) where tail.u32(start) == endSignature {
            if let commentLength = tail.u16(start + 20), start + 22 + Int(commentLength) <= tailLength {
                found = start
                break
            }
        }
        guard let start = found, let disk = tail.u16(start + 4), let directoryDisk = tail.u16(start + 6),
            let onDisk = tail.u16(start + 8), let total = tail.u16(start + 10),
            let size = tail.u32(start + 12), let offset = tail.u32(start + 16)
        else {
            throw ZipError.damaged(
                file.url, "it has no end of central directory record, so it is not a ZIP archive or it is truncated")
        }
        let endOffset = tailStart + UInt64(start)
        var record = ZipEndRecord(
            entryCount: UInt64(total), directoryOffset: UInt64(offset), directorySize: UInt64(size))
        var split = disk != 0 || directoryDisk != 0 || onDisk != total
        var directoryLimit = endOffset
        if endOffset >= 20 {
            let locator = ZipBytes(bytes: try file.bytes(at: endOffset - 20, exactly: 20, what: "its ZIP64 locator"))
            if locator.u32(0) == locatorSignature, let zip64Offset = locator.u64(8), let disks = locator.u32(16) {
                let zip64 = ZipBytes(
                    bytes: try file.bytes(at: zip64Offset, count: 56))
                guard zip64Offset < endOffset - 20, zip64.u32(0) == zip64EndSignature,
                    let disk64 = zip64.u32(16), let directoryDisk64 = zip64.u32(20), let onDisk64 = zip64.u64(24),
                    let total64 = zip64.u64(32), let size64 = zip64.u64(40), let offset64 = zip64.u64(48)
                else {
                    throw ZipError.damaged(
                        file.url, "its ZIP64 locator points to \(zip64Offset), where there is no ZIP64 end record")
                }
                record = ZipEndRecord(entryCount: total64, directoryOffset: offset64, directorySize: size64)
                // The 16-bit fields may be saturated here, so the ZIP64 record alone says whether it is split.
                split = disks > 1 || disk64 != 0 || directoryDisk64 != 0 || onDisk64 != total64
                directoryLimit = zip64Offset
            }
        }
        guard !split else {
            throw ZipError.unsupported(
                file.url, entry: nil, "several volumes (a split or spanned archive)",
                advice: "Join the parts into one archive (zip -s 0 in.zip --out whole.zip) and read that.")
        }
        guard record.directoryOffset <= directoryLimit,
            record.directorySize <= directoryLimit - record.directoryOffset
        else {
            throw ZipError.damaged(
                file.url,
                "its central directory (\(record.directorySize) bytes at \(record.directoryOffset)) "
                    + "lies outside the file, so it is truncated or damaged")
        }
        guard record.entryCount <= record.directorySize / smallestEntry else {
            throw ZipError.damaged(
                file.url,
                "it declares \(record.entryCount) entries, more than its \(record.directorySize)-byte "
                    + "central directory can hold")
        }
        return record
    }
}
