import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// Recognizing a dataset's format from its files, opening a folder, an archive or a lone file
/// alike, and writing a sequence of items with nothing left behind when it fails.
@Suite struct AnnotationFormatTests {
    @Test(arguments: AnnotationFormat.allCases)
    func eachFixtureFolderIsRecognizedAsItsFormat(_ format: AnnotationFormat) throws {
        #expect(AnnotationFormat.detect(in: try FormatFixtures.files(format)) == format)
    }

    @Test func aFolderWithNoAnnotationFilesIsRecognizedAsNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-plain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("hello".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        #expect(AnnotationFormat.detect(in: try FolderFiles(root: folder)) == nil)
    }

    @Test func anArchiveIsReadInPlaceLikeTheFolderItWasMadeFrom() throws {
        let folder = try FormatFixtures.files(.yolo)
        let entries = try folder.paths.map { ZipArchive.Entry(path: $0, contents: try folder.contents(of: $0)) }
        let archive = FileManager.default.temporaryDirectory.appendingPathComponent("eg-yolo-\(UUID().uuidString).zip")
        try ZipArchive.make(entries).write(to: archive)
        defer { try? FileManager.default.removeItem(at: archive) }

        let files = try AnnotationFormat.files(at: archive)
        #expect(files.paths == folder.paths)
        var fromArchive = try AnnotationFormat.yolo.reader(for: files)
        var fromFolder = try AnnotationFormat.yolo.reader(for: folder)
        while let expected = try fromFolder.next() {
            #expect(try fromArchive.next() == expected)
        }
        #expect(try fromArchive.next() == nil)
    }

    @Test func aLoneCOCOFileIsReadWithoutListingItsFolder() throws {
        let json = FormatFixtures.root.appendingPathComponent("coco/annotations/instances_val.json")
        let files = try AnnotationFormat.files(at: json)
        #expect(files.paths == ["instances_val.json"])
        var reader = try AnnotationFormat.coco.reader(for: files)
        var count = 0
        while try reader.next() != nil { count += 1 }
        #expect(count == 3)
    }

    @Test func aMissingPathIsALocalFileError() throws {
        let error = try #require(throws: GatewayError.self) {
            try AnnotationFormat.files(at: URL(fileURLWithPath: "/nonexistent/eg-\(UUID().uuidString)"))
        }
        #expect(error.kind == .localFile)
    }

    @Test func aSequenceThatFailsHalfwayLeavesNoFolderBehind() async throws {
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("eg-half-\(UUID().uuidString)")
        let items = ReferenceDataset.items
        let failing = AsyncThrowingStream<AnnotatedItem, any Error> { continuation in
            continuation.yield(items[0])
            continuation.yield(items[1])
            continuation.finish(throwing: GatewayError(.transport, message: "connection lost"))
        }
        await #expect(throws: GatewayError.self) { try await failing.write(as: .coco, to: destination) }
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        let siblings = try FileManager.default.contentsOfDirectory(atPath: destination.deletingLastPathComponent().path)
        #expect(!siblings.contains { $0.hasPrefix(".\(destination.lastPathComponent).partial") })
    }

    @Test(arguments: AnnotationFormat.allCases)
    func writingASequenceGivesBackTheSameBoxes(_ format: AnnotationFormat) async throws {
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("eg-seq-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: destination) }
        let items = AsyncStream<AnnotatedItem> { continuation in
            for item in ReferenceDataset.items { continuation.yield(item) }
            continuation.finish()
        }
        let summary = try await items.write(as: format, to: destination, classes: ReferenceDataset.classes)
        #expect(summary.items == 12)
        #expect(Array(summary.classes.prefix(4)) == ReferenceDataset.classes)
        let files = try FolderFiles(root: destination)
        // Without the images, YOLO coordinates come back in pixels only with the sizes given.
        let sizes = Dictionary(uniqueKeysWithValues: ReferenceDataset.items.map { ($0.id.rawValue, $0.imageSize) })
        var reader: any AnnotationReader =
            format == .yolo
            ? try YOLOReader(files: files, imageSizes: { sizes[DatasetPath.stem($0)] ?? nil })
            : try format.reader(for: files)
        var boxes: [String: [Box]] = [:]
        while let item = try reader.next() {
            boxes[item.id.rawValue] = item.annotations.compactMap {
                if case .box(let box) = $0.geometry { return box }
                return nil
            }
        }
        // YOLO keeps six decimals of a fraction: within 0.01 px of the original.
        let car = Box(x: 100, y: 600, width: 400, height: 300)
        let near = { (box: Box) in
            abs(box.x - car.x) < 0.01 && abs(box.y - car.y) < 0.01 && abs(box.width - car.width) < 0.01
                && abs(box.height - car.height) < 0.01
        }
        #expect(boxes["city/0002"]?.contains(where: near) == true)
        #expect(boxes.count == 12)
    }
}
