import ExportGateway
import Foundation

/// Seeded images computed from their index, and the export ZIP built from them in each of
/// Pictograph's 12 formats. Everything is deterministic: the same dataset and export
/// settings always give the same bytes.
enum PictographFixtures {
    /// The classes annotations use, in category order.
    static let classes = ["car", "person", "bicycle", "truck", "traffic_light", "dog"]
    /// Pictograph's image stages (`status_filter` values), in the order images cycle through them.
    static let stages = ["new", "annotate", "review", "complete"]
    /// The top-level directories of an `organize_by_split` export, in order.
    static let splits = ["train", "valid", "test"]
    private static let sizes = [(640, 480), (800, 600), (1024, 768), (1280, 720), (1920, 1080)]

    /// One bounding box, in pixels.
    struct Box {
        var id: String
        var className: String
        var x: Int
        var y: Int
        var width: Int
        var height: Int
    }

    /// One seeded image.
    struct Image {
        var index: Int
        var id: String
        var fileName: String
        var stem: String
        var width: Int
        var height: Int
        /// `train`, `valid`, `test`, or `nil` (no split: goes to `train/` when organized).
        var split: String?
        var stage: String
        var boxes: [Box]
    }

    /// Image `index` of `dataset`: 0 to 3 boxes, sizes, splits and stages cycling.
    static func image(_ index: Int, of dataset: PictographSimulator.Dataset) -> Image {
        let stem = String(format: "image_%06d", index)
        let (width, height) = sizes[index % sizes.count]
        let split: String? = index % 23 == 22 ? nil : (index % 10 < 7 ? "train" : index % 10 < 9 ? "valid" : "test")
        let boxes = (0..<(index % 4)).map { n in
            let boxWidth = 40 + (index * 7 + n * 13) % (width / 4)
            let boxHeight = 30 + (index * 11 + n * 17) % (height / 4)
            return Box(
                id: SimulatedID.uuid(
                    namespace: PictographSimulator.Namespace.annotations(of: dataset), index: index * 4 + n),
                className: classes[(index + 2 * n) % classes.count],
                x: (index * 37 + n * 101) % (width - boxWidth), y: (index * 53 + n * 71) % (height - boxHeight),
                width: boxWidth, height: boxHeight)
        }
        return Image(
            index: index,
            id: SimulatedID.uuid(namespace: PictographSimulator.Namespace.images(of: dataset), index: index),
            fileName: stem + ".jpg", stem: stem, width: width, height: height, split: split,
            stage: stages[index % stages.count], boxes: boxes)
    }

    /// Placeholder bytes standing for an image file: a JPEG start marker, a comment naming
    /// the image, and the end marker (recognizable, tiny, not a decodable picture).
    static func placeholderBytes(for image: Image) -> Data {
        let comment = Array("pictograph-sim \(image.fileName) \(image.width)x\(image.height)".utf8)
        var bytes: [UInt8] = [
            0xFF, 0xD8, 0xFF, 0xFE, UInt8((comment.count + 2) >> 8), UInt8((comment.count + 2) & 0xFF),
        ]
        bytes += comment
        bytes += [0xFF, 0xD9]
        return Data(bytes)
    }

    // MARK: The archive

    /// The export's ZIP with how many images and annotations it holds.
    static func archive(
        for record: PictographSimulator.ExportRecord, dataset: PictographSimulator.Dataset
    ) -> (data: Data, imageCount: Int, annotationCount: Int) {
        let request = record.request
        let wanted = request.classFilter.map(Set.init)
        var images: [Image] = []
        for index in 0..<dataset.itemCount {
            var image = image(index, of: dataset)
            if let stage = request.statusFilter, image.stage != stage { continue }
            if let wanted { image.boxes.removeAll { !wanted.contains($0.className) } }
            images.append(image)
        }
        let writer = FormatWriter(
            format: request.format, classes: classes.filter { wanted?.contains($0) ?? true },
            datasetName: dataset.name, exportName: request.name, exportID: record.id, datasetID: dataset.id)
        var entries: [ZipArchive.Entry] = []
        if request.organizeBySplit {
            for split in splits {
                let group = images.filter { ($0.split ?? "train") == split }
                guard !group.isEmpty else { continue }
                entries += writer.entries(for: group, prefix: split + "/")
                if request.includeImages { entries += imageEntries(group, prefix: split + "/") }
            }
        } else {
            entries += writer.entries(for: images, prefix: "")
            if request.includeImages { entries += imageEntries(images, prefix: "") }
        }
        entries += writer.topLevelEntries(organizedBySplit: request.organizeBySplit)
        return (ZipArchive.make(entries), images.count, images.reduce(0) { $0 + $1.boxes.count })
    }

    private static func imageEntries(_ images: [Image], prefix: String) -> [ZipArchive.Entry] {
        images.map { ZipArchive.Entry(path: prefix + "images/" + $0.fileName, contents: placeholderBytes(for: $0)) }
    }
}

/// Writes one group of images (the whole export, or one split) in one format.
private struct FormatWriter {
    var format: String
    /// The classes in the export (after `class_filter`), in category order.
    var classes: [String]
    var datasetName: String
    var exportName: String
    var exportID: String
    var datasetID: String

    typealias Image = PictographFixtures.Image
    typealias Entry = ZipArchive.Entry

    func entries(for images: [Image], prefix: String) -> [Entry] {
        switch format {
        case "coco": return [Entry(path: prefix + "annotations.json", contents: coco(images).serialized())]
        case "yolo", "yolo_obb", "yolo_pose":
            return images.map { Entry(path: prefix + "labels/\($0.stem).txt", contents: Data(yoloLines($0).utf8)) }
        case "dota":
            return images.map { Entry(path: prefix + "labelTxt/\($0.stem).txt", contents: Data(dotaLines($0).utf8)) }
        case "pascal_voc":
            return images.map { Entry(path: prefix + "Annotations/\($0.stem).xml", contents: Data(voc($0).utf8)) }
        case "cvat": return [Entry(path: prefix + "annotations.xml", contents: Data(cvat(images).utf8))]
        case "datumaro":
            return [Entry(path: prefix + "annotations/default.json", contents: datumaro(images).serialized())]
        case "labelme":
            return images.map {
                Entry(path: prefix + "annotations/\($0.stem).json", contents: labelme($0).serialized())
            }
        case "darwin":
            return images.map { Entry(path: prefix + "annotations/\($0.stem).json", contents: darwin($0).serialized()) }
        case "csv": return [Entry(path: prefix + "annotations.csv", contents: Data(csv(images).utf8))]
        default: return [Entry(path: prefix + "annotations.json", contents: pictograph(images).serialized())]
        }
    }

    /// Files that describe the whole export: `data.yaml` for the YOLO family, `classes.txt` for DOTA.
    func topLevelEntries(organizedBySplit: Bool) -> [Entry] {
        switch format {
        case "yolo", "yolo_obb", "yolo_pose":
            var yaml = "path: .\n"
            yaml +=
                organizedBySplit
                ? "train: train/images\nval: valid/images\ntest: test/images\n" : "train: images\nval: images\n"
            if format == "yolo_pose" { yaml += "kpt_shape: [3, 3]\n" }
            yaml += "nc: \(classes.count)\nnames:\n"
            for (index, name) in classes.enumerated() { yaml += "  \(index): \(name)\n" }
            return [Entry(path: "data.yaml", contents: Data(yaml.utf8))]
        case "dota":
            return [Entry(path: "classes.txt", contents: Data(classes.map { $0 + "\n" }.joined().utf8))]
        default:
            return []
        }
    }

    // MARK: JSON formats

    private func pictograph(_ images: [Image]) -> JSONValue {
        [
            "format": "pictograph", "version": "1.0",
            "dataset": ["id": .string(datasetID), "name": .string(datasetName)],
            "export": ["id": .string(exportID), "name": .string(exportName)],
            "classes": .array(classes.map(JSONValue.string)),
            "images": .array(
                images.map { image in
                    [
                        "id": .string(image.id), "file_name": .string(image.fileName),
                        "width": .int(Int64(image.width)), "height": .int(Int64(image.height)),
                        "split": image.split.map(JSONValue.string) ?? .null, "status": .string(image.stage),
                        "annotations": .array(
                            image.boxes.map { box in
                                [
                                    "id": .string(box.id), "class": .string(box.className), "type": "bbox",
                                    "bbox": [
                                        "x": int(box.x), "y": int(box.y), "width": int(box.width),
                                        "height": int(box.height),
                                    ],
                                ]
                            }),
                    ]
                }),
        ]
    }

    private func coco(_ images: [Image]) -> JSONValue {
        var annotations: [JSONValue] = []
        for (imageNumber, image) in images.enumerated() {
            for box in image.boxes {
                annotations.append([
                    "id": .int(Int64(annotations.count + 1)), "image_id": .int(Int64(imageNumber + 1)),
                    "category_id": .int(Int64((classes.firstIndex(of: box.className) ?? 0) + 1)),
                    "bbox": [int(box.x), int(box.y), int(box.width), int(box.height)],
                    "area": .int(Int64(box.width * box.height)), "iscrowd": 0, "segmentation": [],
                ])
            }
        }
        return [
            "info": ["description": .string(exportName), "version": "1.0", "year": 2025, "contributor": "Pictograph"],
            "licenses": [],
            "categories": .array(
                classes.enumerated().map { index, name in
                    ["id": .int(Int64(index + 1)), "name": .string(name), "supercategory": "object"]
                }),
            "images": .array(
                images.enumerated().map { number, image in
                    [
                        "id": .int(Int64(number + 1)), "file_name": .string(image.fileName),
                        "width": .int(Int64(image.width)), "height": .int(Int64(image.height)),
                    ]
                }),
            "annotations": .array(annotations),
        ]
    }

    private func datumaro(_ images: [Image]) -> JSONValue {
        [
            "info": [:],
            "categories": [
                "label": [
                    "labels": .array(classes.map { ["name": .string($0), "parent": "", "attributes": []] }),
                    "attributes": [],
                ]
            ],
            "items": .array(
                images.map { image in
                    [
                        "id": .string(image.stem), "attr": ["frame": .int(Int64(image.index))],
                        "image": [
                            "path": .string(image.fileName),
                            "size": [.int(Int64(image.height)), .int(Int64(image.width))],
                        ],
                        "annotations": .array(
                            image.boxes.enumerated().map { number, box in
                                [
                                    "id": .int(Int64(number)), "type": "bbox", "attributes": [:], "group": 0,
                                    "z_order": 0,
                                    "label_id": .int(Int64(classes.firstIndex(of: box.className) ?? 0)),
                                    "bbox": [int(box.x), int(box.y), int(box.width), int(box.height)],
                                ]
                            }),
                    ]
                }),
        ]
    }

    private func labelme(_ image: Image) -> JSONValue {
        [
            "version": "5.2.1", "flags": [:], "imagePath": .string("../images/" + image.fileName), "imageData": .null,
            "imageWidth": .int(Int64(image.width)), "imageHeight": .int(Int64(image.height)),
            "shapes": .array(
                image.boxes.map { box in
                    [
                        "label": .string(box.className), "shape_type": "rectangle", "group_id": .null, "flags": [:],
                        "points": [[int(box.x), int(box.y)], [int(box.x + box.width), int(box.y + box.height)]],
                    ]
                }),
        ]
    }

    private func darwin(_ image: Image) -> JSONValue {
        [
            "version": "2.0",
            "schema_ref": "https://darwin-public.s3.eu-west-1.amazonaws.com/darwin_json/2.0/schema.json",
            "item": [
                "name": .string(image.fileName), "path": "/",
                "source_info": ["item_id": .string(image.id), "dataset": ["name": .string(datasetName)]],
                "slots": [
                    [
                        "type": "image", "slot_name": "0", "width": .int(Int64(image.width)),
                        "height": .int(Int64(image.height)),
                        "source_files": [["file_name": .string(image.fileName)]],
                    ]
                ],
            ],
            "annotations": .array(
                image.boxes.map { box in
                    [
                        "id": .string(box.id), "name": .string(box.className), "slot_names": ["0"],
                        "bounding_box": ["x": int(box.x), "y": int(box.y), "w": int(box.width), "h": int(box.height)],
                    ]
                }),
        ]
    }

    private func int(_ value: Int) -> JSONValue { .int(Int64(value)) }

    // MARK: Text formats

    private func classIndex(_ name: String) -> Int { classes.firstIndex(of: name) ?? 0 }

    /// The box's corners clockwise from the top left, in pixels.
    private func corners(_ box: PictographFixtures.Box) -> [(Double, Double)] {
        let (x0, y0) = (Double(box.x), Double(box.y))
        let (x1, y1) = (Double(box.x + box.width), Double(box.y + box.height))
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    }

    private func yoloLines(_ image: Image) -> String {
        let (w, h) = (Double(image.width), Double(image.height))
        return image.boxes.map { box in
            let cls = classIndex(box.className)
            switch format {
            case "yolo_obb":
                let points = corners(box).map { String(format: "%.6f %.6f", $0.0 / w, $0.1 / h) }
                return "\(cls) " + points.joined(separator: " ") + "\n"
            case "yolo_pose":
                let cx = (Double(box.x) + Double(box.width) / 2) / w, cy = (Double(box.y) + Double(box.height) / 2) / h
                var line = String(
                    format: "%d %.6f %.6f %.6f %.6f", cls, cx, cy, Double(box.width) / w, Double(box.height) / h)
                // Three keypoints down the box's middle, all visible (v = 2).
                for step in 1...3 {
                    let ky = (Double(box.y) + Double(box.height) * Double(step) / 4) / h
                    line += String(format: " %.6f %.6f 2", cx, ky)
                }
                return line + "\n"
            default:
                let cx = (Double(box.x) + Double(box.width) / 2) / w, cy = (Double(box.y) + Double(box.height) / 2) / h
                return String(
                    format: "%d %.6f %.6f %.6f %.6f\n", cls, cx, cy, Double(box.width) / w, Double(box.height) / h)
            }
        }.joined()
    }

    private func dotaLines(_ image: Image) -> String {
        image.boxes.map { box in
            corners(box).map { String(format: "%.1f %.1f", $0.0, $0.1) }.joined(separator: " ")
                + " \(box.className) 0\n"
        }.joined()
    }

    private func csv(_ images: [Image]) -> String {
        var text = "image_id,file_name,width,height,split,status,class,xmin,ymin,xmax,ymax\n"
        for image in images {
            let head = [image.id, image.fileName, "\(image.width)", "\(image.height)", image.split ?? "", image.stage]
            if image.boxes.isEmpty {
                text += (head + ["", "", "", "", ""]).map(Self.csvField).joined(separator: ",") + "\n"
            }
            for box in image.boxes {
                let tail = [box.className, "\(box.x)", "\(box.y)", "\(box.x + box.width)", "\(box.y + box.height)"]
                text += (head + tail).map(Self.csvField).joined(separator: ",") + "\n"
            }
        }
        return text
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: XML formats

    private func voc(_ image: Image) -> String {
        var xml = "<annotation>\n  <folder>images</folder>\n  <filename>\(xmlEscape(image.fileName))</filename>\n"
        xml += "  <source><database>\(xmlEscape(datasetName))</database></source>\n"
        xml += "  <size><width>\(image.width)</width><height>\(image.height)</height><depth>3</depth></size>\n"
        xml += "  <segmented>0</segmented>\n"
        for box in image.boxes {
            xml += "  <object><name>\(xmlEscape(box.className))</name><pose>Unspecified</pose><truncated>0</truncated>"
            xml += "<difficult>0</difficult><bndbox><xmin>\(box.x)</xmin><ymin>\(box.y)</ymin>"
            xml += "<xmax>\(box.x + box.width)</xmax><ymax>\(box.y + box.height)</ymax></bndbox></object>\n"
        }
        return xml + "</annotation>\n"
    }

    private func cvat(_ images: [Image]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n  <version>1.1</version>\n"
        xml += "  <meta><task><name>\(xmlEscape(exportName))</name><size>\(images.count)</size><labels>"
        xml += classes.map { "<label><name>\(xmlEscape($0))</name></label>" }.joined()
        xml += "</labels></task></meta>\n"
        for (number, image) in images.enumerated() {
            xml +=
                "  <image id=\"\(number)\" name=\"\(xmlEscape(image.fileName))\" width=\"\(image.width)\" height=\"\(image.height)\""
            xml += " subset=\"\(image.split ?? "train")\">\n"
            for box in image.boxes {
                xml += "    <box label=\"\(xmlEscape(box.className))\" source=\"manual\" occluded=\"0\" z_order=\"0\""
                xml +=
                    " xtl=\"\(box.x).00\" ytl=\"\(box.y).00\" xbr=\"\(box.x + box.width).00\" ybr=\"\(box.y + box.height).00\"></box>\n"
            }
            xml += "  </image>\n"
        }
        return xml + "</annotations>\n"
    }

    private func xmlEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&apos;")
    }
}
