import Foundation

/// Learns an image's pixel size from the first bytes of its file, without decoding it: PNG,
/// JPEG, GIF, BMP and WebP. YOLO stores fractions of the image size, so turning its rows into
/// pixels needs the size of every image, and reading whole files for it would be wasteful.
public enum ImageHeader {
    /// The most bytes read while looking for a JPEG's frame header. EXIF and ICC segments
    /// come before it and are usually under 1 MiB; past this the file is treated as unknown
    /// rather than scanned to the end.
    public static let scanLimit = 16 << 20

    /// The size stated in the header of the file `reader` reads, or `nil` when the format is
    /// unknown, the header is damaged or truncated, or a dimension is zero.
    ///
    /// Reads only as far as the header: 30 bytes for PNG, GIF, BMP and WebP; for JPEG the
    /// segments before the frame header are skipped by their lengths, up to ``scanLimit``.
    /// - Throws: what `reader` throws.
    public static func size(of reader: inout any DatasetFileReader) throws -> ImageSize? {
        var bytes = ImageHeaderBytes(reader: reader, limit: scanLimit)
        defer { reader = bytes.reader }
        guard let head = try bytes.peek(30, atLeast: 12) else { return nil }
        let start = head.startIndex
        func at(_ offset: Int) -> UInt8 { head[start + offset] }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            guard head.count >= 24, head[(start + 12)..<(start + 16)].elementsEqual("IHDR".utf8) else { return nil }
            return make(bigEndian(head, start + 16, 4), bigEndian(head, start + 20, 4))
        }
        if at(0) == 0xFF, at(1) == 0xD8 {
            return try jpegSize(&bytes)
        }
        if head.starts(with: Array("GIF87a".utf8)) || head.starts(with: Array("GIF89a".utf8)) {
            return make(littleEndian(head, start + 6, 2), littleEndian(head, start + 8, 2))
        }
        if at(0) == 0x42, at(1) == 0x4D {
            guard head.count >= 26 else { return nil }
            let headerSize = littleEndian(head, start + 14, 4)
            if headerSize == 12 {
                return make(littleEndian(head, start + 18, 2), littleEndian(head, start + 20, 2))
            }
            guard headerSize >= 40 else { return nil }
            // Height is signed: negative means the rows are stored top-down.
            let width = Int(Int32(truncatingIfNeeded: littleEndian(head, start + 18, 4)))
            let height = Int(Int32(truncatingIfNeeded: littleEndian(head, start + 22, 4)))
            return make(width, abs(height))
        }
        if head.starts(with: Array("RIFF".utf8)), head[(start + 8)..<(start + 12)].elementsEqual("WEBP".utf8) {
            return webPSize(head)
        }
        return nil
    }

    /// A size from two decoded dimensions; `nil` when either is not positive.
    private static func make(_ width: Int, _ height: Int) -> ImageSize? {
        guard width > 0, height > 0 else { return nil }
        return ImageSize(width: width, height: height)
    }

    private static func bigEndian(_ data: Data, _ offset: Int, _ count: Int) -> Int {
        var value = 0
        for index in offset..<(offset + count) { value = value << 8 | Int(data[index]) }
        return value
    }

    private static func littleEndian(_ data: Data, _ offset: Int, _ count: Int) -> Int {
        var value = 0
        for index in (offset..<(offset + count)).reversed() { value = value << 8 | Int(data[index]) }
        return value
    }

    /// Walks the JPEG markers to the first frame header (SOF0…SOF15 except DHT, JPG and DAC).
    private static func jpegSize(_ bytes: inout ImageHeaderBytes) throws -> ImageSize? {
        guard try bytes.skip(2) else { return nil }
        while true {
            guard var marker = try bytes.byte() else { return nil }
            guard marker == 0xFF else { return nil }
            // Any number of 0xFF fill bytes may precede a marker code.
            repeat {
                guard let next = try bytes.byte() else { return nil }
                marker = next
            } while marker == 0xFF
            switch marker {
            case 0x01, 0xD0...0xD7, 0xD8: continue  // no length follows
            case 0xD9, 0xDA, 0x00: return nil  // end of image or scan data before any frame header
            default: break
            }
            guard let lengthBytes = try bytes.take(2) else { return nil }
            let length = bigEndian(lengthBytes, lengthBytes.startIndex, 2)
            guard length >= 2 else { return nil }
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame {
                guard length >= 7, let frame = try bytes.take(5) else { return nil }
                let base = frame.startIndex
                return make(bigEndian(frame, base + 3, 2), bigEndian(frame, base + 1, 2))
            }
            guard try bytes.skip(length - 2) else { return nil }
        }
    }

    /// Lossy (`VP8 `), lossless (`VP8L`) or extended (`VP8X`) WebP: the size sits in the first
    /// chunk's first bytes.
    private static func webPSize(_ head: Data) -> ImageSize? {
        guard head.count >= 30 else { return nil }
        let start = head.startIndex
        let chunk = head[(start + 12)..<(start + 16)]
        if chunk.elementsEqual("VP8 ".utf8) {
            guard head[start + 23] == 0x9D, head[start + 24] == 0x01, head[start + 25] == 0x2A else { return nil }
            return make(littleEndian(head, start + 26, 2) & 0x3FFF, littleEndian(head, start + 28, 2) & 0x3FFF)
        }
        if chunk.elementsEqual("VP8L".utf8) {
            guard head[start + 20] == 0x2F else { return nil }
            let bits = littleEndian(head, start + 21, 4)
            return make((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        }
        if chunk.elementsEqual("VP8X".utf8) {
            return make(littleEndian(head, start + 24, 3) + 1, littleEndian(head, start + 27, 3) + 1)
        }
        return nil
    }
}
