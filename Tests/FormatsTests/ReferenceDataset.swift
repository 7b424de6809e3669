import ExportGateway
import Foundation

/// The fixtures' dataset ("set A" in `Tests/Fixtures/formats/generate.py`) rebuilt in Swift:
/// what datumaro was given before it wrote the COCO, YOLO and VOC folders. Writers' tests
/// write it, read it back, and compare with what the readers got from datumaro's files.
enum ReferenceDataset {
    /// The classes, in order.
    static let classes = ["car", "traffic light", "vélo", "person"]

    /// The twelve images: ids keep their sub-folders, keys carry the file extension.
    static let items: [AnnotatedItem] = [
        item(
            "city/0001", "train", 640, 480,
            [
                box("car", 0, 200, 120, 80, truncated: true),
                box("traffic light", 300, 40, 20, 60),
                polygon("vélo", [400, 300, 520, 300, 560, 420, 380, 440]),
            ]),
        item(
            "city/0002", "train", 1920, 1080,
            [
                box("traffic light", 960, 540, 1, 1),
                box("car", 100, 600, 400, 300),
                box("person", 1800, 900, 120, 180, truncated: true),
            ]),
        item("tiny_33x17", "train", 33, 17, [box("vélo", 2, 3, 10, 8)], fileExtension: "png"),
        item("empty_0004", "train", 800, 600, []),
        item(
            "street/0005", "train", 1280, 720,
            [
                Annotation(label: "traffic light", geometry: .whole),
                box("car", 200, 300, 300, 200),
                box("person", 700, 200, 100, 300, occluded: true),
                Annotation(
                    label: "person",
                    geometry: .keypoints(
                        [(750.0, 220.0), (730, 300), (770, 300)].map { Keypoint(point: Point(x: $0.0, y: $0.1)) })),
            ]),
        item(
            "0006", "train", 1024, 768,
            [
                polygon("car", [100, 100, 400, 120, 380, 400, 90, 380, 60, 200]),
                box("person", 600, 300, 150, 400),
            ]),
        item(
            "0007", "train", 480, 640,
            [box("person", 50, 100, 200, 500), box("vélo", 260, 400, 200, 200, difficult: true)]),
        item("0008", "train", 100, 100, [box("car", 10, 10, 80, 80)]),
        item("0009", "train", 64, 48, [box("traffic light", 30, 5, 10, 30)]),
        item("0010", "val", 500, 375, [box("car", 20, 150, 200, 120), box("person", 300, 80, 80, 250)]),
        item("city/0011", "val", 1920, 1080, [box("vélo", 800, 500, 300, 250)]),
        item("0012", "val", 300, 200, [box("traffic light", 140, 20, 20, 50)]),
    ]

    private static func item(
        _ id: String, _ subset: String, _ width: Int, _ height: Int, _ annotations: [Annotation],
        fileExtension: String = "jpg"
    ) -> AnnotatedItem {
        AnnotatedItem(
            id: ItemID(rawValue: id), key: "\(id).\(fileExtension)", imageSize: ImageSize(width: width, height: height),
            subset: subset, annotations: annotations)
    }

    private static func box(
        _ label: String, _ x: Double, _ y: Double, _ width: Double, _ height: Double, truncated: Bool = false,
        occluded: Bool = false, difficult: Bool = false
    ) -> Annotation {
        var attributes: [Attribute] = []
        if truncated { attributes.append(.flag("truncated", true)) }
        if occluded { attributes.append(.flag("occluded", true)) }
        if difficult { attributes.append(.flag("difficult", true)) }
        return Annotation(
            label: label, geometry: .box(Box(x: x, y: y, width: width, height: height)), attributes: attributes)
    }

    private static func polygon(_ label: String, _ flat: [Double]) -> Annotation {
        let points = stride(from: 0, to: flat.count - 1, by: 2).map { Point(x: flat[$0], y: flat[$0 + 1]) }
        return Annotation(label: label, geometry: .polygon([points]))
    }
}
