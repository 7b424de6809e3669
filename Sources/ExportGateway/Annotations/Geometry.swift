import Foundation

/// The shape of an annotation, in the item's units with a top-left origin.
public enum Geometry: Sendable, Hashable {
    /// An axis-aligned box.
    case box(Box)
    /// A box turned about its centre.
    case rotatedBox(RotatedBox)
    /// A polygon: the first ring is the outline, others are holes; no ring repeats its first
    /// point at the end.
    case polygon([[Point]])
    /// An open line through the points, in order.
    case polyline([Point])
    /// One or more keypoints of one instance.
    case keypoints([Keypoint])
    /// A pixel mask, as the vendor encoded it.
    case mask(Mask)
    /// The annotation is about the whole image (a class or answer, no shape).
    case whole

    /// The smallest axis-aligned box holding the shape; `nil` for a mask or a whole-image
    /// annotation, and for a shape with no point.
    public var boundingBox: Box? {
        switch self {
        case .box(let box): return box
        case .rotatedBox(let box): return box.enclosingBox
        case .polygon(let rings): return Box(enclosing: rings.first ?? [])
        case .polyline(let points): return Box(enclosing: points)
        case .keypoints(let keypoints):
            return Box(enclosing: keypoints.filter { $0.visibility != .unlabeled }.map(\.point))
        case .mask, .whole: return nil
        }
    }
}

/// A point.
public struct Point: Sendable, Hashable {
    /// Distance from the left edge.
    public var x: Double
    /// Distance from the top edge.
    public var y: Double

    /// Creates a point.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// An axis-aligned box: its top-left corner and its size.
public struct Box: Sendable, Hashable {
    /// The left edge.
    public var x: Double
    /// The top edge.
    public var y: Double
    /// The width.
    public var width: Double
    /// The height.
    public var height: Double

    /// Creates a box from its top-left corner and size.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The smallest box holding `points`, or `nil` when there are none.
    public init?(enclosing points: [Point]) {
        guard let first = points.first else { return nil }
        var minX = first.x, maxX = first.x, minY = first.y, maxY = first.y
        for point in points.dropFirst() {
            minX = min(minX, point.x)
            maxX = max(maxX, point.x)
            minY = min(minY, point.y)
            maxY = max(maxY, point.y)
        }
        self.init(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }

    /// The box's area.
    public var area: Double { width * height }
}

/// A box turned about its centre: size along its own axes, and degrees clockwise (with y
/// pointing down, as on screen).
public struct RotatedBox: Sendable, Hashable {
    /// The centre's x.
    public var centerX: Double
    /// The centre's y.
    public var centerY: Double
    /// The size along the box's own x axis.
    public var width: Double
    /// The size along the box's own y axis.
    public var height: Double
    /// The turn, in degrees clockwise.
    public var degreesClockwise: Double

    /// Creates a turned box.
    public init(centerX: Double, centerY: Double, width: Double, height: Double, degreesClockwise: Double) {
        self.centerX = centerX
        self.centerY = centerY
        self.width = width
        self.height = height
        self.degreesClockwise = degreesClockwise
    }

    /// The four corners, clockwise from the one that is top-left before turning.
    public var corners: [Point] {
        let radians = degreesClockwise * .pi / 180
        let cosine = cos(radians), sine = sin(radians)
        return [(-1.0, -1.0), (1, -1), (1, 1), (-1, 1)].map { sx, sy in
            let dx = sx * width / 2, dy = sy * height / 2
            return Point(x: centerX + dx * cosine - dy * sine, y: centerY + dx * sine + dy * cosine)
        }
    }

    /// The smallest axis-aligned box holding the turned box, in the same units.
    public var enclosingBox: Box { Box(enclosing: corners) ?? Box(x: centerX, y: centerY, width: 0, height: 0) }
}

/// One keypoint.
public struct Keypoint: Sendable, Hashable {
    /// Whether a keypoint was placed and can be seen (COCO's `v`).
    public enum Visibility: Int, Sendable, Hashable {
        /// Not placed.
        case unlabeled = 0
        /// Placed but hidden.
        case occluded = 1
        /// Placed and visible.
        case visible = 2
    }

    /// The joint's name, when the vendor names it.
    public var name: String?
    /// Where it is.
    public var point: Point
    /// Whether it was placed and can be seen.
    public var visibility: Visibility

    /// Creates a keypoint.
    public init(name: String? = nil, point: Point, visibility: Visibility = .visible) {
        self.name = name
        self.point = point
        self.visibility = visibility
    }
}

/// A pixel mask as the vendor encoded it; decoding is left to the writer that needs pixels.
public enum Mask: Sendable, Hashable {
    /// COCO's uncompressed run lengths, column-major, starting with a run of zeros.
    case cocoRLE(counts: [Int], size: ImageSize)
    /// COCO's compressed run-length string.
    case cocoCompressedRLE(String, size: ImageSize)
    /// Label Studio's bit-packed run lengths of RGBA pixels (alpha is the mask).
    case packedRGBARunLengths([UInt8], size: ImageSize)
    /// A mask image elsewhere: a file in the archive or a URL.
    case image(MaskReference)
}

/// Where a mask image is.
public struct MaskReference: Sendable, Hashable {
    /// A path inside the export or a URL.
    public var location: String
    /// The colour that marks this instance in a shared mask image, when it is shared.
    public var colorRGB: [UInt8]?
    /// Whether fetching it needs the vendor's API key (Labelbox mask URLs do): the gateway
    /// never fetches such a URL itself.
    public var needsVendorCredential: Bool

    /// Creates a reference.
    public init(location: String, colorRGB: [UInt8]? = nil, needsVendorCredential: Bool = false) {
        self.location = location
        self.colorRGB = colorRGB
        self.needsVendorCredential = needsVendorCredential
    }
}
