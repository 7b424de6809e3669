import ExportGateway
import Foundation
import Testing

@Suite struct VOCReaderTests {
    static func readAll(_ files: any DatasetFiles) throws -> (classes: [String], items: [AnnotatedItem]) {
        var reader = try VOCReader(files: files)
        var items: [AnnotatedItem] = []
        while let item = try reader.next() { items.append(item) }
        return (reader.classes, items)
    }

    static func boxes(_ item: AnnotatedItem) -> [Annotation] {
        item.annotations.filter { if case .box = $0.geometry { true } else { false } }
    }

    @Test func fixtureHasTheDocumentedItemsSubsetsAndClasses() throws {
        let (classes, items) = try Self.readAll(try FormatFixtures.files(.voc))
        #expect(classes == ReferenceDataset.classes)
        #expect(items.count == 12)
        #expect(items.filter { $0.subset == "train" }.count == 9)
        #expect(items.filter { $0.subset == "val" }.count == 3)
        #expect(Set(items.map(\.id)) == Set(ReferenceDataset.items.map(\.id)))
        #expect(items.first?.id == "city/0001")
        let empty = try #require(items.first { $0.id == "empty_0004" })
        #expect(empty.annotations.isEmpty)
        #expect(empty.key == "empty_0004.jpg")
        // No XML for it: the size comes from the JPEG header.
        #expect(empty.imageSize == ImageSize(width: 800, height: 600))
        #expect(items.first { $0.id == "tiny_33x17" }?.key == "tiny_33x17.png")
    }

    @Test func fixtureObjectsMatchTheReferenceBoxesExactly() throws {
        let (_, items) = try Self.readAll(try FormatFixtures.files(.voc))
        let all = items.flatMap(Self.boxes)
        #expect(all.count == 17)
        let perClass = Dictionary(grouping: all, by: { $0.label ?? "" }).mapValues(\.count)
        #expect(perClass == ["car": 5, "traffic light": 4, "vélo": 3, "person": 5])
        #expect(all.filter { $0.flag("difficult") }.count == 1)
        #expect(all.filter { $0.flag("truncated") }.count == 2)
        #expect(all.filter { $0.flag("occluded") }.count == 1)
        for reference in ReferenceDataset.items {
            let item = try #require(items.first { $0.id == reference.id })
            #expect(item.imageSize == reference.imageSize, "\(reference.id)")
            #expect(item.subset == reference.subset)
            #expect(item.key == reference.key)
            let expected = Self.boxes(reference)
            let read = Self.boxes(item)
            #expect(read.map(\.geometry) == expected.map(\.geometry), "\(reference.id)")
            #expect(read.map(\.label) == expected.map(\.label), "\(reference.id)")
            #expect(read.map(\.attributes) == expected.map(\.attributes), "\(reference.id)")
        }
        let tiny = try #require(items.first { $0.id == "city/0002" })
        #expect(tiny.annotations.first?.geometry == .box(Box(x: 960, y: 540, width: 1, height: 1)))
    }

    @Test func fixtureImageLabelBecomesAWholeAnnotation() throws {
        let (_, items) = try Self.readAll(try FormatFixtures.files(.voc))
        let whole = items.flatMap { item in item.annotations.filter { $0.geometry == .whole }.map { (item.id, $0) } }
        #expect(whole.count == 1)
        #expect(whole.first?.0 == "street/0005")
        #expect(whole.first?.1.label == "traffic light")
    }

    @Test func fixtureKeepsFileFieldsAndMaskPathsInProviderFields() throws {
        let (_, items) = try Self.readAll(try FormatFixtures.files(.voc))
        let item = try #require(items.first { $0.id == "city/0001" })
        #expect(item.providerFields["filename"] == "city/0001.jpg")
        #expect(item.providerFields["segmented"] == "1")
        #expect(item.providerFields["source"]?["database"] == "Unknown")
        #expect(item.providerFields["segmentationObject"] == "SegmentationObject/city/0001.png")
        #expect(item.providerFields["segmentationClass"] == "SegmentationClass/city/0001.png")
    }

    @Test func imagePathPointsIntoJPEGImages() throws {
        let files = try FormatFixtures.files(.voc)
        var reader = try VOCReader(files: files)
        let item = try #require(try reader.next())
        let path = try #require(reader.imagePath(for: item))
        #expect(path == "JPEGImages/city/0001.jpg")
        #expect(files.contains(path))
    }

    @Test func rootUnderATopFolderIsFound() throws {
        let folder = try VOCTestFolder()
        try folder.write(
            "VOCdevkit/VOC2007/Annotations/a.xml", Self.document(objects: Self.object("dog", 1, 2, 10, 20)))
        try folder.write("VOCdevkit/VOC2007/ImageSets/Main/trainval.txt", "a\nb\n")
        try folder.write("VOCdevkit/VOC2007/JPEGImages/a.jpg", "jpeg")
        try folder.write("VOCdevkit/README.txt", "hello")
        let files = try FolderFiles(root: folder.url)
        var reader = try VOCReader(files: files)
        #expect(reader.classes == ["dog"])
        let first = try #require(try reader.next())
        #expect(first.id == "a")
        #expect(first.subset == "trainval")
        #expect(first.annotations.first?.geometry == .box(Box(x: 0, y: 1, width: 10, height: 19)))
        #expect(reader.imagePath(for: first) == "VOCdevkit/VOC2007/JPEGImages/a.jpg")
        let second = try #require(try reader.next())
        #expect(second.id == "b")
        #expect(second.annotations.isEmpty)
        #expect(second.key == "b.jpg")
        #expect(try reader.next() == nil)
    }

    @Test func aListedImageWithoutAnnotationFileGetsItsSizeFromThePNGHeader() throws {
        let folder = try VOCTestFolder()
        try folder.write("ImageSets/Main/train.txt", "p\n")
        let png = try Data(contentsOf: FormatFixtures.root.appendingPathComponent("voc/JPEGImages/tiny_33x17.png"))
        try FileManager.default.createDirectory(
            at: folder.url.appendingPathComponent("JPEGImages"), withIntermediateDirectories: true)
        try png.write(to: folder.url.appendingPathComponent("JPEGImages/p.png"))
        let (_, items) = try Self.readAll(try FolderFiles(root: folder.url))
        #expect(items.map(\.id) == ["p"])
        #expect(items.first?.imageSize == ImageSize(width: 33, height: 17))
        #expect(items.first?.key == "p.png")
    }

    @Test func unlistedAnnotationFilesHaveNoSubsetAndClassesFollowFirstAppearance() throws {
        let folder = try VOCTestFolder()
        try folder.write(
            "Annotations/x.xml",
            Self.document(
                objects: Self.object("zebra", 1, 1, 5, 5)
                    + Self.object("ant", 1, 1, 5, 5, extra: "<score>0.75</score><pose>Left</pose>")))
        try folder.write("Annotations/y.xml", Self.document(objects: Self.object("ant", 1, 1, 5, 5)))
        let (classes, items) = try Self.readAll(try FolderFiles(root: folder.url))
        #expect(classes == ["zebra", "ant"])
        #expect(items.map(\.subset) == [nil, nil])
        let ant = try #require(items.first?.annotations.last)
        #expect(ant.confidence == 0.75)
        #expect(ant.attributes == [Attribute(name: "pose", value: .text("Left"))])
    }

    @Test func aFlagOtherThanZeroOrOneIsADecodingErrorNamingFileAndObject() throws {
        let folder = try VOCTestFolder()
        try folder.write(
            "Annotations/bad.xml",
            Self.document(
                objects: Self.object("car", 1, 1, 5, 5)
                    + Self.object("bus", 1, 1, 5, 5, extra: "<difficult>yes</difficult>")))
        let files = try FolderFiles(root: folder.url)
        do {
            // Without a labelmap the reader reads every file up front for the classes, so the
            // error may come from the initializer as well as from next().
            var reader = try VOCReader(files: files)
            _ = try reader.next()
            Issue.record("expected an error")
        } catch let error as GatewayError {
            #expect(error.kind == .decoding)
            #expect(error.message.contains("Annotations/bad.xml"))
            #expect(error.message.contains("object 2 (bus)"))
        }
    }

    @Test func malformedXMLIsADecodingErrorWithTheLine() throws {
        let folder = try VOCTestFolder()
        try folder.write("labelmap.txt", "background:::\ncar:::\n")
        try folder.write("Annotations/bad.xml", "<annotation>\n<object>\n</annotation>\n")
        var reader = try VOCReader(files: try FolderFiles(root: folder.url))
        #expect(reader.classes == ["car"])
        #expect {
            _ = try reader.next()
        } throws: { error in
            guard let error = error as? GatewayError else { return false }
            return error.kind == .decoding && error.message.hasPrefix("Annotations/bad.xml, line 3:")
        }
    }

    @Test func aFolderWithoutVOCLayoutIsRefused() throws {
        let folder = try VOCTestFolder()
        try folder.write("images/a.jpg", "x")
        #expect(throws: GatewayError.self) { _ = try VOCReader(files: try FolderFiles(root: folder.url)) }
    }

    static func document(objects: String) -> String {
        """
        <?xml version="1.0"?>
        <annotation>
          <filename>a.jpg</filename>
          <size><width>100</width><height>50</height><depth>3</depth></size>
        \(objects)</annotation>
        """
    }

    static func object(_ name: String, _ xmin: Int, _ ymin: Int, _ xmax: Int, _ ymax: Int, extra: String = "") -> String
    {
        "<object><name>\(name)</name>\(extra)<bndbox><xmin>\(xmin)</xmin><ymin>\(ymin)</ymin>"
            + "<xmax>\(xmax)</xmax><ymax>\(ymax)</ymax></bndbox></object>\n"
    }
}

/// A fresh folder under the system's temporary directory, removed when the value goes away.
final class VOCTestFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("voc-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ path: String, _ text: String) throws {
        let target = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target)
    }
}
