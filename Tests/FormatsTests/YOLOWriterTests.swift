import ExportGateway
import Foundation
import Testing

/// Writing YOLO datasets: the reference dataset round trip, the row format Ultralytics and
/// datumaro both read, class index stability, clamping, segment rows and refusals.
@Suite struct YOLOWriterTests {
    /// A destination that does not exist yet, under a folder the caller removes.
    static func destination() throws -> (parent: URL, destination: URL) {
        let parent = try YOLOReaderTests.temporaryFolder()
        return (parent, parent.appendingPathComponent("out"))
    }

    /// Every label row under `folder`, by label path.
    static func rows(in folder: URL) throws -> [String: [String]] {
        let files = try FolderFiles(root: folder)
        var rows: [String: [String]] = [:]
        for path in files.paths where path.hasPrefix("labels/") {
            let text = String(decoding: try files.contents(of: path), as: UTF8.self)
            rows[path] = text.split(separator: "\n").map(String.init)
        }
        return rows
    }

    /// Writes `items` and returns the summary.
    static func write(
        _ items: [AnnotatedItem], to destination: URL, classes: [String] = ReferenceDataset.classes,
        task: YOLOWriter.Task = .detect
    ) throws -> AnnotationWriteSummary {
        var writer = try YOLOWriter(destination: destination, classes: classes, task: task)
        for item in items { try writer.write(item, image: nil) }
        return try writer.finish()
    }

    @Test func theReferenceDatasetReadsBackWithTheSameBoxes() throws {
        let (parent, destination) = try Self.destination()
        defer { try? FileManager.default.removeItem(at: parent) }
        let summary = try Self.write(ReferenceDataset.items, to: destination)
        #expect(summary.items == 12)
        #expect(summary.annotations == 19)
        #expect(summary.adjusted["polygon written as its bounding box"] == 2)
        #expect(summary.skipped.values.reduce(0, +) == 2)
        #expect(summary.classes == ReferenceDataset.classes)

        let sizes = Dictionary(uniqueKeysWithValues: ReferenceDataset.items.map { ($0.id.rawValue, $0.imageSize) })
        let (classes, items) = try YOLOReaderTests.readAll(FolderFiles(root: destination)) { sizes[$0] ?? nil }
        #expect(classes == ReferenceDataset.classes)
        #expect(items.count == 12)
        for item in items {
            let reference = try #require(ReferenceDataset.items.first { $0.id == item.id })
            #expect(item.subset == reference.subset)
            let expected = reference.annotations.compactMap { annotation -> (String?, Box)? in
                switch annotation.geometry {
                case .box, .polygon: annotation.geometry.boundingBox.map { (annotation.label, $0) }
                default: nil
                }
            }
            #expect(item.annotations.count == expected.count, "\(item.id)")
            for (annotation, (label, box)) in zip(item.annotations, expected) {
                #expect(annotation.label == label)
                let read = try #require(annotation.geometry.boundingBox)
                #expect(abs(read.x - box.x) < 0.01 && abs(read.y - box.y) < 0.01, "\(item.id) \(read) \(box)")
                #expect(abs(read.width - box.width) < 0.01 && abs(read.height - box.height) < 0.01)
            }
        }
    }

    @Test func everyDetectRowIsFixedPointWithSingleSpacesAndValuesInTheUnitRange() throws {
        let (parent, destination) = try Self.destination()
        defer { try? FileManager.default.removeItem(at: parent) }
        _ = try Self.write(ReferenceDataset.items, to: destination)
        let rows = try Self.rows(in: destination)
        #expect(rows.count == 12)
        let pattern = try Regex(#"^\d+ (\d\.\d{6} ){3}\d\.\d{6}$"#)
        for (path, lines) in rows {
            for line in lines {
                #expect(line.wholeMatch(of: pattern) != nil, "\(path): \(line)")
                let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
                #expect(values.count == 4 && values.allSatisfy { (0...1).contains($0) })
            }
        }
        let text = try String(
            contentsOf: destination.appendingPathComponent("labels/train/city/0001.txt"), encoding: .utf8)
        #expect(text.hasPrefix("0 0.093750 0.500000 0.187500 0.166667\n1 0.484375 0.145833 0.031250 0.125000\n"))
        let empty = try Data(contentsOf: destination.appendingPathComponent("labels/train/empty_0004.txt"))
        #expect(empty.isEmpty)
    }

    @Test func dataYAMLNamesEveryClassByIndexWithTrainAndVal() throws {
        let (parent, destination) = try Self.destination()
        defer { try? FileManager.default.removeItem(at: parent) }
        _ = try Self.write(
            ReferenceDataset.items, to: destination, classes: ["car", "traffic light", "vélo", "person", "yes"])
        let yaml = try String(contentsOf: destination.appendingPathComponent("data.yaml"), encoding: .utf8)
        let lines = yaml.split(separator: "\n").map(String.init)
        #expect(lines.contains("train: images/train"))
        #expect(lines.contains("val: images/val"))
        #expect(lines.contains("nc: 5"))
        #expect(lines.contains("  0: car") && lines.contains("  1: traffic light") && lines.contains("  2: vélo"))
        #expect(lines.contains("  3: person") && lines.contains("  4: 'yes'"))
        let (classes, _) = try YOLOReaderTests.readAll(FolderFiles(root: destination))
        #expect(classes == ["car", "traffic light", "vélo", "person", "yes"])
    }

    @Test func withoutAValSubsetValNamesTheTrainImagesAndItemsAreReadOnce() throws {
        let (parent, destination) = try Self.destination()
        defer { try? FileManager.default.removeItem(at: parent) }
        var items = ReferenceDataset.items.filter { $0.subset == "train" }
        items[0].subset = nil
        _ = try Self.write(items, to: destination)
        let yaml = try String(contentsOf: destination.appendingPathComponent("data.yaml"), encoding: .utf8)
        #expect(yaml.contains("\nval: images/train\n"))
        let (_, read) = try YOLOReaderTests.readAll(FolderFiles(root: destination))
        #expect(read.count == 9)
        #expect(read.allSatisfy { $0.subset == "train" })
    }

    @Test func unusedClassesKeepTheirIndexAndNewOnesAreAppended() throws {
        let (parent, destination) = try Self.destination()
        defer { try? FileManager.default.removeItem(at: parent) }
        let item = AnnotatedItem(
            id: "a", key: "a.jpg", imageSize: ImageSize(width: 100, height: 100),
            annotations: [
                Annotation(label: "truck", geometry: .box(Box(x: 10, y: 10, width: 20, height: 20))),
                Annotation(label: "car", geometry: .box(Box(x: 10, y: 10, width: 20, height: 20))),
            ])
        let summary = try Self.write([item], to: destination, classes: ["bus", "car"])
        #expect(summary.classes == ["bus", "car", "truck"])
        let rows = try Self.rows(in: destination)
        #expect(
            rows["labels/train/a.txt"] == [
                "2 0.200000 0.200000 0.200000 0.200000", "1 0.200000 0.200000 0.200000 0.200000",
            ])
        let (classes, _) = try YOLOReaderTests.readAll(FolderFiles(root: destination))
        #expect(classes == ["bus", "car", "truck"])
    }

    @Test func aBoxOutsideTheImageIsClampedAndCounted() throws {
        let (parent, destination) = try Self.destination()
        defer { try? FileManager.default.removeItem(at: parent) }
        let item = AnnotatedItem(
            id: "a", key: "a.jpg", imageSize: ImageSize(width: 100, height: 50),
            annotations: [
                Annotation(label: "car", geometry: .box(Box(x: -10, y: 30, width: 60, height: 40))),
                Annotation(label: "car", geometry: .box(Box(x: 200, y: 0, width: 10, height: 10))),
                Annotation(label: "car", geometry: .keypoints([Keypoint(point: Point(x: 1, y: 1))])),
            ])
        let summary = try Self.write([item], to: destination, classes: ["car"])
        #expect(summary.adjusted["box clamped to the image"] == 1)
        #expect(summary.skipped["box outside the image"] == 1)
        #expect(summary.skipped.keys.contains { $0.hasPrefix("keypoints") })
        #expect(summary.annotations == 1)
        #expect(try Self.rows(in: destination)["labels/train/a.txt"] == ["0 0.250000 0.800000 0.500000 0.400000"])
    }

    @Test func segmentRowsAreClippedPolygonsAndBoxesBecomeFourCorners() throws {
        let (parent, destination) = try Self.destination()
        defer { try? FileManager.default.removeItem(at: parent) }
        let item = AnnotatedItem(
            id: "a", key: "a.jpg", imageSize: ImageSize(width: 100, height: 100),
            annotations: [
                Annotation(label: "car", geometry: .box(Box(x: 10, y: 20, width: 30, height: 40))),
                Annotation(
                    label: "car",
                    geometry: .polygon([[Point(x: 50, y: 50), Point(x: 150, y: 50), Point(x: 50, y: 80)]])),
                Annotation(
                    label: "car",
                    geometry: .polygon([[Point(x: 150, y: 50), Point(x: 180, y: 50), Point(x: 160, y: 80)]])),
            ])
        let summary = try Self.write([item], to: destination, classes: ["car"], task: .segment)
        #expect(summary.adjusted["polygon clipped to the image"] == 1)
        #expect(summary.skipped["polygon with fewer than 3 points inside the image"] == 1)
        let rows = try #require(try Self.rows(in: destination)["labels/train/a.txt"])
        #expect(
            rows == [
                "0 0.100000 0.200000 0.400000 0.200000 0.400000 0.600000 0.100000 0.600000",
                "0 0.500000 0.500000 1.000000 0.500000 1.000000 0.650000 0.500000 0.800000",
            ])
        var reader = try YOLOReader(files: FolderFiles(root: destination)) { _ in ImageSize(width: 100, height: 100) }
        let read = try #require(try reader.next())
        #expect(read.annotations.first?.geometry.boundingBox == Box(x: 10, y: 20, width: 30, height: 40))
    }

    @Test func aPixelItemWithoutASizeIsUnsupportedAndNormalizedOnesAreWrittenAsTheyAre() throws {
        let (parent, destination) = try Self.destination()
        defer { try? FileManager.default.removeItem(at: parent) }
        var writer = try YOLOWriter(destination: destination, classes: ["car"])
        let box = Annotation(label: "car", geometry: .box(Box(x: 0.25, y: 0.25, width: 0.5, height: 0.5)))
        let error = try #require(throws: GatewayError.self) {
            try writer.write(AnnotatedItem(id: "sizeless", annotations: [box]), image: nil)
        }
        #expect(error.kind == .unsupported)
        #expect(error.message.contains("sizeless"))
        try writer.write(AnnotatedItem(id: "n", units: .normalized, annotations: [box]), image: nil)
        _ = try writer.finish()
        #expect(try Self.rows(in: destination)["labels/train/n.txt"] == ["0 0.500000 0.500000 0.500000 0.500000"])
        #expect(throws: GatewayError.self) { try writer.write(AnnotatedItem(id: "late"), image: nil) }
    }

    @Test func imagesAreCopiedBesideTheirLabelsAndGiveTheSize() throws {
        let (parent, destination) = try Self.destination()
        defer { try? FileManager.default.removeItem(at: parent) }
        let fixture = try FormatFixtures.files(.yolo)
        var writer = try YOLOWriter(destination: destination, classes: ReferenceDataset.classes)
        var item = try #require(ReferenceDataset.items.first { $0.id == "tiny_33x17" })
        item.imageSize = nil
        try writer.write(item, image: DatasetImage(files: fixture, path: "images/train/tiny_33x17.png"))
        _ = try writer.finish()
        let copied = try Data(contentsOf: destination.appendingPathComponent("images/train/tiny_33x17.png"))
        #expect(copied == (try fixture.contents(of: "images/train/tiny_33x17.png")))
        let (_, items) = try YOLOReaderTests.readAll(FolderFiles(root: destination))
        #expect(items.first?.imageSize == ImageSize(width: 33, height: 17))
        YOLOReaderTests.expectReferenceBoxes(try #require(items.first))
    }

    @Test func aDestinationHoldingFilesIsRefused() throws {
        let (parent, destination) = try Self.destination()
        defer { try? FileManager.default.removeItem(at: parent) }
        try YOLOReaderTests.put(Data("keep".utf8), "out/notes.txt", in: parent)
        let error = try #require(throws: GatewayError.self) { _ = try YOLOWriter(destination: destination) }
        #expect(error.kind == .localFile)
    }
}
