import Foundation

/// Turns one model annotation into the members of a COCO annotation object (everything but
/// `id`, `image_id` and `category_id`), or the reason it cannot be written.
///
/// `area` is always written: `w*h` for a box, a rotated box and keypoints' envelope; for a
/// polygon the shoelace area of the outer ring minus its holes. pycocotools computes a
/// polygon's area from the rasterised polygon instead, so its figure differs slightly
/// (19620 against 19600 for the fixtures' `city/0001` polygon); COCOeval only uses it to sort
/// objects into small / medium / large.
enum COCOAnnotationEncoder {
    /// What became of an annotation.
    enum Outcome {
        /// The members to write; `adjusted` names a change made to fit.
        case write(members: String, adjusted: String?)
        /// Left out, with the reason.
        case skip(String)
    }

    /// The members for `geometry`. `keypointNames` is the category's keypoint list so far
    /// (empty when not yet set); a keypoint annotation sets it when empty.
    static func encode(_ geometry: Geometry, keypointNames: inout [String]) -> Outcome {
        switch geometry {
        case .box(let box):
            guard finite([box.x, box.y, box.width, box.height]) else { return .skip(notFinite) }
            return .write(members: members(segmentation: "[]", area: box.area, box: box, crowd: false), adjusted: nil)
        case .rotatedBox(let rotated):
            let corners = rotated.corners
            guard finite(corners.flatMap { [$0.x, $0.y] }), let box = Box(enclosing: corners) else {
                return .skip(notFinite)
            }
            return .write(
                members: members(
                    segmentation: "[" + flat(corners) + "]", area: abs(rotated.width * rotated.height), box: box,
                    crowd: false),
                adjusted: nil)
        case .polygon(let rings):
            guard let outer = rings.first, outer.count >= 3 else {
                return .skip("polygon with fewer than 3 points")
            }
            guard finite(rings.flatMap { $0.flatMap { [$0.x, $0.y] } }), let box = Box(enclosing: outer) else {
                return .skip(notFinite)
            }
            let holes = rings.dropFirst().filter { $0.count >= 3 }
            let area = max(0, abs(shoelace(outer)) - holes.reduce(0) { $0 + abs(shoelace($1)) })
            return .write(
                members: members(segmentation: "[" + flat(outer) + "]", area: area, box: box, crowd: false),
                adjusted: holes.isEmpty ? nil : "polygon holes left out (COCO polygons have none; area excludes them)")
        case .keypoints(let points):
            return keypoints(points, names: &keypointNames)
        case .mask(let mask):
            return self.mask(mask)
        case .polyline:
            return .skip("polyline (COCO instances has no lines)")
        case .whole:
            return .skip("image-level label (COCO instances has no place for one)")
        }
    }

    private static let notFinite = "coordinate that is not a finite number"

    private static func keypoints(_ points: [Keypoint], names: inout [String]) -> Outcome {
        guard !points.isEmpty else { return .skip("keypoints annotation without points") }
        guard finite(points.flatMap { [$0.point.x, $0.point.y] }) else { return .skip(notFinite) }
        if names.isEmpty {
            let given = points.compactMap(\.name)
            names = given.count == points.count ? given : (1...points.count).map(String.init)
        } else if names.count != points.count {
            return .skip("keypoints whose count differs from their category's keypoint list")
        }
        let placed = points.filter { $0.visibility != .unlabeled }
        let box = Box(enclosing: placed.map(\.point)) ?? Box(x: 0, y: 0, width: 0, height: 0)
        let values = points.map { point in
            point.visibility == .unlabeled
                ? "0,0,0"
                : COCOText.number(point.point.x) + "," + COCOText.number(point.point.y) + ","
                    + String(point.visibility.rawValue)
        }
        return .write(
            members: members(segmentation: "[]", area: box.area, box: box, crowd: false) + ",\"keypoints\":["
                + values.joined(separator: ",") + "],\"num_keypoints\":" + String(placed.count),
            adjusted: nil)
    }

    private static func mask(_ mask: Mask) -> Outcome {
        let counts: [Int]
        let size: ImageSize
        let countsText: String
        switch mask {
        case .cocoRLE(let runs, let maskSize):
            counts = runs
            size = maskSize
            countsText = "[" + runs.map(String.init).joined(separator: ",") + "]"
        case .cocoCompressedRLE(let text, let maskSize):
            guard let runs = COCORunLengths.decode(text) else {
                return .skip("compressed RLE mask that cannot be decoded")
            }
            counts = runs
            size = maskSize
            countsText = COCOText.string(text)
        case .packedRGBARunLengths, .image:
            return .skip("mask not in COCO RLE form (decode it to a COCO RLE first)")
        }
        guard let (area, box) = COCORunLengths.measure(counts, size: size) else {
            return .skip("RLE mask whose run lengths do not fit its size")
        }
        let segmentation =
            "{\"counts\":" + countsText + ",\"size\":[" + String(size.height) + "," + String(size.width) + "]}"
        return .write(members: members(segmentation: segmentation, area: area, box: box, crowd: true), adjusted: nil)
    }

    private static func members(segmentation: String, area: Double, box: Box, crowd: Bool) -> String {
        "\"segmentation\":" + segmentation + ",\"area\":" + COCOText.number(area) + ",\"bbox\":["
            + [box.x, box.y, box.width, box.height].map(COCOText.number).joined(separator: ",") + "],\"iscrowd\":"
            + (crowd ? "1" : "0")
    }

    /// `[x1,y1,x2,y2,…]`.
    private static func flat(_ points: [Point]) -> String {
        "[" + points.map { COCOText.number($0.x) + "," + COCOText.number($0.y) }.joined(separator: ",") + "]"
    }

    private static func shoelace(_ ring: [Point]) -> Double {
        var sum = 0.0
        for index in ring.indices {
            let next = ring[(index + 1) % ring.count]
            sum += ring[index].x * next.y - next.x * ring[index].y
        }
        return sum / 2
    }

    private static func finite(_ values: [Double]) -> Bool { values.allSatisfy(\.isFinite) }

    /// The non-standard `attributes` object datumaro writes: flags as booleans, texts and
    /// choices as strings, several choices as a list, numbers as numbers; `nil` when empty.
    static func attributes(_ attributes: [Attribute]) -> String? {
        guard !attributes.isEmpty else { return nil }
        var seen: Set<String> = []
        var parts: [String] = []
        for attribute in attributes where seen.insert(attribute.name).inserted {
            let value: String
            switch attribute.value {
            case .flag(let flag): value = flag ? "true" : "false"
            case .text(let text): value = COCOText.string(text)
            case .number(let number): value = number.isFinite ? COCOText.number(number) : "null"
            case .choice(let choice): value = COCOText.string(choice.name)
            case .choices(let choices):
                value = "[" + choices.map { COCOText.string($0.name) }.joined(separator: ",") + "]"
            }
            parts.append(COCOText.string(attribute.name) + ":" + value)
        }
        return "{" + parts.joined(separator: ",") + "}"
    }
}
