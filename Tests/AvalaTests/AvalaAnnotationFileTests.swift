import CZlib
import ExportGateway
import ExportGatewayAvala
import ExportGatewayTesting
import Foundation
import Testing

/// Avala delivers annotations as a `YOLO` ZIP: the adapter says so, and the simulator's
/// annotated dataset exports the seeded boxes as a standard Ultralytics dataset with real
/// PNG images, read here through the gateway exactly as a user would download it.
@Suite struct AvalaAnnotationFileTests {
    /// The ZIP of a `format` export of `source`, created (the simulator refuses any format
    /// word but `avala-json-external` and `YOLO`), waited on (virtual clock) and downloaded.
    private func download(
        _ source: ExportSource, format: ExportFormat?, from avala: AvalaSimulator
    ) async throws -> [ZipArchive.Entry] {
        let gateway = avala.gateway(options: GatewayOptions(pollInterval: .seconds(2), clock: VirtualClock()))
        let created = try await gateway.createExport(ExportRequest(source: source, name: "labels", format: format))
        let ready = try await gateway.wait(for: created, timeout: .seconds(120))
        try #require(ready.status == .completed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("avala-ann-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("labels.zip")
        try await gateway.download(ready, to: destination)
        return try #require(ZipArchive.entries(of: try Data(contentsOf: destination)))
    }

    @Test func adapterReadsAnnotationsFromAYOLOFile() {
        let route = AnnotationRoute.file(request: .yolo, reads: .yolo)
        #expect(AvalaProvider().annotationRoute == route)
        #expect(AvalaSimulator.provider.makeProvider().annotationRoute == route)
    }

    @Test func yoloExportOfTheAnnotatedDatasetIsTheSeedAsAnUltralyticsDataset() async throws {
        let avala = AvalaSimulator(pollsToComplete: 2)
        let source = avala.seedAnnotatedSource()
        let entries = try await download(source, format: .yolo, from: avala)
        #expect(
            entries.map(\.path) == [
                "data.yaml",
                "images/train/city/0001.png", "labels/train/city/0001.txt",
                "images/train/city/0002.png", "labels/train/city/0002.txt",
                "images/train/0003.png", "labels/train/0003.txt",
                "images/train/empty_0004.png", "labels/train/empty_0004.txt",
                "images/train/street/0005.png", "labels/train/street/0005.txt",
            ])
        let text = Dictionary(
            entries.map { ($0.path, String(decoding: $0.contents, as: UTF8.self)) }, uniquingKeysWith: { a, _ in a })
        #expect(
            text["data.yaml"]
                == "train: images/train\nval: images/train\nnames:\n  0: car\n  1: traffic light\n  2: vélo\n  3: person\n"
        )
        // Boxes only: the vélo polygon of city/0001 and the car polygon of street/0005 are left out.
        #expect(
            text["labels/train/city/0001.txt"]
                == "0 0.125000 0.625000 0.250000 0.250000\n1 0.531250 0.218750 0.062500 0.312500\n")
        #expect(
            text["labels/train/city/0002.txt"]
                == "0 0.250000 0.625000 0.375000 0.250000\n3 0.890625 0.812500 0.218750 0.375000\n"
                + "1 0.390625 0.390625 0.031250 0.031250\n")
        #expect(text["labels/train/0003.txt"] == "2 0.218750 0.375000 0.312500 0.500000\n")
        #expect(text["labels/train/empty_0004.txt"] == "")
        #expect(text["labels/train/street/0005.txt"] == "0 0.593750 0.562500 0.125000 0.750000\n")
        #expect(SeededYOLOArchive.boxCount == 7)
    }

    @Test func imagesAreValidPNGsOfTheSeededSizes() async throws {
        let avala = AvalaSimulator(pollsToComplete: 1)
        let entries = try await download(avala.seedAnnotatedSource(), format: .yolo, from: avala)
        let sizes = [(256, 128), (256, 256), (128, 64), (64, 64), (256, 128)]
        let images = entries.filter { $0.path.hasPrefix("images/") }
        try #require(images.count == sizes.count)
        for (entry, size) in zip(images, sizes) {
            let png = try #require(checkedPNG(entry.contents), "\(entry.path) is not a valid PNG")
            #expect(png.width == size.0 && png.height == size.1, "\(entry.path)")
            #expect(
                png.pixelBytes == size.1 * (1 + (size.0 + 7) / 8), "\(entry.path): one filter byte and 1 bit a pixel")
        }
    }

    @Test func largeImagesSpanSeveralStoredBlocks() throws {
        // 1024 × 1024 at 1 bit is 132,096 bytes of scanlines: three STORED blocks.
        let png = try #require(MinimalPNG.checkerboard(width: 1024, height: 1024))
        let checked = try #require(checkedPNG(png))
        #expect(checked.width == 1024 && checked.pixelBytes == 1024 * 129)
        #expect(MinimalPNG.checkerboard(width: 0, height: 8) == nil)
    }

    @Test func otherFormatsAndDatasetsAreUnchanged() async throws {
        let avala = AvalaSimulator(pollsToComplete: 1)
        let source = avala.seedAnnotatedSource()
        guard case .dataset(let annotated) = source else {
            Issue.record("expected a dataset source, got \(source)")
            return
        }
        #expect(annotated.rawValue == "sim-org/seeded-annotations")
        let native = try await download(source, format: nil, from: avala)
        #expect(native.map(\.path) == ["seeded-annotations.json"])

        let plain = DatasetRef(rawValue: avala.seedDataset(named: "plain", itemCount: 5))
        let yolo = try await download(.dataset(plain), format: .yolo, from: avala)
        #expect(yolo.first?.path == "data.yaml" && yolo.count == 6)
        #expect(yolo.allSatisfy { !$0.path.hasPrefix("images/") })
    }
}

/// What a PNG's header says, once every chunk CRC, the zlib stream and its Adler-32 have
/// been checked with the system zlib (independent of the simulator's own checksums).
private struct CheckedPNG {
    var width: Int
    var height: Int
    /// The size of the inflated `IDAT` data.
    var pixelBytes: Int
}

/// `data` checked as the 1-bit grayscale checkerboard PNG with one `IDAT`; `nil` when anything is wrong.
private func checkedPNG(_ data: Data) -> CheckedPNG? {
    let bytes = [UInt8](data)
    guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return nil }
    func be32(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
    var offset = 8
    var chunks: [(type: String, body: [UInt8])] = []
    while offset + 12 <= bytes.count {
        let length = be32(offset)
        guard offset + 12 + length <= bytes.count else { return nil }
        let typed = Array(bytes[(offset + 4)..<(offset + 8 + length)])
        let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        guard Int(crc) == be32(offset + 8 + length) else { return nil }
        chunks.append((String(decoding: typed.prefix(4), as: UTF8.self), Array(typed.dropFirst(4))))
        offset += 12 + length
    }
    guard offset == bytes.count, chunks.map(\.type) == ["IHDR", "IDAT", "IEND"], chunks[0].body.count == 13
    else { return nil }
    let header = chunks[0].body
    guard header[8...] == [1, 0, 0, 0, 0] else { return nil }
    let width = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
    let height = header[4..<8].reduce(0) { $0 << 8 | Int($1) }
    let stream = chunks[1].body
    var inflated = [UInt8](repeating: 0xAA, count: height * (1 + (width + 7) / 8) + 16)
    var inflatedCount = uLongf(inflated.count)
    // `uncompress` fails on a bad zlib header, a malformed block or a wrong Adler-32.
    let status = stream.withUnsafeBufferPointer { source in
        inflated.withUnsafeMutableBufferPointer { target in
            uncompress(target.baseAddress, &inflatedCount, source.baseAddress, uLong(source.count))
        }
    }
    guard status == Z_OK else { return nil }
    let pixels = Array(inflated.prefix(Int(inflatedCount)))
    let adler = pixels.withUnsafeBufferPointer { adler32(1, $0.baseAddress, uInt($0.count)) }
    guard Int(adler) == stream.suffix(4).reduce(0, { $0 << 8 | Int($1) }),
        pixels == checkerboardScanlines(width: width, height: height)
    else {
        return nil
    }
    return CheckedPNG(width: width, height: height, pixelBytes: pixels.count)
}

/// The scanlines of an 8 × 8 checkerboard with a white top-left square, one filter byte (0)
/// a row: the picture the simulators promise, stated independently of them.
private func checkerboardScanlines(width: Int, height: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    for row in 0..<height {
        bytes.append(0)
        for x in stride(from: 0, to: width, by: 8) { bytes.append((row / 8 + x / 8) % 2 == 0 ? 0xFF : 0x00) }
    }
    return bytes
}
