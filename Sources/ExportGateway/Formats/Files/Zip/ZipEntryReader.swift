import CZlib
import Foundation

/// Streams one entry of a ZIP archive, stored or deflated, and checks at its end that the
/// bytes match the central directory's CRC-32 and size. It never yields more than the declared
/// size, so a ZIP bomb or a lying directory fails after at most one extra byte.
struct ZipEntryReader: DatasetFileReader {
    private static let storedMethod: UInt16 = 0
    private static let deflateMethod: UInt16 = 8
    /// The most one ``read(upTo:)`` returns, however much is asked, to bound memory.
    private static let largestPiece = 1 << 22

    private let file: ZipArchiveFile
    private let entry: ZipEntry
    private let inflater: ZipInflater?
    private var nextOffset: UInt64
    private var compressedLeft: UInt64
    private var produced: UInt64 = 0
    private var checksum: uLong = 0
    private var finished = false

    /// Opens `entry` of `file`, reading its local header to find where its data starts.
    /// - Throws: ``GatewayError/Kind/unsupported`` for an encrypted entry or a method other
    ///   than stored or deflate, ``GatewayError/Kind/decoding`` for a bad local header or data
    ///   that runs past the end of the archive.
    init(file: ZipArchiveFile, entry: ZipEntry) throws {
        self.file = file
        self.entry = entry
        guard !entry.isEncrypted else {
            throw ZipError.unsupported(
                file.url, entry: entry.path, "encryption",
                advice:
                    "Export the archive again without a password, or unpack it with the password and read the folder.")
        }
        switch entry.method {
        case Self.storedMethod:
            inflater = nil
        case Self.deflateMethod:
            guard let inflater = ZipInflater() else {
                throw ZipError.damaged(file.url, entry: entry.path, "zlib could not start (out of memory)")
            }
            self.inflater = inflater
        default:
            throw ZipError.unsupported(
                file.url, entry: entry.path, "compression method \(entry.method)\(Self.methodName(entry.method))",
                advice: "Re-pack the archive with deflate or no compression (zip -r out.zip folder), "
                    + "or unpack it and read the folder.")
        }
        let header = ZipBytes(
            bytes: try file.bytes(at: entry.localHeaderOffset, count: 30))
        guard header.u32(0) == 0x0403_4B50, let nameLength = header.u16(26), let extraLength = header.u16(28) else {
            throw ZipError.damaged(
                file.url, entry: entry.path,
                "there is no local header at offset \(entry.localHeaderOffset), where the central directory puts it")
        }
        let dataStart = entry.localHeaderOffset + 30 + UInt64(nameLength) + UInt64(extraLength)
        guard entry.compressedSize <= file.size, dataStart <= file.size - entry.compressedSize else {
            throw ZipError.damaged(
                file.url, entry: entry.path,
                "its \(entry.compressedSize) bytes of data run past the end of the archive, so it is truncated")
        }
        nextOffset = dataStart
        compressedLeft = entry.compressedSize
    }

    mutating func read(upTo maxCount: Int) throws -> Data? {
        guard !finished else { return nil }
        let limit = min(max(maxCount, 1), Self.largestPiece)
        guard let inflater else { return try readStored(limit: limit) }
        // An empty file some tools mark deflated with no data at all.
        if entry.compressedSize == 0 && entry.uncompressedSize == 0 {
            try finish()
            return nil
        }
        while true {
            if inflater.needsInput && compressedLeft > 0 {
                inflater.supply(try nextCompressed(count: Int(min(UInt64(ZipInflater.inputCapacity), compressedLeft))))
            }
            // One byte past the declared size is room enough to catch an entry that inflates to more.
            let left = entry.uncompressedSize - produced
            let room = left >= UInt64(limit) ? limit : Int(left) + 1
            let step: ZipInflater.Step
            do {
                step = try inflater.inflate(capacity: room)
            } catch {
                throw ZipError.damaged(file.url, entry: entry.path, "its deflated data is corrupt (\(error.reason))")
            }
            try account(step.output)
            if step.ended {
                try finish()
                return step.output.isEmpty ? nil : step.output
            }
            if !step.output.isEmpty { return step.output }
            if !step.progressed {
                throw ZipError.damaged(
                    file.url, entry: entry.path,
                    inflater.needsInput && compressedLeft == 0
                        ? "its deflated data ends before the deflate stream does, so it is truncated"
                        : "its deflated data does not advance")
            }
        }
    }

    private mutating func readStored(limit: Int) throws -> Data? {
        guard compressedLeft > 0 else {
            try finish()
            return nil
        }
        let piece = Data(try nextCompressed(count: Int(min(UInt64(limit), compressedLeft))))
        try account(piece)
        return piece
    }

    /// The next `count` bytes of the entry's data in the archive.
    private mutating func nextCompressed(count: Int) throws -> [UInt8] {
        let bytes = try file.bytes(at: nextOffset, count: count)
        guard bytes.count == count else {
            throw ZipError.damaged(file.url, entry: entry.path, "the archive ends inside its data, so it is truncated")
        }
        nextOffset += UInt64(count)
        compressedLeft -= UInt64(count)
        return bytes
    }

    /// Counts and checksums bytes about to be handed out, refusing any past the declared size.
    private mutating func account(_ piece: Data) throws {
        produced += UInt64(piece.count)
        guard produced <= entry.uncompressedSize else {
            throw ZipError.damaged(
                file.url, entry: entry.path,
                "it holds more than the \(entry.uncompressedSize) bytes its central directory declares "
                    + "(a damaged entry or a ZIP bomb)")
        }
        checksum = piece.withUnsafeBytes { buffer in
            crc32(checksum, buffer.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(buffer.count))
        }
    }

    /// Checks the whole entry against its declared size and CRC-32.
    private mutating func finish() throws {
        guard produced == entry.uncompressedSize else {
            throw ZipError.damaged(
                file.url, entry: entry.path,
                "it holds \(produced) bytes but its central directory declares \(entry.uncompressedSize)")
        }
        guard UInt32(truncatingIfNeeded: checksum) == entry.crc32 else {
            throw ZipError.damaged(
                file.url, entry: entry.path,
                "its CRC-32 is \(String(UInt32(truncatingIfNeeded: checksum), radix: 16)) but should be "
                    + "\(String(entry.crc32, radix: 16)), so its bytes are corrupt")
        }
        finished = true
    }

    private static func methodName(_ method: UInt16) -> String {
        switch method {
        case 9: " (Deflate64)"
        case 12: " (bzip2)"
        case 14: " (LZMA)"
        case 93: " (Zstandard)"
        case 95: " (XZ)"
        case 99: " (AES encryption)"
        default: ""
        }
    }
}
