import ExportGateway
import Foundation
import Testing

/// Reading datumaro's COCO files and generated large or unusual ones.
@Suite struct COCOReaderTests {
    /// Every item a reader gives.
    static func readAll(_ files: any DatasetFiles) throws -> (classes: [String], items: [AnnotatedItem]) {
        var reader = try COCOReader(files: files)
        var items: [AnnotatedItem] = []
        while let item = try reader.next() { items.append(item) }
        return (reader.classes, items)
    }

    @Test func readsTheFixtureWithTheREADMECounts() throws {
        let (classes, items) = try Self.readAll(FormatFixtures.files(.coco))
        #expect(classes == ["car", "traffic light", "vélo", "person"])
        #expect(items.count == 12)
        let train = items.filter { $0.subset == "train" }, val = items.filter { $0.subset == "val" }
        #expect(train.count == 9 && val.count == 3)
        #expect(train.compactMap { $0.providerFields["id"]?.intValue } == Array(1...9))
        #expect(train.reduce(0) { $0 + $1.annotations.count } == 15)
        #expect(val.reduce(0) { $0 + $1.annotations.count } == 4)
        let annotations = items.flatMap(\.annotations)
        #expect(annotations.count == 19)
        #expect(annotations.filter { if case .box = $0.geometry { true } else { false } }.count == 17)
        #expect(annotations.filter { if case .polygon = $0.geometry { true } else { false } }.count == 2)
        #expect(annotations.filter { $0.flag("truncated") }.count == 2)
        #expect(annotations.filter { $0.flag("occluded") }.count == 1)
        #expect(annotations.filter { $0.flag("difficult") }.count == 1)
        #expect(annotations.allSatisfy { $0.providerFields["iscrowd"] == .int(0) })

        let first = try #require(items.first { $0.id == "city/0001" })
        #expect(first.key == "city/0001.jpg")
        #expect(first.imageSize == ImageSize(width: 640, height: 480))
        #expect(first.annotations.map(\.id) == ["1", "2", "3"])
        let tiny = try #require(items.first { $0.id == "tiny_33x17" })
        #expect(tiny.key == "tiny_33x17.png")
        #expect(tiny.imageSize == ImageSize(width: 33, height: 17))
        #expect(items.first { $0.id == "empty_0004" }?.annotations.isEmpty == true)
        #expect(Set(items.map(\.id.rawValue)) == Set(ReferenceDataset.items.map(\.id.rawValue)))
    }

    @Test func fixtureShapesMatchTheReferenceDataset() throws {
        let (_, items) = try Self.readAll(FormatFixtures.files(.coco))
        for reference in ReferenceDataset.items {
            let item = try #require(items.first { $0.id == reference.id })
            #expect(item.subset == reference.subset)
            #expect(item.imageSize == reference.imageSize)
            let expected = reference.annotations.filter {
                if case .box = $0.geometry { return true }
                if case .polygon = $0.geometry { return true }
                return false
            }
            try #require(item.annotations.count == expected.count, "\(reference.id)")
            for (read, want) in zip(item.annotations, expected) {
                #expect(read.label == want.label)
                switch (read.geometry, want.geometry) {
                case (.box(let a), .box(let b)):
                    #expect(Self.close(a, b), "\(reference.id): \(a) vs \(b)")
                case (.polygon(let a), .polygon(let b)):
                    #expect(a == b)
                default:
                    Issue.record("\(reference.id): \(read.geometry) read where \(want.geometry) was written")
                }
                for flag in ["truncated", "occluded", "difficult"] { #expect(read.flag(flag) == want.flag(flag)) }
            }
        }
    }

    @Test func findsImagesBesideTheAnnotations() throws {
        let files = try FormatFixtures.files(.coco)
        var reader = try COCOReader(files: files)
        var paths: [String] = []
        while let item = try reader.next() { paths.append(reader.imagePath(for: item) ?? "missing") }
        #expect(paths.count == 12)
        #expect(paths.first == "images/train/city/0001.jpg")
        #expect(paths.allSatisfy { files.contains($0) })
    }

    @Test func readsAVendorAnnotationsJSONUnderATopFolder() throws {
        let folder = try COCOTemporaryFolder()
        try folder.write(
            "export/annotations.json",
            #"{"images":[{"id":7,"file_name":"a.jpg","width":0,"height":null}],"annotations":[{"id":"x","image_id":7,"category_id":2,"bbox":[1,2,3,4],"score":0.5,"attributes":{"occluded":false,"color":"red","speed":3}}],"categories":[{"id":2,"name":"car"}]}"#
        )
        try folder.write("export/a.jpg", "jpeg")
        let files = try FolderFiles(root: folder.url)
        var reader = try COCOReader(files: files)
        let item = try #require(try reader.next())
        #expect(try reader.next() == nil)
        #expect(item.subset == nil && item.imageSize == nil && item.id == "a")
        #expect(reader.imagePath(for: item) == "export/a.jpg")
        let annotation = try #require(item.annotations.first)
        #expect(annotation.confidence == 0.5 && annotation.id == "x")
        #expect(annotation.attributes.contains(.flag("occluded", false)))
        #expect(annotation.attributes.contains(Attribute(name: "color", value: .text("red"))))
        #expect(annotation.attributes.contains(Attribute(name: "speed", value: .number(3))))
    }

    @Test func readsPolygonPartsMasksAndKeypoints() throws {
        let folder = try COCOTemporaryFolder()
        try folder.write(
            "annotations/instances_val.json",
            #"{"categories":[{"id":1,"name":"person","keypoints":["nose","eye"]}],"images":[{"id":1,"file_name":"p.jpg","width":10,"height":10}],"annotations":["#
                + #"{"id":5,"image_id":1,"category_id":1,"bbox":[0,0,4,4],"iscrowd":0,"segmentation":[[0,0,4,0,4,4,0,0],[5,5,6,5,6,6]]},"#
                + #"{"id":6,"image_id":1,"category_id":1,"bbox":[0,0,2,2],"iscrowd":1,"segmentation":{"counts":[0,4,96],"size":[10,10]}},"#
                + #"{"id":7,"image_id":1,"category_id":1,"bbox":[0,0,2,2],"iscrowd":1,"segmentation":{"counts":"04L0","size":[10,10]}},"#
                + #"{"id":8,"image_id":1,"category_id":1,"bbox":[1,1,2,2],"segmentation":[],"keypoints":[1,1,2,3,3,1]}]}"#
        )
        let (_, items) = try Self.readAll(FolderFiles(root: folder.url))
        let annotations = try #require(items.first?.annotations)
        #expect(annotations.count == 5)
        #expect(
            annotations[0].geometry
                == .polygon([[Point(x: 0, y: 0), Point(x: 4, y: 0), Point(x: 4, y: 4)]]))
        #expect(annotations[0].group == "5" && annotations[1].group == "5")
        #expect(annotations[2].geometry == .mask(.cocoRLE(counts: [0, 4, 96], size: ImageSize(width: 10, height: 10))))
        #expect(annotations[3].geometry == .mask(.cocoCompressedRLE("04L0", size: ImageSize(width: 10, height: 10))))
        #expect(
            annotations[4].geometry
                == .keypoints([
                    Keypoint(name: "nose", point: Point(x: 1, y: 1), visibility: .visible),
                    Keypoint(name: "eye", point: Point(x: 3, y: 3), visibility: .occluded),
                ]))
    }

    @Test func streamsManyAnnotationsGroupedByImage() throws {
        let (json, expected) = Self.generated(annotationsFirst: false, shuffled: false)
        try Self.expectReads(json, expected)
    }

    @Test func readsAnnotationsThatAreNotGroupedByImage() throws {
        let (json, expected) = Self.generated(annotationsFirst: false, shuffled: true)
        try Self.expectReads(json, expected)
    }

    @Test func readsAnnotationsPlacedBeforeImages() throws {
        let (json, expected) = Self.generated(annotationsFirst: true, shuffled: false)
        try Self.expectReads(json, expected)
    }

    @Test func malformedJSONIsADecodingErrorNamingTheFile() throws {
        let folder = try COCOTemporaryFolder()
        try folder.write(
            "annotations/instances_train.json",
            #"{"categories":[{"id":1,"name":"car"}],"images":[{"id":1,"file_name":"a.jpg"}],"annotations":[{"id":1,"#)
        #expect {
            _ = try Self.readAll(FolderFiles(root: folder.url))
        } throws: { error in
            guard let error = error as? GatewayError else { return false }
            return error.kind == .decoding && error.message.contains("annotations/instances_train.json")
        }
    }

    @Test func notJSONIsADecodingError() throws {
        let folder = try COCOTemporaryFolder()
        try folder.write("annotations/instances_train.json", "images: none")
        #expect {
            _ = try Self.readAll(FolderFiles(root: folder.url))
        } throws: { error in
            (error as? GatewayError)?.kind == .decoding
                && (error as? GatewayError)?.message.contains("instances_train.json") == true
        }
    }

    @Test func wrongTypesAreDecodingErrorsNamingTheFileAndImage() throws {
        let cases = [
            (#"{"categories":[],"images":{},"annotations":[]}"#, "`images` that is not an array"),
            (#"{"categories":[],"images":[{"id":5,"file_name":"a.jpg","width":"wide"}],"annotations":[]}"#, "image 5"),
            (#"{"categories":[],"images":[{"id":5}],"annotations":[]}"#, "image 5 without a `file_name`"),
            (#"{"categories":[{"id":"x"}],"images":[],"annotations":[]}"#, "category"),
        ]
        for (json, expected) in cases {
            let folder = try COCOTemporaryFolder()
            try folder.write("annotations/instances_train.json", json)
            #expect {
                _ = try Self.readAll(FolderFiles(root: folder.url))
            } throws: { error in
                guard let error = error as? GatewayError else { return false }
                return error.kind == .decoding && error.message.contains(expected)
                    && error.message.contains("instances_train.json")
            }
        }
    }

    @Test func anUnknownCategoryNamesTheAnnotationAndFile() throws {
        let folder = try COCOTemporaryFolder()
        try folder.write(
            "annotations/instances_train.json",
            #"{"categories":[{"id":1,"name":"car"}],"images":[{"id":1,"file_name":"a.jpg"}],"annotations":[{"id":42,"image_id":1,"category_id":9,"bbox":[0,0,1,1]}]}"#
        )
        #expect {
            _ = try Self.readAll(FolderFiles(root: folder.url))
        } throws: { error in
            guard let error = error as? GatewayError else { return false }
            return error.kind == .decoding && error.message.contains("annotation 42")
                && error.message.contains("instances_train.json")
        }
    }

    @Test func aBoxWithoutFourNumbersIsADecodingError() throws {
        let folder = try COCOTemporaryFolder()
        try folder.write(
            "annotations/instances_train.json",
            #"{"categories":[{"id":1,"name":"car"}],"images":[{"id":1,"file_name":"a.jpg"}],"annotations":[{"id":3,"image_id":1,"category_id":1,"bbox":[0,"a",1]}]}"#
        )
        #expect {
            _ = try Self.readAll(FolderFiles(root: folder.url))
        } throws: { error in
            (error as? GatewayError)?.kind == .decoding
                && (error as? GatewayError)?.message.contains("annotation 3") == true
        }
    }

    @Test func aTreeWithoutCOCOFilesSaysWhatWasLookedFor() throws {
        let folder = try COCOTemporaryFolder()
        try folder.write("notes.json", #"{"images":[]}"#)
        #expect {
            _ = try COCOReader(files: FolderFiles(root: folder.url))
        } throws: { error in
            (error as? GatewayError)?.kind == .decoding
                && (error as? GatewayError)?.message.contains("instances_<subset>.json") == true
        }
    }

    // MARK: - Helpers

    static func close(_ a: Box, _ b: Box) -> Bool {
        abs(a.x - b.x) < 0.01 && abs(a.y - b.y) < 0.01 && abs(a.width - b.width) < 0.01
            && abs(a.height - b.height) < 0.01
    }

    /// A COCO file with 2,000 images and 20,000 annotations (10 per image, the n-th at x = n),
    /// and the expected x of each image's boxes.
    static func generated(annotationsFirst: Bool, shuffled: Bool) -> (String, [[Double]]) {
        let imageCount = 2000, perImage = 10
        let images = (0..<imageCount).map {
            #"{"id":\#($0 + 1),"file_name":"dir/\#($0).jpg","width":100,"height":50}"#
        }
        var annotations = (0..<(imageCount * perImage)).map { number in
            #"{"id":\#(number + 1),"image_id":\#(number / perImage + 1),"category_id":1,"bbox":[\#(number),0.5,2.25,3],"segmentation":[],"area":6.75,"iscrowd":0}"#
        }
        if shuffled {
            var generator = COCOSeededGenerator(seed: 7)
            annotations.shuffle(using: &generator)
        }
        let imagesMember = #""images":[\#(images.joined(separator: ","))]"#
        let annotationsMember = "\"annotations\":[\n" + annotations.joined(separator: ",\n") + "\n]"
        let members = annotationsFirst ? [annotationsMember, imagesMember] : [imagesMember, annotationsMember]
        let json =
            #"{"info":{"note":"\"}{["},"categories":[{"id":1,"name":"box"}],"# + members.joined(separator: ",")
            + "}"
        let expected = (0..<imageCount).map { image in (0..<perImage).map { Double(image * perImage + $0) } }
        return (json, expected)
    }

    static func expectReads(_ json: String, _ expected: [[Double]]) throws {
        let folder = try COCOTemporaryFolder()
        try folder.write("annotations/instances_big.json", json)
        var reader = try COCOReader(files: FolderFiles(root: folder.url))
        var index = 0
        while let item = try reader.next() {
            try #require(index < expected.count)
            #expect(item.id.rawValue == "dir/\(index)")
            let xs = item.annotations.compactMap { annotation -> Double? in
                if case .box(let box) = annotation.geometry, box.width == 2.25 { return box.x }
                return nil
            }
            #expect(xs.sorted() == expected[index], "image \(index)")
            index += 1
        }
        #expect(index == expected.count)
    }
}
