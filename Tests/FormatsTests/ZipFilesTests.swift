import CZlib
import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

@Suite struct ZipFilesTests {
    @Test func storedArchiveListsRegularFilesSortedWithoutLeadingDotSlash() throws {
        let archive = try TemporaryArchive(
            ZipArchive.make([
                .init(path: "./b/data.json", contents: Data("{\"b\":1}".utf8)),
                .init(path: "a.txt", contents: Data("alpha".utf8)),
                .init(path: "b/", contents: Data()),
                .init(path: "b/empty.txt", contents: Data()),
            ]))
        let files = try ZipFiles(archive: archive.url)
        #expect(files.paths == ["a.txt", "b/data.json", "b/empty.txt"])
        #expect(try files.contents(of: "a.txt") == Data("alpha".utf8))
        #expect(try files.contents(of: "b/data.json") == Data("{\"b\":1}".utf8))
        #expect(try files.contents(of: "b/empty.txt").isEmpty)
        #expect(files.contains("b/data.json"))
        #expect(!files.contains("b"))
    }

    @Test func zippedFixtureTreeReadsLikeTheFolder() throws {
        let folder = try FormatFixtures.files(.coco)
        let entries = try folder.paths.map { TestZip.Entry(name: $0, contents: try folder.contents(of: $0)) }
        let archive = try TemporaryArchive(TestZip.make(entries))
        let files = try ZipFiles(archive: archive.url)
        #expect(!folder.paths.isEmpty)
        #expect(files.paths == folder.paths)
        for path in folder.paths {
            #expect(try files.contents(of: path) == folder.contents(of: path), "\(path)")
        }
    }

    @Test(arguments: [1, 7, 65536])
    func anyPieceSizeYieldsTheSameBytes(pieceSize: Int) throws {
        let contents = Self.sampleBytes(count: 20_000)
        let archive = try TemporaryArchive(
            TestZip.make([
                .init(name: "deflated.bin", contents: contents),
                .init(name: "stored.bin", contents: contents, deflated: false),
            ]))
        let files = try ZipFiles(archive: archive.url)
        for path in ["deflated.bin", "stored.bin"] {
            var reader = try files.open(path)
            var read = Data()
            while let piece = try reader.read(upTo: pieceSize) {
                #expect(!piece.isEmpty && piece.count <= pieceSize)
                read.append(piece)
            }
            #expect(read == contents, "\(path)")
        }
    }

    @Test func corruptedByteFailsTheCRCCheck() throws {
        var bytes = ZipArchive.make([.init(path: "labels.txt", contents: Data("cat dog bird".utf8))])
        // The data starts after the 30-byte local header and the 10-byte name.
        bytes[40] ^= 0x20
        let archive = try TemporaryArchive(bytes)
        let files = try ZipFiles(archive: archive.url)
        let error = try #require(throws: GatewayError.self) { try files.contents(of: "labels.txt") }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("CRC-32"))
        #expect(error.message.contains("labels.txt"))
        #expect(error.message.contains(archive.url.path))
    }

    @Test func truncatedArchiveIsADecodingError() throws {
        let whole = TestZip.make([.init(name: "a.json", contents: Self.sampleBytes(count: 4000))])
        let archive = try TemporaryArchive(whole.prefix(whole.count / 2))
        let error = try #require(throws: GatewayError.self) { try ZipFiles(archive: archive.url) }
        #expect(error.kind == .decoding)
        #expect(error.message.contains(archive.url.path))
    }

    @Test func entryWhoseDataRunsPastTheArchiveIsADecodingError() throws {
        let archive = try TemporaryArchive(
            TestZip.make([
                .init(name: "a.bin", contents: Self.sampleBytes(count: 4000), declaredCompressedSize: 1 << 20)
            ]))
        let files = try ZipFiles(archive: archive.url)
        let error = try #require(throws: GatewayError.self) { try files.open("a.bin") }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("truncated"))
    }

    @Test(arguments: ["../evil", "a/../../evil", "/etc/passwd", "a\\..\\evil", "a\0b"])
    func unsafeEntryNameRefusesTheArchive(name: String) throws {
        let archive = try TemporaryArchive(
            ZipArchive.make([
                .init(path: "ok.txt", contents: Data("ok".utf8)), .init(path: name, contents: Data("x".utf8)),
            ]))
        let error = try #require(throws: GatewayError.self) { try ZipFiles(archive: archive.url) }
        #expect(error.kind == .decoding)
        #expect(error.message.contains(String(reflecting: name)))
    }

    @Test func duplicateEntryNamesAreADecodingError() throws {
        let archive = try TemporaryArchive(
            ZipArchive.make([
                .init(path: "a.txt", contents: Data("1".utf8)), .init(path: "./a.txt", contents: Data("2".utf8)),
            ]))
        let error = try #require(throws: GatewayError.self) { try ZipFiles(archive: archive.url) }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("a.txt"))
    }

    @Test func dataDescriptorEntryReadsWithSizesFromTheCentralDirectory() throws {
        let contents = Self.sampleBytes(count: 3000)
        let archive = try TemporaryArchive(
            TestZip.make([
                .init(name: "streamed.bin", contents: contents, dataDescriptor: true),
                .init(name: "stored.bin", contents: contents, deflated: false, dataDescriptor: true),
            ]))
        let files = try ZipFiles(archive: archive.url)
        #expect(try files.contents(of: "streamed.bin") == contents)
        #expect(try files.contents(of: "stored.bin") == contents)
    }

    @Test func zip64ArchiveReadsThroughItsZip64RecordsAndExtraFields() throws {
        let contents = Self.sampleBytes(count: 5000)
        let archive = try TemporaryArchive(
            TestZip.make(
                [.init(name: "first.bin", contents: contents), .init(name: "second.txt", contents: Data("two".utf8))],
                zip64: true))
        let files = try ZipFiles(archive: archive.url)
        #expect(files.paths == ["first.bin", "second.txt"])
        #expect(try files.contents(of: "first.bin") == contents)
        #expect(try files.contents(of: "second.txt") == Data("two".utf8))
    }

    @Test func entryInflatingBeyondItsDeclaredSizeIsRefused() throws {
        let contents = Data(repeating: 0x41, count: 100_000)
        let archive = try TemporaryArchive(
            TestZip.make([.init(name: "bomb.txt", contents: contents, declaredSize: 1000)]))
        let files = try ZipFiles(archive: archive.url)
        var reader = try files.open("bomb.txt")
        var total = 0
        let error = try #require(throws: GatewayError.self) {
            while let piece = try reader.read(upTo: 1 << 16) { total += piece.count }
        }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("1000 bytes"))
        #expect(total <= 1000)
    }

    @Test func entryShorterThanDeclaredIsADecodingError() throws {
        let archive = try TemporaryArchive(
            TestZip.make([.init(name: "short.txt", contents: Data("short".utf8), declaredSize: 50)]))
        let files = try ZipFiles(archive: archive.url)
        let error = try #require(throws: GatewayError.self) { try files.contents(of: "short.txt") }
        #expect(error.kind == .decoding)
    }

    @Test func corruptDeflateDataIsADecodingError() throws {
        var bytes = TestZip.make([.init(name: "a.bin", contents: Self.sampleBytes(count: 2000))])
        // Block type 3 does not exist in deflate.
        bytes[30 + 5] = 0x07
        let archive = try TemporaryArchive(bytes)
        let files = try ZipFiles(archive: archive.url)
        let error = try #require(throws: GatewayError.self) { try files.contents(of: "a.bin") }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("a.bin"))
    }

    @Test func droppingAReaderMidEntryLeavesTheArchiveReadable() throws {
        let contents = Self.sampleBytes(count: 50_000)
        let archive = try TemporaryArchive(TestZip.make([.init(name: "big.bin", contents: contents)]))
        let files = try ZipFiles(archive: archive.url)
        for _ in 0..<200 {
            var reader = try files.open("big.bin")
            _ = try reader.read(upTo: 100)
        }
        #expect(try files.contents(of: "big.bin") == contents)
    }

    @Test func unknownMethodAndEncryptionAreUnsupported() throws {
        let archive = try TemporaryArchive(
            TestZip.make([
                .init(name: "bzip2.bin", contents: Data("x".utf8), deflated: false, method: 12),
                .init(name: "secret.txt", contents: Data("x".utf8), deflated: false, flags: 0x0001),
            ]))
        let files = try ZipFiles(archive: archive.url)
        let method = try #require(throws: GatewayError.self) { try files.open("bzip2.bin") }
        #expect(method.kind == .unsupported)
        #expect(method.message.contains("method 12"))
        let encrypted = try #require(throws: GatewayError.self) { try files.open("secret.txt") }
        #expect(encrypted.kind == .unsupported)
        #expect(encrypted.message.contains("secret.txt"))
    }

    @Test func missingPathIsALocalFileErrorNamingIt() throws {
        let archive = try TemporaryArchive(ZipArchive.make([.init(path: "a.txt", contents: Data("a".utf8))]))
        let files = try ZipFiles(archive: archive.url)
        let error = try #require(throws: GatewayError.self) { try files.open("labels/missing.txt") }
        #expect(error.kind == .localFile)
        #expect(error.message.contains("labels/missing.txt"))
    }

    @Test func badLocalHeaderIsADecodingError() throws {
        var bytes = ZipArchive.make([.init(path: "a.txt", contents: Data("a".utf8))])
        bytes[0] = 0x00
        let archive = try TemporaryArchive(bytes)
        let files = try ZipFiles(archive: archive.url)
        let error = try #require(throws: GatewayError.self) { try files.open("a.txt") }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("local header"))
    }

    @Test func isArchiveRecognizesArchivesAndEmptyArchivesOnly() throws {
        let archive = try TemporaryArchive(ZipArchive.make([.init(path: "a.txt", contents: Data("a".utf8))]))
        let empty = try TemporaryArchive(ZipArchive.make([]))
        let text = try TemporaryArchive(Data("{\"images\": []}".utf8))
        #expect(ZipFiles.isArchive(archive.url))
        #expect(ZipFiles.isArchive(empty.url))
        #expect(!ZipFiles.isArchive(text.url))
        #expect(!ZipFiles.isArchive(text.url.appendingPathExtension("missing")))
        #expect(try ZipFiles(archive: empty.url).paths.isEmpty)
        let error = try #require(throws: GatewayError.self) { try ZipFiles(archive: text.url) }
        #expect(error.kind == .decoding)
    }

    @Test(arguments: [false, true])
    func damagedArchivesFailWithTypedErrorsNeverACrash(zip64: Bool) throws {
        let whole = TestZip.make(
            [
                .init(name: "a/deflated.txt", contents: Self.sampleBytes(count: 300)),
                .init(name: "stored.txt", contents: Data("stored".utf8), deflated: false, dataDescriptor: true),
            ],
            zip64: zip64)
        var refused = 0
        for index in whole.indices {
            for value: UInt8 in [0x00, 0xFF] where whole[index] != value {
                var bytes = whole
                bytes[index] = value
                let archive = try TemporaryArchive(bytes)
                do {
                    let files = try ZipFiles(archive: archive.url)
                    for path in files.paths { _ = try files.contents(of: path) }
                } catch is GatewayError {
                    refused += 1
                }
            }
        }
        #expect(refused > whole.count / 2)
        for length in 0..<whole.count {
            let archive = try TemporaryArchive(whole.prefix(length))
            #expect(throws: GatewayError.self, "cut at \(length)") {
                let files = try ZipFiles(archive: archive.url)
                for path in files.paths { _ = try files.contents(of: path) }
            }
        }
    }

    /// Bytes that deflate somewhat but not trivially, the same on every run.
    private static func sampleBytes(count: Int) -> Data {
        var state: UInt32 = 0x1234_5678
        return Data(
            (0..<count).map { index in
                state = state &* 1_664_525 &+ 1_013_904_223
                return index % 3 == 0 ? UInt8(truncatingIfNeeded: state >> 24) : UInt8(ascii: "a") + UInt8(index % 7)
            })
    }
}

/// An archive written to a temporary file, removed when the value is dropped.
private final class TemporaryArchive {
    /// Where the archive is.
    let url: URL

    init(_ bytes: Data) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("zipfiles-\(UUID().uuidString).zip")
        try bytes.write(to: url)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Writes the ZIP archives `ZipArchive.make` cannot: deflated entries (with zlib), data
/// descriptors, ZIP64 records, and entries whose central directory lies about them.
private enum TestZip {
    /// One entry to write, and how.
    struct Entry {
        var name: String
        var contents: Data
        var deflated = true
        var dataDescriptor = false
        var method: UInt16?
        var flags: UInt16 = 0
        /// An uncompressed size to declare instead of the true one.
        var declaredSize: UInt32?
        /// A compressed size to declare instead of the true one.
        var declaredCompressedSize: UInt32?
    }

    /// The archive holding `entries`; with `zip64`, every size and offset goes through ZIP64
    /// extra fields and the ZIP64 end record, small as they are.
    static func make(_ entries: [Entry], zip64: Bool = false) -> Data {
        var archive = Data()
        var central = Data()
        for entry in entries {
            let name = Data(entry.name.utf8)
            let data = entry.deflated ? deflate(entry.contents) : entry.contents
            let crc = UInt32(
                entry.contents.withUnsafeBytes {
                    crc32(0, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt($0.count))
                })
            let size = entry.declaredSize ?? UInt32(entry.contents.count)
            let compressed = entry.declaredCompressedSize ?? UInt32(data.count)
            let method = entry.method ?? (entry.deflated ? 8 : 0)
            let flags = entry.flags | (entry.dataDescriptor ? 0x0008 : 0) | 0x0800
            let offset = UInt32(archive.count)
            let saturated: UInt32 = 0xFFFF_FFFF

            archive.append(le32: 0x0403_4B50)
            archive.append(le16: zip64 ? 45 : 20)
            archive.append(le16: flags)
            archive.append(le16: method)
            archive.append(le32: 0)
            if entry.dataDescriptor {
                archive.append(le32: 0)
                archive.append(le32: 0)
                archive.append(le32: 0)
            } else {
                archive.append(le32: crc)
                archive.append(le32: zip64 ? saturated : compressed)
                archive.append(le32: zip64 ? saturated : size)
            }
            archive.append(le16: UInt16(name.count))
            archive.append(le16: zip64 ? 20 : 0)
            archive.append(name)
            if zip64 {
                archive.append(le16: 0x0001)
                archive.append(le16: 16)
                archive.append(le64: UInt64(size))
                archive.append(le64: UInt64(compressed))
            }
            archive.append(data)
            if entry.dataDescriptor {
                archive.append(le32: 0x0807_4B50)
                archive.append(le32: crc)
                archive.append(le32: compressed)
                archive.append(le32: size)
            }

            central.append(le32: 0x0201_4B50)
            central.append(le16: 0x0314)
            central.append(le16: zip64 ? 45 : 20)
            central.append(le16: flags)
            central.append(le16: method)
            central.append(le32: 0)
            central.append(le32: crc)
            central.append(le32: zip64 ? saturated : compressed)
            central.append(le32: zip64 ? saturated : size)
            central.append(le16: UInt16(name.count))
            central.append(le16: zip64 ? 28 : 0)
            central.append(le16: 0)
            central.append(le16: 0)
            central.append(le16: 0)
            central.append(le32: 0o100644 << 16)
            central.append(le32: zip64 ? saturated : offset)
            central.append(name)
            if zip64 {
                central.append(le16: 0x0001)
                central.append(le16: 24)
                central.append(le64: UInt64(size))
                central.append(le64: UInt64(compressed))
                central.append(le64: UInt64(offset))
            }
        }
        let centralOffset = archive.count
        archive.append(central)
        if zip64 {
            let recordOffset = archive.count
            archive.append(le32: 0x0606_4B50)
            archive.append(le64: 44)
            archive.append(le16: 45)
            archive.append(le16: 45)
            archive.append(le32: 0)
            archive.append(le32: 0)
            archive.append(le64: UInt64(entries.count))
            archive.append(le64: UInt64(entries.count))
            archive.append(le64: UInt64(central.count))
            archive.append(le64: UInt64(centralOffset))
            archive.append(le32: 0x0706_4B50)
            archive.append(le32: 0)
            archive.append(le64: UInt64(recordOffset))
            archive.append(le32: 1)
        }
        archive.append(le32: 0x0605_4B50)
        archive.append(le16: 0)
        archive.append(le16: 0)
        archive.append(le16: zip64 ? 0xFFFF : UInt16(entries.count))
        archive.append(le16: zip64 ? 0xFFFF : UInt16(entries.count))
        archive.append(le32: zip64 ? 0xFFFF_FFFF : UInt32(central.count))
        archive.append(le32: zip64 ? 0xFFFF_FFFF : UInt32(centralOffset))
        archive.append(le16: 0)
        return archive
    }

    /// `data` as raw deflate, the way ZIP stores it.
    static func deflate(_ data: Data) -> Data {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        guard
            deflateInit2_(
                stream, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return Data() }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(input.count))) + 16)
        let written = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.pointee.next_in = source.baseAddress
                stream.pointee.avail_in = uInt(source.count)
                stream.pointee.next_out = target.baseAddress
                stream.pointee.avail_out = uInt(target.count)
                _ = CZlib.deflate(stream, Z_FINISH)
                return target.count - Int(stream.pointee.avail_out)
            }
        }
        return Data(output.prefix(written))
    }
}

extension Data {
    fileprivate mutating func append(le16 value: UInt16) {
        append(UInt8(value & 0xFF))
        append(UInt8(value >> 8))
    }

    fileprivate mutating func append(le32 value: UInt32) {
        append(le16: UInt16(value & 0xFFFF))
        append(le16: UInt16(value >> 16))
    }

    fileprivate mutating func append(le64 value: UInt64) {
        append(le32: UInt32(value & 0xFFFF_FFFF))
        append(le32: UInt32(value >> 32))
    }
}
