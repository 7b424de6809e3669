import ExportGateway
import Foundation
import Testing

/// Image sizes from file headers: the fixture's PNG and JPEGs, a JPEG with EXIF before its
/// frame header, the other formats, and damaged or truncated files.
@Suite struct ImageHeaderTests {
    /// The size `ImageHeader` reads from `bytes`, written to a temporary file.
    static func size(of bytes: [UInt8]) throws -> ImageSize? {
        let folder = try YOLOReaderTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(bytes).write(to: folder.appendingPathComponent("image"))
        var reader = try FolderFiles(root: folder).open("image")
        return try ImageHeader.size(of: &reader)
    }

    static func fixture(_ path: String) throws -> [UInt8] {
        [UInt8](try FormatFixtures.files(.yolo).contents(of: path))
    }

    @Test func thePNGFixtureIs33By17() throws {
        #expect(try Self.size(of: Self.fixture("images/train/tiny_33x17.png")) == ImageSize(width: 33, height: 17))
    }

    @Test func everyJPEGFixtureHasItsReferenceSize() throws {
        for item in ReferenceDataset.items where item.key?.hasSuffix(".jpg") == true {
            let path = "images/\(item.subset ?? "")/\(item.key ?? "")"
            #expect(try Self.size(of: Self.fixture(path)) == item.imageSize, "\(path)")
        }
    }

    /// A JPEG start with an APP1 (EXIF) segment, fill bytes and a DHT before a baseline frame.
    static let jpegWithEXIF: [UInt8] = {
        var bytes: [UInt8] = [0xFF, 0xD8]
        let exif = Array("Exif\0\0".utf8) + [UInt8](repeating: 0xC0, count: 300)  // 0xC0 inside must not count
        bytes += [0xFF, 0xE1, UInt8((exif.count + 2) >> 8), UInt8((exif.count + 2) & 0xFF)] + exif
        bytes += [0xFF, 0xFF, 0xC4, 0x00, 0x04, 0x00, 0x00]
        bytes += [0xFF, 0xC2, 0x00, 0x11, 0x08, 0x02, 0xD0, 0x05, 0x00, 0x03] + [UInt8](repeating: 0, count: 9)
        return bytes
    }()

    @Test func aJPEGWithEXIFBeforeItsFrameHeaderIsRead() throws {
        #expect(try Self.size(of: Self.jpegWithEXIF) == ImageSize(width: 1280, height: 720))
    }

    @Test func gifBMPAndWebPHeadersAreRead() throws {
        let gif = Array("GIF89a".utf8) + [0x40, 0x01, 0xF0, 0x00] + [UInt8](repeating: 0, count: 20)
        #expect(try Self.size(of: gif) == ImageSize(width: 320, height: 240))
        var bmp: [UInt8] = [0x42, 0x4D] + [UInt8](repeating: 0, count: 12) + [40, 0, 0, 0]
        bmp += [0x20, 0x00, 0x00, 0x00] + [0xF0, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 20)  // top-down
        #expect(try Self.size(of: bmp) == ImageSize(width: 32, height: 16))
        var webp = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8X".utf8) + [10, 0, 0, 0] + [0, 0, 0, 0]
        webp += [0x3F, 0x01, 0x00, 0xEF, 0x00, 0x00] + [0, 0]
        #expect(try Self.size(of: webp) == ImageSize(width: 320, height: 240))
    }

    @Test func truncatedAndUnknownFilesGiveNoSize() throws {
        let png = try Self.fixture("images/train/tiny_33x17.png")
        let jpeg = try Self.fixture("images/train/0008.jpg")
        for length in [0, 1, 8, 16, 23] { #expect(try Self.size(of: Array(png.prefix(length))) == nil) }
        for length in [2, 3, 4, 20, 100] { #expect(try Self.size(of: Array(jpeg.prefix(length))) == nil) }
        #expect(try Self.size(of: Array(Self.jpegWithEXIF.prefix(200))) == nil)
        #expect(try Self.size(of: Array("hello, not an image at all".utf8)) == nil)
        // A segment length pointing far past the end.
        #expect(try Self.size(of: [0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0x00]) == nil)
        // A length below 2 and a frame header with a zero width.
        #expect(try Self.size(of: [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01]) == nil)
        #expect(try Self.size(of: [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x00, 0x03]) == nil)
    }
}
