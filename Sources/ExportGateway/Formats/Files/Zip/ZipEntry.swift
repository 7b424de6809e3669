/// One file of a ZIP archive as its central directory declares it, the ZIP64 sizes and offset
/// already applied. The central directory is trusted for sizes because a local header written
/// with a data descriptor (flag bit 3) carries zeros there.
struct ZipEntry: Sendable {
    /// The normalized path inside the archive.
    var path: String
    /// The compression method: 0 stored, 8 deflated; others are refused when opened.
    var method: UInt16
    /// The general-purpose flags; bit 0 means encrypted.
    var flags: UInt16
    /// The CRC-32 of the uncompressed bytes.
    var crc32: UInt32
    /// The bytes stored in the archive.
    var compressedSize: UInt64
    /// The bytes the entry holds once decompressed; more is a damaged entry or a ZIP bomb.
    var uncompressedSize: UInt64
    /// Where the entry's local header starts.
    var localHeaderOffset: UInt64

    /// Whether the entry is encrypted (traditional or strong encryption).
    var isEncrypted: Bool { flags & 0x0001 != 0 || flags & 0x0040 != 0 }
}
