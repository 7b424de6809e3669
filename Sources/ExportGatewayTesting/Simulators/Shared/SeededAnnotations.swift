import ExportGateway
import Foundation

/// The annotated images every simulator serves, each in its own vendor's shape (Labelbox rows
/// with objects, Label Studio results in percent, a Pictograph COCO file, an Avala YOLO file),
/// so one conformance check can ask every adapter for the same boxes, polygons and classes.
///
/// Image sizes are powers of two no larger than 256 and box coordinates multiples of 8, so
/// every conversion on the way (percent, YOLO's six-decimal fractions) is exact in binary:
/// what comes back must equal what went in, not merely be close.
public enum SeededAnnotations {
    /// The classes, in the project's order; `person` comes last and is used once.
    public static let classes = ["car", "traffic light", "vélo", "person"]

    /// One image and its objects.
    public struct Image: Sendable, Hashable {
        /// The file name, sub-folders kept.
        public let key: String
        /// Its size in pixels.
        public let size: ImageSize
        /// Its objects, in order.
        public let objects: [Object]

        /// The file name without its folders or extension (`0001`): what survives every vendor.
        public var stem: String { DatasetPath.stem(String(key.split(separator: "/").last ?? "")) }
    }

    /// One object: a class and a box or a polygon, in pixels.
    public struct Object: Sendable, Hashable {
        /// The class name (one of ``classes``).
        public let label: String
        /// A ``Geometry/box(_:)`` or a one-ring ``Geometry/polygon(_:)``.
        public let geometry: Geometry
    }

    /// The images, in order; `empty_0004.png` has no object.
    public static let images: [Image] = [
        Image(
            key: "city/0001.png", size: ImageSize(width: 256, height: 128),
            objects: [
                box("car", 0, 64, 64, 32),
                box("traffic light", 128, 8, 16, 40),
                polygon("vélo", [(160, 40), (200, 40), (208, 96), (152, 96)]),
            ]),
        Image(
            key: "city/0002.png", size: ImageSize(width: 256, height: 256),
            objects: [
                box("car", 16, 128, 96, 64),
                box("person", 200, 160, 56, 96),
                box("traffic light", 96, 96, 8, 8),
            ]),
        Image(key: "0003.png", size: ImageSize(width: 128, height: 64), objects: [box("vélo", 8, 8, 40, 32)]),
        Image(key: "empty_0004.png", size: ImageSize(width: 64, height: 64), objects: []),
        Image(
            key: "street/0005.png", size: ImageSize(width: 256, height: 128),
            objects: [
                polygon("car", [(16, 16), (80, 16), (96, 48), (48, 80), (8, 56)]),
                box("car", 136, 24, 32, 96),
            ]),
    ]

    private static func box(_ label: String, _ x: Double, _ y: Double, _ width: Double, _ height: Double) -> Object {
        Object(label: label, geometry: .box(Box(x: x, y: y, width: width, height: height)))
    }

    private static func polygon(_ label: String, _ points: [(Double, Double)]) -> Object {
        Object(label: label, geometry: .polygon([points.map { Point(x: $0.0, y: $0.1) }]))
    }
}
