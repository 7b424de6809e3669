import Foundation

/// One image (data row, task, file) with its annotations, in the same shape whatever the
/// vendor or file format it came from.
///
/// Coordinates are pixels with a top-left origin (see ``units``). ``id`` is the vendor's id
/// for the image; a format reader, which has no vendor id, uses the file's relative path
/// without its extension (`city/0001`), so the same image read from COCO, YOLO or VOC files
/// has the same id.
///
/// ```swift
/// for try await item in gateway.annotations(of: ready) {
///     for annotation in item.annotations {
///         if case .box(let box) = annotation.geometry { print(annotation.label ?? "?", box) }
///     }
/// }
/// ```
public struct AnnotatedItem: Sendable, Hashable, Identifiable {
    /// The vendor's id for the image, or for a file format the relative path without extension.
    public var id: ItemID
    /// The file name, sub-folders kept (`city/0001.jpg`), when known.
    public var key: String?
    /// Where the media lives, when the vendor says.
    public var mediaURL: URL?
    /// The image's size in pixels; `nil` when nothing states it.
    public var imageSize: ImageSize?
    /// The split the image belongs to (`train`, `val`), when the vendor or format has one.
    public var subset: String?
    /// The unit of every coordinate in ``annotations``: pixels, except for YOLO files read
    /// without a way to learn the image size.
    public var units: CoordinateUnits
    /// The annotations, in the order the vendor or file lists them.
    public var annotations: [Annotation]
    /// The vendor's whole row, task or per-image record, for what the model has no word for.
    public var providerFields: JSONValue

    /// Creates an item.
    public init(
        id: ItemID, key: String? = nil, mediaURL: URL? = nil, imageSize: ImageSize? = nil, subset: String? = nil,
        units: CoordinateUnits = .pixels, annotations: [Annotation] = [], providerFields: JSONValue = .null
    ) {
        self.id = id
        self.key = key
        self.mediaURL = mediaURL
        self.imageSize = imageSize
        self.subset = subset
        self.units = units
        self.annotations = annotations
        self.providerFields = providerFields
    }
}

/// An image's size in pixels.
public struct ImageSize: Sendable, Hashable, CustomStringConvertible {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// Creates a size.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// `640x480`.
    public var description: String { "\(width)x\(height)" }
}

/// The unit of an item's coordinates.
public enum CoordinateUnits: Sendable, Hashable {
    /// Pixels from the image's top-left corner.
    case pixels
    /// Fractions of the image's width and height (0...1), as YOLO stores them: only for YOLO
    /// files read without the images or another way to learn their sizes.
    case normalized
}

extension AnnotatedItem {
    /// Whether no annotation has a place on the image (none, or only whole-image ones): such
    /// an image can be left out of a format that needs sizes without losing a shape.
    var placesNothing: Bool { annotations.allSatisfy { $0.geometry == .whole } }
}
