import Foundation

/// A box in VOC devkit pixels: 1-based, inclusive, integers, inside the image.
struct VOCPixelBox: Sendable, Hashable {
    /// The first covered column, 1...width.
    var xmin: Int
    /// The first covered row, 1...height.
    var ymin: Int
    /// The last covered column, xmin...width.
    var xmax: Int
    /// The last covered row, ymin...height.
    var ymax: Int
    /// Whether the box reached past the image and was cut to it.
    var clamped: Bool

    /// Rounds `box` outwards to whole pixels. Coordinates are first snapped to 1e-6 px so
    /// `899.9999999999999` (a percent converted in the wrong order) counts as 900, not 899.
    /// Returns `nil` for a box with a non-finite coordinate or entirely outside the image.
    init?(_ box: Box, in size: ImageSize) {
        let left = Self.snapped(box.x), top = Self.snapped(box.y)
        let right = Self.snapped(box.x + max(box.width, 0)), bottom = Self.snapped(box.y + max(box.height, 0))
        guard left.isFinite, top.isFinite, right.isFinite, bottom.isFinite else { return nil }
        let width = Double(size.width), height = Double(size.height)
        guard left < width, top < height, right > 0 || (right == 0 && left == 0),
            bottom > 0 || (bottom == 0 && top == 0)
        else { return nil }
        let rawXMin = floor(left) + 1, rawYMin = floor(top) + 1
        // A zero-size box still covers the pixel it starts in.
        let rawXMax = max(ceil(right), rawXMin), rawYMax = max(ceil(bottom), rawYMin)
        let xmin = min(max(rawXMin, 1), width), ymin = min(max(rawYMin, 1), height)
        let xmax = min(max(rawXMax, xmin), width), ymax = min(max(rawYMax, ymin), height)
        self.xmin = Int(xmin)
        self.ymin = Int(ymin)
        self.xmax = Int(xmax)
        self.ymax = Int(ymax)
        clamped = xmin != rawXMin || ymin != rawYMin || xmax != rawXMax || ymax != rawYMax
    }

    private static func snapped(_ value: Double) -> Double {
        guard value.isFinite, abs(value) < 1e12 else { return .nan }
        return (value * 1e6).rounded() / 1e6
    }
}
