import ExportGateway
import Foundation
import Testing

/// Reading YOLO datasets: datumaro's Ultralytics folder, the darknet and `classes.txt`
/// layouts built from the same files, label files without their images, and bad rows.
@Suite struct YOLOReaderTests {
    /// Every item the reader yields, in order.
    static func readAll(
        _ files: any DatasetFiles, imageSizes: (@Sendable (String) -> ImageSize?)? = nil
    ) throws
        -> (classes: [String], items: [AnnotatedItem])
    {
        var reader = try YOLOReader(files: files, imageSizes: imageSizes)
        var items: [AnnotatedItem] = []
        while let item = try reader.next() { items.append(item) }
        return (reader.classes, items)
    }

    /// A new empty folder, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-yolo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Writes `contents` at `path` under `folder`, creating folders.
    static func put(_ contents: Data, _ path: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: url)
    }

    /// The reference boxes of an item, polygons left out (datumaro's YOLO kept only boxes).
    static func referenceBoxes(_ id: String) -> [(String, Box)] {
        let item = ReferenceDataset.items.first { $0.id.rawValue == id }
        return (item?.annotations ?? []).compactMap { annotation in
            guard case .box(let box) = annotation.geometry, let label = annotation.label else { return nil }
            return (label, box)
        }
    }

    /// Whether the boxes of `item` are the reference boxes, within 0.01 px.
    static func expectReferenceBoxes(_ item: AnnotatedItem, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = referenceBoxes(item.id.rawValue)
        #expect(item.annotations.count == expected.count, "\(item.id)", sourceLocation: sourceLocation)
        for (annotation, (label, box)) in zip(item.annotations, expected) {
            #expect(annotation.label == label, sourceLocation: sourceLocation)
            guard case .box(let read) = annotation.geometry else {
                Issue.record("\(item.id): not a box", sourceLocation: sourceLocation)
                continue
            }
            let close =
                abs(read.x - box.x) < 0.01 && abs(read.y - box.y) < 0.01 && abs(read.width - box.width) < 0.01
                && abs(read.height - box.height) < 0.01
            #expect(close, "\(item.id) \(label): \(read) vs \(box)", sourceLocation: sourceLocation)
        }
    }

    @Test func theFixtureReadsAsTwelveImagesWithTheirBoxesInPixels() throws {
        let (classes, items) = try Self.readAll(FormatFixtures.files(.yolo))
        #expect(classes == ["car", "traffic light", "vélo", "person"])
        #expect(items.count == 12)
        #expect(items.filter { $0.subset == "train" }.count == 9)
        #expect(items.filter { $0.subset == "val" }.count == 3)
        #expect(items.prefix(9).allSatisfy { $0.subset == "train" })
        let annotations = items.flatMap(\.annotations)
        #expect(annotations.count == 17)
        let perClass = Dictionary(grouping: annotations, by: { $0.label ?? "" }).mapValues(\.count)
        #expect(perClass == ["car": 5, "traffic light": 4, "vélo": 3, "person": 5])
        #expect(Set(items.map(\.id.rawValue)) == Set(ReferenceDataset.items.map(\.id.rawValue)))
        for item in items {
            let reference = try #require(ReferenceDataset.items.first { $0.id == item.id })
            #expect(item.key == reference.key)
            #expect(item.imageSize == reference.imageSize, "\(item.id)")
            #expect(item.subset == reference.subset)
            #expect(item.units == .pixels)
            Self.expectReferenceBoxes(item)
        }
        let empty = try #require(items.first { $0.id == "empty_0004" })
        #expect(empty.annotations.isEmpty)
        #expect(items.first { $0.id == "tiny_33x17" }?.imageSize == ImageSize(width: 33, height: 17))
    }

    @Test func theImagePathOfAnItemIsItsFileInTheTree() throws {
        var reader = try YOLOReader(files: FormatFixtures.files(.yolo))
        var found: AnnotatedItem?
        while let item = try reader.next() {
            if item.id == "city/0001" {
                found = item
                break
            }
        }
        let item = try #require(found)
        #expect(reader.imagePath(for: item) == "images/train/city/0001.jpg")
    }

    /// The fixture's files rearranged as datumaro's darknet `yolo` export.
    static func darknetFolder() throws -> URL {
        let fixture = try FormatFixtures.files(.yolo)
        let folder = try temporaryFolder()
        try put(Data("car\ntraffic light\nvélo\nperson\n".utf8), "data/obj.names", in: folder)
        try put(Data("classes = 4\ntrain = data/train.txt\nnames = data/obj.names\n".utf8), "data/obj.data", in: folder)
        var lists: [String: String] = [:]
        for path in fixture.paths where path.hasPrefix("images/") {
            let parts = path.split(separator: "/", maxSplits: 2).map(String.init)
            let (subset, rest) = (parts[1], parts[2])
            try put(fixture.contents(of: path), "data/obj_\(subset)_data/\(rest)", in: folder)
            let label = "labels/\(subset)/" + DatasetPath.stem(rest) + ".txt"
            try put(
                fixture.contents(of: label), "data/obj_\(subset)_data/" + DatasetPath.stem(rest) + ".txt", in: folder)
            lists[subset, default: ""] += "data/obj_\(subset)_data/\(rest)\n"
        }
        for (subset, list) in lists { try put(Data(list.utf8), "data/\(subset).txt", in: folder) }
        return folder
    }

    @Test func theDarknetLayoutReadsLikeTheUltralyticsOne() throws {
        let folder = try Self.darknetFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (classes, items) = try Self.readAll(FolderFiles(root: folder))
        #expect(classes == ReferenceDataset.classes)
        #expect(items.count == 12)
        #expect(items.filter { $0.subset == "val" }.map(\.id.rawValue).sorted() == ["0010", "0012", "city/0011"])
        for item in items {
            #expect(item.imageSize == ReferenceDataset.items.first { $0.id == item.id }?.imageSize)
            Self.expectReferenceBoxes(item)
        }
    }

    @Test func aClassesTxtWithImagesAndLabelsFoldersIsRead() throws {
        let fixture = try FormatFixtures.files(.yolo)
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.put(Data("car\ntraffic light\nvélo\nperson\n".utf8), "export/classes.txt", in: folder)
        for path in fixture.paths where path.hasPrefix("images/") || path.hasPrefix("labels/") {
            let parts = path.split(separator: "/", maxSplits: 2).map(String.init)
            try Self.put(fixture.contents(of: path), "export/\(parts[0])/\(parts[2])", in: folder)
        }
        let (classes, items) = try Self.readAll(FolderFiles(root: folder))
        #expect(classes == ReferenceDataset.classes)
        #expect(items.count == 12)
        #expect(items.allSatisfy { $0.subset == nil })
        #expect(items.flatMap(\.annotations).count == 17)
        for item in items { Self.expectReferenceBoxes(item) }
    }

    /// The fixture's `data.yaml` and label files, without the images.
    static func labelsOnlyFolder() throws -> URL {
        let fixture = try FormatFixtures.files(.yolo)
        let folder = try temporaryFolder()
        try put(
            Data("train: images/train\nval: images/val\nnames: [car, traffic light, 'vélo', \"person\"]\n".utf8),
            "data.yaml", in: folder)
        for path in fixture.paths where path.hasPrefix("labels/") {
            try put(fixture.contents(of: path), path, in: folder)
        }
        return folder
    }

    @Test func withoutImagesOrSizesTheItemsKeepTheFractionsAsWritten() throws {
        let folder = try Self.labelsOnlyFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (classes, items) = try Self.readAll(FolderFiles(root: folder))
        #expect(classes == ReferenceDataset.classes)
        #expect(items.count == 12)
        #expect(items.allSatisfy { $0.imageSize == nil && $0.units == .normalized && $0.key == nil })
        let first = try #require(items.first { $0.id == "city/0001" })
        #expect(first.subset == "train")
        // `0 0.093750 0.500000 0.187500 0.166667`
        guard case .box(let box) = first.annotations.first?.geometry else {
            Issue.record("no box")
            return
        }
        #expect(abs(box.x) < 1e-9 && abs(box.width - 0.1875) < 1e-9)
        #expect(abs(box.y - (0.5 - 0.166667 / 2)) < 1e-6 && abs(box.height - 0.166667) < 1e-9)
    }

    @Test func theSizeLookupTurnsLabelsWithoutImagesIntoPixels() throws {
        let folder = try Self.labelsOnlyFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sizes = Dictionary(uniqueKeysWithValues: ReferenceDataset.items.map { ($0.id.rawValue, $0.imageSize) })
        let (_, items) = try Self.readAll(FolderFiles(root: folder)) { sizes[$0] ?? nil }
        #expect(items.count == 12)
        for item in items {
            #expect(item.units == .pixels)
            #expect(item.imageSize == sizes[item.id.rawValue] ?? nil)
            Self.expectReferenceBoxes(item)
        }
    }

    @Test func confidenceAndPolygonRowsAndAFlowListOfNamesAreRead() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.put(Data("names: [a, b]\ntrain: images\n".utf8), "ds/data.yaml", in: folder)
        try Self.put(Data("1 0.5 0.5 0.2 0.4 0.87\n0 0.1 0.1 0.9 0.1 0.5 0.9\n".utf8), "ds/labels/x.txt", in: folder)
        let (classes, items) = try Self.readAll(FolderFiles(root: folder)) { _ in ImageSize(width: 100, height: 50) }
        #expect(classes == ["a", "b"])
        let item = try #require(items.first)
        #expect(item.id == "x")
        #expect(item.annotations.first?.confidence == 0.87)
        #expect(item.annotations.first?.geometry == .box(Box(x: 40, y: 15, width: 20, height: 20)))
        #expect(
            item.annotations.last?.geometry
                == .polygon([[Point(x: 10, y: 5), Point(x: 90, y: 5), Point(x: 50, y: 45)]]))
    }

    @Test func roboflowsLayoutWithParentRelativeFoldersIsRead() throws {
        let fixture = try FormatFixtures.files(.yolo)
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let yaml = """
            train: ../train/images
            val: ../valid/images
            test: ../test/images

            nc: 4
            names: ['car', 'traffic light', 'vélo', 'person']

            roboflow:
              workspace: demo
              version: 2
            """
        try Self.put(Data(yaml.utf8), "data.yaml", in: folder)
        for path in fixture.paths where path.hasPrefix("images/") || path.hasPrefix("labels/") {
            let parts = path.split(separator: "/", maxSplits: 2).map(String.init)
            let subset = parts[1] == "val" ? "valid" : parts[1]
            try Self.put(fixture.contents(of: path), "\(subset)/\(parts[0])/\(parts[2])", in: folder)
        }
        let (classes, items) = try Self.readAll(FolderFiles(root: folder))
        #expect(classes == ReferenceDataset.classes)
        #expect(items.count == 12)
        #expect(items.filter { $0.subset == "val" }.count == 3)
        for item in items {
            #expect(item.imageSize == ReferenceDataset.items.first { $0.id == item.id }?.imageSize)
            Self.expectReferenceBoxes(item)
        }
    }

    @Test func aDataYAMLWithOnlyNamesReadsEveryLabelFileUnderALabelsFolder() throws {
        let fixture = try FormatFixtures.files(.yolo)
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.put(
            Data("names:\n  0: car\n  1: traffic light\n  2: vélo\n  3: person\n".utf8), "data.yaml", in: folder)
        for path in fixture.paths where path.hasPrefix("labels/") {
            let parts = path.split(separator: "/", maxSplits: 2).map(String.init)
            try Self.put(fixture.contents(of: path), "my-dataset/labels/\(parts[2])", in: folder)
        }
        let sizes = Dictionary(uniqueKeysWithValues: ReferenceDataset.items.map { ($0.id.rawValue, $0.imageSize) })
        let (_, items) = try Self.readAll(FolderFiles(root: folder)) { sizes[$0] ?? nil }
        #expect(items.count == 12)
        #expect(items.allSatisfy { $0.subset == nil && $0.units == .pixels })
        for item in items { Self.expectReferenceBoxes(item) }
    }

    @Test func poseRowsBecomeABoxAndItsKeypointsInOneGroup() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.put(
            Data("path: .\ntrain: images\nval: images\nkpt_shape: [3, 3]\nnames:\n  0: person\n".utf8), "data.yaml",
            in: folder)
        try Self.put(
            Data("0 0.5 0.5 0.2 0.4 0.5 0.4 2 0.45 0.6 1 0 0 0\n0 0.1 0.1 0.1 0.1\n".utf8), "labels/p.txt", in: folder)
        let (_, items) = try Self.readAll(FolderFiles(root: folder)) { _ in ImageSize(width: 100, height: 100) }
        let annotations = try #require(items.first?.annotations)
        #expect(annotations.count == 3)
        #expect(annotations[0].geometry == .box(Box(x: 40, y: 30, width: 20, height: 40)))
        #expect(
            annotations[1].geometry
                == .keypoints([
                    Keypoint(point: Point(x: 50, y: 40), visibility: .visible),
                    Keypoint(point: Point(x: 45, y: 60), visibility: .occluded),
                    Keypoint(point: Point(x: 0, y: 0), visibility: .unlabeled),
                ]))
        #expect(annotations[0].group == annotations[1].group && annotations[0].group != nil)
        #expect(annotations[2].group == nil)
    }

    @Test func aByteOrderMarkBeforeTheClassesAndRowsIsIgnored() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        try Self.put(Data(bom + Array("a\nb\n".utf8)), "classes.txt", in: folder)
        try Self.put(Data(bom + Array("1 0.5 0.5 0.5 0.5\n".utf8)), "labels/x.txt", in: folder)
        let (classes, items) = try Self.readAll(FolderFiles(root: folder))
        #expect(classes == ["a", "b"])
        #expect(items.first?.annotations.first?.label == "b")
    }

    @Test(arguments: [
        ("4 0.5 0.5 0.1 0.1", "line 2"), ("0 0.5 abc 0.1 0.1", "line 2"), ("0 0.5 0.5 0.1", "line 2"),
        ("0 0.1 0.1 0.2 0.2 0.3 0.3 0.4", "line 2"), ("x 0.5 0.5 0.1 0.1", "line 2"),
    ])
    func aBadRowIsADecodingErrorNamingTheFileAndLine(row: String, line: String) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.put(Data("names:\n  - a\n  - b\ntrain: images\n".utf8), "data.yaml", in: folder)
        try Self.put(Data("0 0.5 0.5 0.1 0.1\n\(row)\n".utf8), "labels/x.txt", in: folder)
        var reader = try YOLOReader(files: FolderFiles(root: folder))
        let error = try #require(throws: GatewayError.self) { _ = try reader.next() }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("labels/x.txt \(line)"))
    }

    @Test func aDataYAMLOutsideTheSubsetIsADecodingErrorNamingTheLine() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.put(Data("train: images\nnames:\n  0: a\n  2: b\n".utf8), "data.yaml", in: folder)
        let error = try #require(throws: GatewayError.self) { _ = try YOLOReader(files: FolderFiles(root: folder)) }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("data.yaml line 4"))

        try Self.put(Data("train: images\nnames: |\n  a\n".utf8), "data.yaml", in: folder)
        let block = try #require(throws: GatewayError.self) { _ = try YOLOReader(files: FolderFiles(root: folder)) }
        #expect(block.message.contains("data.yaml line 2"))
    }

    @Test func aTreeWithoutAClassListIsRefused() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.put(Data("0 0.5 0.5 0.1 0.1\n".utf8), "labels/x.txt", in: folder)
        let error = try #require(throws: GatewayError.self) { _ = try YOLOReader(files: FolderFiles(root: folder)) }
        #expect(error.kind == .decoding)
    }
}
