import CZlib
import ExportGateway
import ExportGatewayPictograph
import ExportGatewayTesting
import Foundation
import Testing

/// Pictograph delivers annotations as a ZIP in the requested format: the adapter asks for
/// `coco`, and the simulator's annotated dataset exports the seeded boxes and polygons as one
/// standard COCO instances file, read here through the gateway as a user would download it.
@Suite struct PictographAnnotationFileTests {
    /// The ZIP of an export of `source`, created, waited on (virtual clock) and downloaded.
    private func download(
        _ source: ExportSource, format: ExportFormat, includeMedia: Bool = false, from pictograph: Pictograph
    ) async throws -> [ZipArchive.Entry] {
        let gateway = pictograph.gateway()
        let created = try await gateway.createExport(
            ExportRequest(source: source, name: "annotations", format: format, includeMedia: includeMedia))
        let ready = try await gateway.wait(for: created, timeout: .seconds(120))
        try #require(ready.status == .completed)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("annotations.zip")
        try await gateway.download(ready, to: destination)
        return try #require(ZipArchive.entries(of: try Data(contentsOf: destination)))
    }

    @Test func adapterReadsAnnotationsFromACOCOFile() {
        let route = AnnotationRoute.file(request: .coco, reads: .coco)
        #expect(PictographProvider().annotationRoute == route)
        #expect(PictographSimulator.provider.makeProvider().annotationRoute == route)
    }

    @Test func cocoExportOfTheAnnotatedDatasetIsTheSeed() async throws {
        let pictograph = Pictograph(pollsToComplete: 2)
        _ = pictograph.dataset("before", items: 3)
        let entries = try await download(pictograph.simulator.seedAnnotatedSource(), format: .coco, from: pictograph)
        #expect(entries.map(\.path) == ["annotations.json"])
        #expect(try pictograph.createBody()["format"] == "coco")
        let document = try JSONValue(parsing: try #require(entries.first).contents)

        #expect(
            document["images"]
                == [
                    ["id": 1, "file_name": "city/0001.png", "width": 256, "height": 128],
                    ["id": 2, "file_name": "city/0002.png", "width": 256, "height": 256],
                    ["id": 3, "file_name": "0003.png", "width": 128, "height": 64],
                    ["id": 4, "file_name": "empty_0004.png", "width": 64, "height": 64],
                    ["id": 5, "file_name": "street/0005.png", "width": 256, "height": 128],
                ])
        #expect(
            document["categories"]?.arrayValue?.map { [$0["id"], $0["name"]] }
                == [[1, "car"], [2, "traffic light"], [3, "vélo"], [4, "person"]])

        func box(_ id: Int64, _ image: Int64, _ category: Int64, _ bbox: [Int64], area: Int64) -> JSONValue {
            [
                "id": .int(id), "image_id": .int(image), "category_id": .int(category),
                "bbox": .array(bbox.map(JSONValue.int)), "area": .int(area), "iscrowd": 0, "segmentation": [],
            ]
        }
        func polygon(
            _ id: Int64, _ image: Int64, _ category: Int64, _ bbox: [Int64], area: Int64, _ ring: [Int64]
        ) -> JSONValue {
            [
                "id": .int(id), "image_id": .int(image), "category_id": .int(category),
                "bbox": .array(bbox.map(JSONValue.int)), "area": .int(area), "iscrowd": 0,
                "segmentation": [.array(ring.map(JSONValue.int))],
            ]
        }
        let expected: [JSONValue] = [
            box(1, 1, 1, [0, 64, 64, 32], area: 2048),
            box(2, 1, 2, [128, 8, 16, 40], area: 640),
            polygon(3, 1, 3, [152, 40, 56, 56], area: 2688, [160, 40, 200, 40, 208, 96, 152, 96]),
            box(4, 2, 1, [16, 128, 96, 64], area: 6144),
            box(5, 2, 4, [200, 160, 56, 96], area: 5376),
            box(6, 2, 2, [96, 96, 8, 8], area: 64),
            box(7, 3, 3, [8, 8, 40, 32], area: 1280),
            polygon(8, 5, 1, [8, 16, 88, 64], area: 3968, [16, 16, 80, 16, 96, 48, 48, 80, 8, 56]),
            box(9, 5, 1, [136, 24, 32, 96], area: 3072),
        ]
        let annotations = try #require(document["annotations"]?.arrayValue)
        #expect(annotations.count == expected.count)
        for (annotation, wanted) in zip(annotations, expected) { #expect(annotation == wanted) }
    }

    @Test func exportAnnouncesTheSeededCounts() async throws {
        let pictograph = Pictograph(pollsToComplete: 1)
        let gateway = pictograph.gateway()
        let created = try await gateway.createExport(
            ExportRequest(source: pictograph.simulator.seedAnnotatedSource(), format: .coco))
        _ = try await gateway.wait(for: created, timeout: .seconds(60))
        let answer = try #require(
            pictograph.recorder.exchanges.last { $0.request.url.path.hasSuffix(created.id.rawValue) }?.response)
        let data = try JSONValue(parsing: answer.body)["data"]
        #expect(data?["image_count"] == 5 && data?["annotation_count"] == 9)
    }

    @Test func includedImagesAreValidPNGsOfTheSeededSizes() async throws {
        let pictograph = Pictograph(pollsToComplete: 1)
        let entries = try await download(
            pictograph.simulator.seedAnnotatedSource(), format: .coco, includeMedia: true, from: pictograph)
        #expect(
            entries.map(\.path) == [
                "annotations.json", "images/city/0001.png", "images/city/0002.png", "images/0003.png",
                "images/empty_0004.png", "images/street/0005.png",
            ])
        let sizes = [(256, 128), (256, 256), (128, 64), (64, 64), (256, 128)]
        for (entry, size) in zip(entries.dropFirst(), sizes) {
            let png = try #require(checkedPNG(entry.contents), "\(entry.path) is not a valid PNG")
            #expect(png.width == size.0 && png.height == size.1, "\(entry.path)")
        }
    }

    @Test func otherFormatsAndDatasetsAreUnchanged() async throws {
        let pictograph = Pictograph(pollsToComplete: 1)
        let source = pictograph.simulator.seedAnnotatedSource()
        #expect(source == .dataset("seeded annotations"))
        let yolo = try await download(source, format: .yolo, from: pictograph)
        #expect(yolo.map(\.path).contains("labels/image_000000.txt"))

        let plain = try await download(.dataset(pictograph.dataset("plain", items: 4)), format: .coco, from: pictograph)
        let document = try JSONValue(parsing: try #require(plain.first { $0.path == "annotations.json" }).contents)
        #expect(document["images"]?[0]?["file_name"] == "image_000000.jpg")
        #expect(document["categories"]?.arrayValue?.count == 6)
    }
}

/// A PNG's stated size, once every chunk CRC, the zlib stream and its Adler-32 have been
/// checked with the system zlib (independent of the simulator's own checksums).
private struct CheckedPNG {
    var width: Int
    var height: Int
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
    guard offset == bytes.count, chunks.map(\.type) == ["IHDR", "IDAT", "IEND"], chunks[0].body.count == 13,
        chunks[0].body[8...] == [1, 0, 0, 0, 0]
    else { return nil }
    let width = chunks[0].body[0..<4].reduce(0) { $0 << 8 | Int($1) }
    let height = chunks[0].body[4..<8].reduce(0) { $0 << 8 | Int($1) }
    let expected = height * (1 + (width + 7) / 8)
    var inflated = [UInt8](repeating: 0xAA, count: expected + 16)
    var inflatedCount = uLongf(inflated.count)
    // `uncompress` fails on a bad zlib header, a malformed block or a wrong Adler-32.
    let status = chunks[1].body.withUnsafeBufferPointer { source in
        inflated.withUnsafeMutableBufferPointer { target in
            uncompress(target.baseAddress, &inflatedCount, source.baseAddress, uLong(source.count))
        }
    }
    guard status == Z_OK, Int(inflatedCount) == expected,
        Array(inflated.prefix(expected)) == checkerboardScanlines(width: width, height: height)
    else {
        return nil
    }
    return CheckedPNG(width: width, height: height)
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
