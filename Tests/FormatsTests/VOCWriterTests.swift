import ExportGateway
import Foundation
import Testing

@Suite struct VOCWriterTests {
    /// Writes the reference dataset, with the fixture's images, into a new folder.
    private func writeReference(into folder: VOCTestFolder) throws -> (URL, AnnotationWriteSummary) {
        let destination = folder.url.appendingPathComponent("out")
        let images = try FormatFixtures.files(.voc)
        var writer = try VOCWriter(destination: destination, classes: ReferenceDataset.classes)
        for item in ReferenceDataset.items {
            let key = try #require(item.key)
            try writer.write(item, image: DatasetImage(files: images, path: "JPEGImages/\(key)"))
        }
        return (destination, try writer.finish())
    }

    private func text(_ url: URL, _ path: String) throws -> String {
        String(decoding: try Data(contentsOf: url.appendingPathComponent(path)), as: UTF8.self)
    }

    /// Every element's text in an XML file, as (path of element names, text) pairs.
    private func leaves(_ data: Data, file: String) throws -> [(path: String, text: String)] {
        var parser = XMLPullParser(data, file: file)
        var stack: [String] = []
        var text = ""
        var found: [(String, String)] = []
        while let event = try parser.next() {
            switch event {
            case .start(let name, _):
                stack.append(name)
                text = ""
            case .text(let piece): text += piece
            case .end:
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { found.append((stack.joined(separator: "/"), trimmed)) }
                stack.removeLast()
                text = ""
            }
        }
        return found
    }

    @Test func roundTripReadsBackWhatTheFixtureHolds() throws {
        let folder = try VOCTestFolder()
        let (destination, summary) = try writeReference(into: folder)
        #expect(summary.items == 12)
        #expect(summary.annotations == 20)
        #expect(summary.classes == ReferenceDataset.classes)
        #expect(summary.adjusted == ["polygon written as its bounding box": 2])
        #expect(summary.skipped == ["keypoints (VOC has only boxes)": 1])

        let (fixtureClasses, fixtureItems) = try VOCReaderTests.readAll(try FormatFixtures.files(.voc))
        let (classes, items) = try VOCReaderTests.readAll(try FolderFiles(root: destination))
        #expect(classes == fixtureClasses)
        #expect(items.map(\.id) == fixtureItems.map(\.id))
        for (written, fixture) in zip(items, fixtureItems) {
            #expect(written.subset == fixture.subset)
            #expect(written.key == fixture.key)
            #expect(written.imageSize == fixture.imageSize)
            #expect(
                written.annotations.filter { $0.geometry == .whole }
                    == fixture.annotations.filter { $0.geometry == .whole })
            // The fixture has no boxes for the two polygons (datumaro made masks of them).
            let reference = try #require(ReferenceDataset.items.first { $0.id == written.id })
            let polygonBoxes = reference.annotations.compactMap { annotation -> Geometry? in
                guard case .polygon = annotation.geometry else { return nil }
                return annotation.geometry.boundingBox.map(Geometry.box)
            }
            let boxes = VOCReaderTests.boxes(written).filter { !polygonBoxes.contains($0.geometry) }
            let expected = VOCReaderTests.boxes(fixture)
            #expect(boxes.map(\.geometry) == expected.map(\.geometry), "\(written.id)")
            #expect(boxes.map(\.label) == expected.map(\.label), "\(written.id)")
            #expect(boxes.map(\.attributes) == expected.map(\.attributes), "\(written.id)")
            #expect(VOCReaderTests.boxes(written).count == expected.count + polygonBoxes.count)
        }
        let image = try Data(contentsOf: destination.appendingPathComponent("JPEGImages/tiny_33x17.png"))
        let original = try Data(contentsOf: FormatFixtures.root.appendingPathComponent("voc/JPEGImages/tiny_33x17.png"))
        #expect(image == original)
    }

    @Test func writtenFilesFollowTheVOCConventions() throws {
        let folder = try VOCTestFolder()
        let (destination, _) = try writeReference(into: folder)
        let files = try FolderFiles(root: destination)
        let annotationFiles = files.paths.filter { $0.hasPrefix("Annotations/") }
        #expect(annotationFiles.count == 12)
        for path in annotationFiles {
            let leaves = try leaves(try files.contents(of: path), file: path)
            let values = Dictionary(leaves.map { ($0.path, $0.text) }, uniquingKeysWith: { first, _ in first })
            #expect(Int(values["annotation/size/width"] ?? "") ?? 0 > 0, "\(path)")
            #expect(Int(values["annotation/size/height"] ?? "") ?? 0 > 0, "\(path)")
            #expect(values["annotation/size/depth"] == "3")
            let objects = leaves.filter { $0.path == "annotation/object/name" }.count
            for flag in ["truncated", "difficult", "occluded"] {
                let flags = leaves.filter { $0.path == "annotation/object/\(flag)" }.map(\.text)
                #expect(flags.count == objects, "\(path) \(flag)")
                #expect(flags.allSatisfy { $0 == "0" || $0 == "1" })
            }
            for coordinate in ["xmin", "ymin", "xmax", "ymax"] {
                let numbers = leaves.filter { $0.path == "annotation/object/bndbox/\(coordinate)" }.map(\.text)
                #expect(numbers.count == objects)
                #expect(numbers.allSatisfy { (Int($0) ?? 0) >= 1 }, "\(path) \(coordinate) \(numbers)")
            }
        }
        let tiny = try leaves(try files.contents(of: "Annotations/city/0002.xml"), file: "city/0002.xml")
        let firstBox = tiny.filter { $0.path.hasPrefix("annotation/object/bndbox/") }.prefix(4).map(\.text)
        #expect(firstBox == ["961", "541", "961", "541"])
        #expect(try text(destination, "Annotations/empty_0004.xml").contains("<width>800</width>"))

        let labelmap = try text(destination, "labelmap.txt").split(separator: "\n")
        #expect(
            labelmap == [
                "# label:color_rgb:parts:actions", "background:0,0,0::", "car:128,0,0::", "traffic light:0,128,0::",
                "vélo:128,128,0::", "person:0,0,128::",
            ])
        let train = try text(destination, "ImageSets/Main/train.txt").split(separator: "\n").map(String.init)
        let val = try text(destination, "ImageSets/Main/val.txt").split(separator: "\n").map(String.init)
        #expect(Set(train + val) == Set(ReferenceDataset.items.map(\.id.rawValue)))
        #expect(train.count == 9)
        #expect(val.count == 3)
        let lights = try text(destination, "ImageSets/Main/traffic light_train.txt").split(separator: "\n")
        #expect(lights.count == 9)
        #expect(lights.contains("street/0005  1"))
        #expect(lights.contains("city/0001 -1"))
        #expect(files.contains("ImageSets/Main/car_val.txt"))
    }

    @Test func boxesAreSnappedRoundedOutwardAndClampedIntoTheImage() throws {
        let folder = try VOCTestFolder()
        let destination = folder.url.appendingPathComponent("out")
        var writer = try VOCWriter(destination: destination)
        let boxes: [Box] = [
            Box(x: -5, y: 10, width: 20, height: 60),  // past the left and bottom edges
            Box(x: 10.5, y: 0.25, width: 2, height: 3.5),  // fractional
            Box(x: 20, y: 29.999999999999996, width: 10, height: 10.000000000000004),  // float noise
            Box(x: 200, y: 10, width: 5, height: 5),  // entirely outside
        ]
        let item = AnnotatedItem(
            id: "clip", imageSize: ImageSize(width: 100, height: 50),
            annotations: boxes.map { Annotation(label: "a<b&c", geometry: .box($0)) })
        try writer.write(item, image: nil)
        let summary = try writer.finish()
        #expect(summary.adjusted == ["box clamped to the image (marked truncated)": 1])
        #expect(summary.skipped == ["box outside the image or with non-finite coordinates": 1])
        #expect(summary.annotations == 3)
        #expect(try text(destination, "ImageSets/Main/default.txt") == "clip\n")
        #expect(try text(destination, "Annotations/clip.xml").contains("<name>a&lt;b&amp;c</name>"))

        let (classes, items) = try VOCReaderTests.readAll(try FolderFiles(root: destination))
        #expect(classes == ["a<b&c"])
        let read = try #require(items.first)
        #expect(read.subset == "default")
        #expect(
            read.annotations.map(\.geometry) == [
                .box(Box(x: 0, y: 10, width: 15, height: 40)), .box(Box(x: 10, y: 0, width: 3, height: 4)),
                .box(Box(x: 20, y: 30, width: 10, height: 10)),
            ])
        #expect(read.annotations.map { $0.flag("truncated") } == [true, false, false])
    }

    @Test func anExistingNonEmptyDestinationIsRefused() throws {
        let folder = try VOCTestFolder()
        try folder.write("out/keep.txt", "mine")
        #expect {
            _ = try VOCWriter(destination: folder.url.appendingPathComponent("out"))
        } throws: { ($0 as? GatewayError)?.kind == .localFile }
        #expect(try text(folder.url, "out/keep.txt") == "mine")
    }

    @Test func itemsVOCCannotHoldAreRefusedAndNothingReachesTheDestination() throws {
        let folder = try VOCTestFolder()
        let destination = folder.url.appendingPathComponent("out")
        var writer = try VOCWriter(destination: destination)
        let size = ImageSize(width: 10, height: 10)
        let box = Annotation(label: "car", geometry: .box(Box(x: 0, y: 0, width: 0.5, height: 0.5)))
        let refused: [AnnotatedItem] = [
            AnnotatedItem(id: "n", imageSize: size, units: .normalized, annotations: [box]),
            AnnotatedItem(id: "s", annotations: [box]),
            AnnotatedItem(id: "c", imageSize: size, annotations: [Annotation(label: "a:b", geometry: .whole)]),
            AnnotatedItem(id: "u", imageSize: size, subset: "train_extra"),
            AnnotatedItem(id: "../escape", imageSize: size),
        ]
        for item in refused {
            #expect("\(item.id)") {
                try writer.write(item, image: nil)
            } throws: { ($0 as? GatewayError)?.kind == .unsupported }
        }
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        #expect(throws: GatewayError.self) { _ = try VOCWriter(destination: destination, classes: ["x:y"]) }

        // A refused item leaves the writer usable for the next one.
        try writer.write(AnnotatedItem(id: "ok", imageSize: size, annotations: [box]), image: nil)
        #expect(try writer.finish().items == 1)
        #expect(try text(destination, "ImageSets/Main/default.txt") == "ok\n")
        #expect(try text(destination, "labelmap.txt").hasSuffix("car:128,0,0::\n"))
    }

    @Test func otherShapesBecomeBoxesOrAreReportedAsSkipped() throws {
        let folder = try VOCTestFolder()
        let destination = folder.url.appendingPathComponent("out")
        var writer = try VOCWriter(destination: destination, classes: ["given"])
        let triangle = [Point(x: 10, y: 10), Point(x: 30, y: 12), Point(x: 20, y: 25)]
        let item = AnnotatedItem(
            id: "shapes", imageSize: ImageSize(width: 64, height: 64), subset: "val",
            annotations: [
                Annotation(label: "tri", geometry: .polygon([triangle])),
                Annotation(
                    label: "turned",
                    geometry: .rotatedBox(
                        RotatedBox(centerX: 32, centerY: 32, width: 20, height: 10, degreesClockwise: 90))),
                Annotation(label: "line", geometry: .polyline(triangle)),
                Annotation(label: "blob", geometry: .mask(.image(MaskReference(location: "m.png")))),
                Annotation(label: nil, geometry: .whole),
                Annotation(label: "sunny", geometry: .whole),
            ])
        try writer.write(item, image: nil)
        let summary = try writer.finish()
        #expect(summary.classes == ["given", "tri", "turned", "line", "blob", "sunny"])
        #expect(summary.annotations == 3)
        #expect(summary.adjusted.values.reduce(0, +) == 2)
        #expect(summary.skipped.values.reduce(0, +) == 3)

        let (_, items) = try VOCReaderTests.readAll(try FolderFiles(root: destination))
        let read = try #require(items.first)
        #expect(read.subset == "val")
        #expect(
            read.annotations.map(\.geometry) == [
                .whole, .box(Box(x: 10, y: 10, width: 20, height: 15)), .box(Box(x: 27, y: 22, width: 10, height: 20)),
            ])
        #expect(read.annotations.map(\.label) == ["sunny", "tri", "turned"])
        #expect(try text(destination, "ImageSets/Main/sunny_val.txt") == "shapes  1\n")
        #expect(try text(destination, "ImageSets/Main/given_val.txt") == "shapes -1\n")
    }
}
