import Foundation

/// The pixel size of a JPEG or PNG read from its header, for VOC images that have no
/// annotation file (datumaro writes none for images without objects, so no `<size>` either).
enum VOCImageHeader {
    /// How far into a file the JPEG frame header is looked for: past EXIF and ICC segments,
    /// but never the whole image.
    static let readLimit = 1 << 20

    /// The size stated by the file's header, or `nil` when it is not a JPEG or PNG, is
    /// damaged, or states no positive size.
    static func size(of path: String, in files: any DatasetFiles) -> ImageSize? {
        guard var reader = try? files.open(path) else { return nil }
        var bytes: [UInt8] = []
        while bytes.count < readLimit, let piece = try? reader.read(upTo: 1 << 16) {
            bytes += piece
            if let size = size(in: bytes) { return size }
        }
        return nil
    }

    /// The size in the first bytes of a PNG or JPEG, or `nil` when they do not hold it (yet).
    static func size(in bytes: [UInt8]) -> ImageSize? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            guard bytes.count >= 24, bytes[12...15].elementsEqual("IHDR".utf8) else { return nil }
            return positive(bigEndian(bytes, at: 16, count: 4), bigEndian(bytes, at: 20, count: 4))
        }
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var offset = 2
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            let marker = bytes[offset + 1]
            if marker == 0xFF {
                offset += 1
                continue
            }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {
                offset += 2
                continue
            }
            let length = bigEndian(bytes, at: offset + 2, count: 2)
            guard length >= 2 else { return nil }
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame {
                guard offset + 9 <= bytes.count else { return nil }
                return positive(bigEndian(bytes, at: offset + 7, count: 2), bigEndian(bytes, at: offset + 5, count: 2))
            }
            if marker == 0xD9 || marker == 0xDA { return nil }
            offset += 2 + length
        }
        return nil
    }

    private static func bigEndian(_ bytes: [UInt8], at offset: Int, count: Int) -> Int {
        var value = 0
        for index in offset..<(offset + count) { value = value << 8 | Int(bytes[index]) }
        return value
    }

    private static func positive(_ width: Int, _ height: Int) -> ImageSize? {
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else { return nil }
        return ImageSize(width: width, height: height)
    }
}
