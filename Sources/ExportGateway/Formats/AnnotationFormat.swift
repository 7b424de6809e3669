import Foundation

/// A standard annotation file format the gateway reads and writes.
public enum AnnotationFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// COCO instances JSON (`annotations/instances_<subset>.json`).
    case coco
    /// YOLO: the Ultralytics layout (`data.yaml`, `images/`, `labels/`) or darknet's (`obj.names`).
    case yolo
    /// Pascal VOC (`Annotations/*.xml`, `ImageSets/Main`, `labelmap.txt`).
    case voc

    /// `coco`, `yolo`, `voc`.
    public var description: String { rawValue }
}

/// Reads annotated items out of files in one format, one image at a time.
public protocol AnnotationReader {
    /// The class names in the format's own order (YOLO index, COCO category id, VOC labelmap).
    var classes: [String] { get }
    /// The next image and its annotations, or `nil` after the last.
    /// - Throws: ``GatewayError/Kind/decoding`` naming the file and what was wrong in it.
    mutating func next() throws -> AnnotatedItem?
    /// Where the image file of `item` is in the files being read, when it is there.
    func imagePath(for item: AnnotatedItem) -> String?
}

/// Writes annotated items into one format's layout as they arrive.
///
/// Writers take the class list up front, keep classes no annotation uses (so indices never
/// shift) and append classes they meet later; they never sort. Output appears in the
/// destination only when ``finish()`` succeeds.
public protocol AnnotationWriter {
    /// Adds one image and its annotations; `image`, when given, is copied beside them.
    /// - Throws: ``GatewayError/Kind/unsupported`` for what the format cannot hold
    ///   (normalized coordinates for COCO and VOC), ``GatewayError/Kind/localFile`` when a
    ///   file cannot be written.
    mutating func write(_ item: AnnotatedItem, image: DatasetImage?) throws
    /// Writes what remains (class lists, COCO's JSON) and moves the result into place.
    mutating func finish() throws -> AnnotationWriteSummary
    /// Abandons the output: removes what was written so far; the destination stays as it was.
    func discard()
}

/// An image file inside a ``DatasetFiles`` tree, to copy along with its annotations.
public struct DatasetImage: Sendable {
    /// The tree holding it.
    public var files: any DatasetFiles
    /// Its path in the tree.
    public var path: String

    /// Names an image file.
    public init(files: any DatasetFiles, path: String) {
        self.files = files
        self.path = path
    }
}

/// What a writer wrote, and what the format could not hold.
public struct AnnotationWriteSummary: Sendable, Hashable {
    /// Images written (with or without annotations).
    public var items: Int
    /// Annotations written.
    public var annotations: Int
    /// The classes, in the order written.
    public var classes: [String]
    /// Annotations left out, with the reason (a polyline in YOLO), counted per reason.
    public var skipped: [String: Int]
    /// Annotations changed to fit (a box clamped to the image), counted per reason.
    public var adjusted: [String: Int]

    /// Creates a summary.
    public init(
        items: Int = 0, annotations: Int = 0, classes: [String] = [], skipped: [String: Int] = [:],
        adjusted: [String: Int] = [:]
    ) {
        self.items = items
        self.annotations = annotations
        self.classes = classes
        self.skipped = skipped
        self.adjusted = adjusted
    }
}
