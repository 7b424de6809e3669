import ExportGateway
import Foundation
import Testing

/// Writing COCO, and reading back what was written.
@Suite struct COCOWriterTests {
    /// Writes `items` into a new folder under `parent` and returns the folder and summary.
    static func write(
        _ items: [AnnotatedItem], classes: [String] = ReferenceDataset.classes, in parent: COCOTemporaryFolder,
        images: (AnnotatedItem) -> DatasetImage? = { _ in nil }
    ) throws -> (URL, AnnotationWriteSummary) {
        let destination = parent.url.appendingPathComponent("out")
        var writer = try COCOWriter(destination: destination, classes: classes)
        for item in items { try writer.write(item, image: images(item)) }
        return (destination, try writer.finish())
    }

    static func json(_ url: URL) throws -> JSONValue { try JSONValue(parsing: Data(contentsOf: url)) }

    @Test func roundTripMatchesWhatTheFixtureReads() throws {
        let parent = try COCOTemporaryFolder()
        let (destination, summary) = try Self.write(ReferenceDataset.items, in: parent)
        #expect(summary.items == 12)
        #expect(summary.annotations == 20)  // 17 boxes, 2 polygons, 1 keypoints
        #expect(summary.skipped == ["image-level label (COCO instances has no place for one)": 1])
        let (classes, items) = try COCOReaderTests.readAll(FolderFiles(root: destination))
        let (fixtureClasses, fixtureItems) = try COCOReaderTests.readAll(FormatFixtures.files(.coco))
        #expect(classes == fixtureClasses)
        #expect(items.map(\.id) == fixtureItems.map(\.id))
        #expect(items.map(\.key) == fixtureItems.map(\.key))
        #expect(items.map(\.subset) == fixtureItems.map(\.subset))
        #expect(items.map(\.imageSize) == fixtureItems.map(\.imageSize))
        for (item, fixture) in zip(items, fixtureItems) {
            let shapes = item.annotations.filter { if case .keypoints = $0.geometry { false } else { true } }
            try #require(shapes.count == fixture.annotations.count, "\(item.id)")
            for (written, read) in zip(shapes, fixture.annotations) {
                #expect(written.label == read.label)
                #expect(written.attributes == read.attributes)
                switch (written.geometry, read.geometry) {
                case (.box(let a), .box(let b)): #expect(COCOReaderTests.close(a, b))
                case (.polygon(let a), .polygon(let b)): #expect(a == b)
                default: Issue.record("\(item.id): \(written.geometry) against \(read.geometry)")
                }
            }
        }
        let street = try #require(items.first { $0.id == "street/0005" })
        let points = street.annotations.compactMap { if case .keypoints(let p) = $0.geometry { p } else { nil } }
        #expect(points.first?.map(\.point) == [Point(x: 750, y: 220), Point(x: 730, y: 300), Point(x: 770, y: 300)])
        #expect(points.first?.map(\.name) == ["1", "2", "3"])
    }

    @Test func writesUniqueIdsCategoriesAreaAndIscrowd() throws {
        let parent = try COCOTemporaryFolder()
        let (destination, _) = try Self.write(ReferenceDataset.items, in: parent)
        var imageIDs: [Int64] = [], annotationIDs: [Int64] = []
        for subset in ["train", "val"] {
            let file = destination.appendingPathComponent("annotations/instances_\(subset).json")
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.contains("\"vélo\""))
            let json = try Self.json(file)
            let categories = try #require(json["categories"]?.arrayValue)
            #expect(categories.compactMap { $0["id"]?.intValue } == [1, 2, 3, 4])
            #expect(categories.compactMap { $0["name"]?.stringValue } == ReferenceDataset.classes)
            #expect(categories.allSatisfy { $0["supercategory"] == "" })
            imageIDs += try #require(json["images"]?.arrayValue).compactMap { $0["id"]?.intValue }
            for annotation in try #require(json["annotations"]?.arrayValue) {
                annotationIDs += [annotation["id"]?.intValue ?? 0]
                #expect(annotation["iscrowd"] == .int(0))
                #expect(annotation["area"]?.doubleValue != nil)
                #expect(annotation["bbox"]?.arrayValue?.compactMap(\.doubleValue).count == 4)
                #expect(annotation["segmentation"]?.arrayValue != nil)
            }
        }
        #expect(imageIDs.count == 12 && Set(imageIDs).count == 12 && imageIDs.allSatisfy { $0 > 0 })
        #expect(annotationIDs.count == 20 && Set(annotationIDs).count == 20 && annotationIDs.allSatisfy { $0 > 0 })
        let train = try Self.json(destination.appendingPathComponent("annotations/instances_train.json"))
        let polygon = try #require(train["annotations"]?.arrayValue?.first { $0["id"] == .int(3) })
        #expect(polygon["segmentation"] == [[400, 300, 520, 300, 560, 420, 380, 440]])
        #expect(polygon["bbox"] == [380, 300, 180, 140])
        #expect(polygon["area"] == .int(19600))  // shoelace; pycocotools rasterises to 19620
    }

    @Test func keepsUnusedClassesInOrderAndAppendsNewOnes() throws {
        let parent = try COCOTemporaryFolder()
        let item = AnnotatedItem(
            id: "a", key: "a.png", imageSize: ImageSize(width: 10, height: 10),
            annotations: [
                Annotation(label: "zebra", geometry: .box(Box(x: 1.5, y: 0.1234567, width: 2, height: 1e-7))),
                Annotation(
                    label: "zebra", geometry: .box(Box(x: 12_345_678_901_234.75, y: -4e-7, width: 1e20, height: -2.5))),
            ])
        let (destination, summary) = try Self.write([item], classes: ["b", "a"], in: parent)
        #expect(summary.classes == ["b", "a", "zebra"])
        let file = destination.appendingPathComponent("annotations/instances_default.json")
        let json = try Self.json(file)
        #expect(json["categories"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["b", "a", "zebra"])
        #expect(json["annotations"]?[0]?["category_id"] == .int(3))
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(#""bbox":[1.5,0.123457,2,0]"#))
        #expect(text.contains(#""bbox":[12345678901235,0,100000000000000000000,-2.5]"#))
    }

    @Test func reportsWhatCOCOCannotHold() throws {
        let parent = try COCOTemporaryFolder()
        let item = AnnotatedItem(
            id: "a", key: "a.png", imageSize: ImageSize(width: 10, height: 10),
            annotations: [
                Annotation(label: "road", geometry: .polyline([Point(x: 0, y: 0), Point(x: 1, y: 1)])),
                Annotation(label: "hole", geometry: .polygon([[Point(x: 0, y: 0), Point(x: 1, y: 1)]])),
                Annotation(
                    label: "ring",
                    geometry: .polygon([
                        [Point(x: 0, y: 0), Point(x: 4, y: 0), Point(x: 4, y: 4), Point(x: 0, y: 4)],
                        [Point(x: 1, y: 1), Point(x: 2, y: 1), Point(x: 2, y: 2), Point(x: 1, y: 2)],
                    ])),
                Annotation(
                    label: "blob",
                    geometry: .mask(.cocoCompressedRLE("04P3", size: ImageSize(width: 10, height: 10)))),
                Annotation(
                    label: "spin",
                    geometry: .rotatedBox(
                        RotatedBox(centerX: 5, centerY: 5, width: 2, height: 2, degreesClockwise: 90)), confidence: 0.25
                ),
            ])
        let (destination, summary) = try Self.write([item], classes: [], in: parent)
        #expect(summary.skipped["polyline (COCO instances has no lines)"] == 1)
        #expect(summary.skipped["polygon with fewer than 3 points"] == 1)
        #expect(summary.adjusted.values.reduce(0, +) == 1)
        #expect(summary.annotations == 3)
        let json = try Self.json(destination.appendingPathComponent("annotations/instances_default.json"))
        let annotations = try #require(json["annotations"]?.arrayValue)
        #expect(annotations[0]["area"] == .int(15))
        #expect(annotations[1]["iscrowd"] == .int(1))
        #expect(annotations[1]["area"] == .int(4))
        #expect(annotations[1]["bbox"] == [0, 0, 1, 4])
        #expect(annotations[2]["score"] == .double(0.25))
        #expect(annotations[2]["segmentation"]?[0]?.arrayValue?.count == 8)
    }

    @Test func copiesImagesWhenGiven() throws {
        let parent = try COCOTemporaryFolder()
        let fixture = try FormatFixtures.files(.coco)
        var reader = try COCOReader(files: fixture)
        var items: [AnnotatedItem] = []
        var sources: [ItemID: DatasetImage] = [:]
        while let item = try reader.next() {
            items.append(item)
            sources[item.id] = reader.imagePath(for: item).map { DatasetImage(files: fixture, path: $0) }
        }
        let (destination, _) = try Self.write(items, in: parent) { sources[$0.id] }
        let written = try FolderFiles(root: destination)
        for path in fixture.paths where path.hasPrefix("images/") {
            #expect(written.contains(path), "\(path)")
            #expect(try written.contents(of: path) == fixture.contents(of: path))
        }
        var again = try COCOReader(files: written)
        let first = try #require(try again.next())
        #expect(again.imagePath(for: first) == "images/train/city/0001.jpg")
    }

    @Test func refusesANonEmptyDestinationAndLeavesItAlone() throws {
        let parent = try COCOTemporaryFolder()
        try parent.write("out/keep.txt", "mine")
        #expect {
            _ = try COCOWriter(destination: parent.url.appendingPathComponent("out"))
        } throws: { ($0 as? GatewayError)?.kind == .localFile }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.url.path) == ["out"])
        #expect(
            try String(contentsOf: parent.url.appendingPathComponent("out/keep.txt"), encoding: .utf8) == "mine")
    }

    @Test func aFailingItemLeavesNothingAtTheDestination() throws {
        let parent = try COCOTemporaryFolder()
        let destination = parent.url.appendingPathComponent("out")
        var writer = try COCOWriter(destination: destination, classes: ReferenceDataset.classes)
        try writer.write(ReferenceDataset.items[0], image: nil)
        var normalized = ReferenceDataset.items[1]
        normalized.units = .normalized
        #expect {
            try writer.write(normalized, image: nil)
        } throws: { error in
            guard let error = error as? GatewayError else { return false }
            return error.kind == .unsupported && error.message.contains("city/0002")
        }
        #expect(throws: GatewayError.self) { _ = try writer.finish() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.url.path).isEmpty)
    }

    @Test func anImageWithoutSizeAndNothingOnItIsLeftOutAndReported() throws {
        let parent = try COCOTemporaryFolder()
        var writer = try COCOWriter(destination: parent.url.appendingPathComponent("out"))
        try writer.write(AnnotatedItem(id: "empty", key: "empty.jpg"), image: nil)
        let summary = try writer.finish()
        #expect(summary.items == 0)
        #expect(summary.skipped.keys.contains { $0.contains("without a size") })
    }

    @Test func anItemWithoutSizeIsUnsupported() throws {
        let parent = try COCOTemporaryFolder()
        var writer = try COCOWriter(destination: parent.url.appendingPathComponent("out"))
        #expect {
            try writer.write(
                AnnotatedItem(
                    id: "nosize", key: "nosize.jpg",
                    annotations: [Annotation(label: "car", geometry: .box(Box(x: 1, y: 1, width: 2, height: 2)))]),
                image: nil)
        } throws: { error in
            (error as? GatewayError)?.kind == .unsupported
                && (error as? GatewayError)?.message.contains("nosize") == true
        }
    }
}
