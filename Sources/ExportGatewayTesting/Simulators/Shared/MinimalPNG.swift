import Foundation

/// The smallest valid PNG of a given size: a 1-bit grayscale checkerboard whose pixels are
/// kept in STORED deflate blocks, so simulators can ship real image files (that a reader
/// sizes from the `IHDR` header and any decoder opens) without a compressor.
public enum MinimalPNG {
    /// A `width` × `height` PNG of 8 × 8 black and white squares (the top-left one white),
    /// or `nil` when either side is not positive. The file grows with the pixel count (about
    /// one byte per eight pixels), so keep sides small.
    public static func checkerboard(width: Int, height: Int) -> Data? {
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else { return nil }
        let rowBytes = (width + 7) / 8
        let (imageBytes, overflow) = (rowBytes + 1).multipliedReportingOverflow(by: height)
        guard !overflow else { return nil }
        // Each row is a filter-type byte (0, none), then 8 pixels a byte, most significant bit
        // first: a byte of ones is 8 white pixels. The squares make the Adler-32 sums wrap,
        // which an all-black image would never exercise.
        var scanlines = Data(capacity: imageBytes)
        for row in 0..<height {
            scanlines.append(0)
            for column in 0..<rowBytes { scanlines.append((row / 8 + column) % 2 == 0 ? 0xFF : 0x00) }
        }

        var header = Data()
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        // Bit depth 1, colour type 0 (grayscale), compression 0, filter 0, no interlace.
        header.append(contentsOf: [1, 0, 0, 0, 0])

        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.appendChunk("IHDR", header)
        png.appendChunk("IDAT", zlibStored(scanlines))
        png.appendChunk("IEND", Data())
        return png
    }

    /// `data` as a zlib stream of STORED deflate blocks (at most 65,535 bytes each), with
    /// the Adler-32 of `data` at its end.
    static func zlibStored(_ data: Data) -> Data {
        // CMF 0x78 (deflate, 32K window) and FLG 0x01 make the header a multiple of 31.
        var stream = Data([0x78, 0x01])
        let bytes = [UInt8](data)
        var start = 0
        repeat {
            let count = min(65_535, bytes.count - start)
            let isLast = start + count == bytes.count
            stream.append(isLast ? 1 : 0)
            stream.append(UInt8(count & 0xFF))
            stream.append(UInt8(count >> 8))
            stream.append(UInt8(~count & 0xFF))
            stream.append(UInt8((~count >> 8) & 0xFF))
            stream.append(contentsOf: bytes[start..<(start + count)])
            start += count
        } while start < bytes.count
        stream.appendBigEndian(adler32(bytes))
        return stream
    }

    /// The Adler-32 checksum zlib ends its streams with.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}

extension Data {
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [
            UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF),
        ])
    }

    /// A PNG chunk: length, type, data, and the CRC-32 of type and data.
    fileprivate mutating func appendChunk(_ type: String, _ data: Data) {
        appendBigEndian(UInt32(data.count))
        let typed = Data(type.utf8) + data
        append(typed)
        appendBigEndian(CRC32.checksum(typed))
    }
}
