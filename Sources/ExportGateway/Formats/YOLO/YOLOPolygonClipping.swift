import Foundation

/// Clips a polygon ring to the image rectangle with Sutherland–Hodgman: clamping vertices
/// one by one would change the shape (a vertex far outside drags an edge along the border),
/// while clipping keeps every part inside exactly.
enum YOLOPolygonClipping {
    /// `ring` clipped to `0...width` × `0...height`; may have fewer than 3 points when the ring
    /// is outside.
    static func clip(_ ring: [Point], width: Double, height: Double) -> [Point] {
        var points = ring
        points = clip(points, inside: { $0.x >= 0 }, cross: { a, b in intersectX(a, b, at: 0) })
        points = clip(points, inside: { $0.x <= width }, cross: { a, b in intersectX(a, b, at: width) })
        points = clip(points, inside: { $0.y >= 0 }, cross: { a, b in intersectY(a, b, at: 0) })
        points = clip(points, inside: { $0.y <= height }, cross: { a, b in intersectY(a, b, at: height) })
        // Consecutive duplicates appear where the ring touched a border.
        var result: [Point] = []
        for point in points where result.last != point { result.append(point) }
        if result.count > 1, result.first == result.last { result.removeLast() }
        return result
    }

    private static func clip(_ points: [Point], inside: (Point) -> Bool, cross: (Point, Point) -> Point) -> [Point] {
        guard let last = points.last else { return [] }
        var output: [Point] = []
        var previous = last
        for current in points {
            let currentInside = inside(current), previousInside = inside(previous)
            if currentInside {
                if !previousInside { output.append(cross(previous, current)) }
                output.append(current)
            } else if previousInside {
                output.append(cross(previous, current))
            }
            previous = current
        }
        return output
    }

    private static func intersectX(_ a: Point, _ b: Point, at x: Double) -> Point {
        let t = (x - a.x) / (b.x - a.x)
        return Point(x: x, y: a.y + t * (b.y - a.y))
    }

    private static func intersectY(_ a: Point, _ b: Point, at y: Double) -> Point {
        let t = (y - a.y) / (b.y - a.y)
        return Point(x: a.x + t * (b.x - a.x), y: y)
    }
}
