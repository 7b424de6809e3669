import ExportGateway
import Foundation

/// ``SeededAnnotations`` as one COCO instances file (`annotations.json`), the way the
/// Pictograph simulator serves a `coco` export of its annotated dataset.
///
/// Image ids are 1…5 and annotation ids 1…N in ``SeededAnnotations/images`` order, category
/// ids are 1…4 in ``SeededAnnotations/classes`` order, and `file_name` is the image's key
/// (sub-folders kept). A box has `segmentation: []`; a polygon has its one ring flattened
/// (`[[x1, y1, x2, y2, …]]`), its enclosing `bbox` and its shoelace `area`. Every number is
/// whole, so it is written as a JSON integer.
public enum SeededCOCOFile {
    /// The file's path inside the export's ZIP.
    public static let path = "annotations.json"

    /// The COCO document.
    public static var document: JSONValue {
        var images: [JSONValue] = []
        var annotations: [JSONValue] = []
        for (index, image) in SeededAnnotations.images.enumerated() {
            let imageID = index + 1
            images.append([
                "id": number(imageID), "file_name": .string(image.key),
                "width": number(image.size.width), "height": number(image.size.height),
            ])
            for object in image.objects {
                let categoryID = (SeededAnnotations.classes.firstIndex(of: object.label) ?? 0) + 1
                var annotation: [String: JSONValue] = [
                    "id": number(annotations.count + 1), "image_id": number(imageID),
                    "category_id": number(categoryID), "iscrowd": 0,
                ]
                switch object.geometry {
                case .polygon(let rings):
                    let ring = rings.first ?? []
                    let box = Box(enclosing: ring) ?? Box(x: 0, y: 0, width: 0, height: 0)
                    annotation["bbox"] = bbox(box)
                    annotation["area"] = number(area(of: ring))
                    annotation["segmentation"] = [.array(ring.flatMap { [number($0.x), number($0.y)] })]
                default:
                    let box = object.geometry.boundingBox ?? Box(x: 0, y: 0, width: 0, height: 0)
                    annotation["bbox"] = bbox(box)
                    annotation["area"] = number(box.area)
                    annotation["segmentation"] = []
                }
                annotations.append(.object(annotation))
            }
        }
        return [
            "info": ["description": "ExportGateway seeded annotations", "version": "1.0"],
            "licenses": [],
            "images": .array(images),
            "annotations": .array(annotations),
            "categories": .array(
                SeededAnnotations.classes.enumerated().map { index, name in
                    ["id": number(index + 1), "name": .string(name), "supercategory": ""]
                }),
        ]
    }

    /// The document's bytes: compact UTF-8 JSON.
    public static var data: Data { document.serialized() }

    /// How many annotations the file holds (boxes and polygons alike).
    public static var annotationCount: Int { SeededAnnotations.images.reduce(0) { $0 + $1.objects.count } }

    private static func bbox(_ box: Box) -> JSONValue {
        [number(box.x), number(box.y), number(box.width), number(box.height)]
    }

    /// The polygon's area by the shoelace formula (exact for the seed's whole coordinates).
    private static func area(of ring: [Point]) -> Double {
        guard ring.count > 2 else { return 0 }
        var twice = 0.0
        for (index, point) in ring.enumerated() {
            let next = ring[(index + 1) % ring.count]
            twice += point.x * next.y - next.x * point.y
        }
        return abs(twice) / 2
    }

    /// A whole number as a JSON integer (COCO tools write ids and sizes that way), else a double.
    private static func number(_ value: Double) -> JSONValue {
        guard value == value.rounded(), abs(value) < 1e15 else { return .double(value) }
        return .int(Int64(value))
    }

    private static func number(_ value: Int) -> JSONValue { .int(Int64(value)) }
}
