import ExportGateway
import Foundation

extension ConformanceSuite {
    static let annotationChecks: [ConformanceCheck] = [
        ConformanceCheck("annotationsYieldTheSeededBoxesPolygonsAndClasses", requires: .readsAnnotations) { env in
            let simulator = try env.requireSimulator("seed annotated images")
            let created = try await env.gateway.createAnnotationExport(of: simulator.seedAnnotatedSource())
            let ready = try await env.gateway.wait(for: created, timeout: .seconds(600), pollInterval: .seconds(1))
            let items = try await env.gateway.annotations(of: ready).collect()
            // A YOLO detection file holds boxes only; every other route keeps polygons too.
            let keepsPolygons = env.gateway.annotationRoute != .file(request: .yolo, reads: .yolo)
            try Expect.that(
                items.count == SeededAnnotations.images.count,
                "annotations(of:) gave \(items.count) images, the simulator seeded \(SeededAnnotations.images.count)")
            for image in SeededAnnotations.images {
                let matches = items.filter { AnnotationComparison.stem(of: $0) == image.stem }
                try Expect.that(matches.count == 1, "\(matches.count) images named \(image.stem), expected 1")
                let item = matches[0]
                try Expect.that(item.units == .pixels, "\(image.key) is in \(item.units) units, expected pixels")
                // A vendor may state no size for an image with nothing on it (Label Studio).
                try Expect.that(
                    item.imageSize == image.size || (item.imageSize == nil && image.objects.isEmpty),
                    "\(image.key) has size \(item.imageSize.map { "\($0)" } ?? "nil"), expected \(image.size)")
                let expected = image.objects.filter { keepsPolygons || $0.geometry.isBox }
                    .map { AnnotationComparison.Shape(label: $0.label, geometry: $0.geometry) }
                let actual = item.annotations.filter {
                    if case .prediction = $0.source.kind { return false }
                    return $0.geometry.isBox || $0.geometry.isPolygon
                }.map { AnnotationComparison.Shape(label: $0.label ?? "", geometry: $0.geometry) }
                try Expect.that(
                    AnnotationComparison.same(actual, expected),
                    "\(image.key): got \(actual.map(\.description).sorted()), expected \(expected.map(\.description).sorted())"
                )
            }
        }
    ]
}

/// Compares annotations with the seed: same labels and shapes, in any order, coordinates equal
/// to within a millionth of a pixel.
enum AnnotationComparison {
    struct Shape: CustomStringConvertible {
        var label: String
        var geometry: Geometry
        var description: String {
            switch geometry {
            case .box(let box): "\(label) box \(box.x),\(box.y),\(box.width),\(box.height)"
            case .polygon(let rings):
                "\(label) polygon " + (rings.first ?? []).map { "\($0.x),\($0.y)" }.joined(separator: " ")
            default: "\(label) \(geometry)"
            }
        }
    }

    static func stem(of item: AnnotatedItem) -> String {
        let name = (item.key ?? item.id.rawValue).split(separator: "/").last.map(String.init) ?? ""
        return DatasetPath.stem(name)
    }

    static func same(_ actual: [Shape], _ expected: [Shape]) -> Bool {
        guard actual.count == expected.count else { return false }
        var unmatched = expected
        for shape in actual {
            guard let index = unmatched.firstIndex(where: { close(shape, $0) }) else { return false }
            unmatched.remove(at: index)
        }
        return true
    }

    private static func close(_ a: Shape, _ b: Shape) -> Bool {
        guard a.label == b.label else { return false }
        let tolerance = 1e-6
        switch (a.geometry, b.geometry) {
        case (.box(let p), .box(let q)):
            return abs(p.x - q.x) <= tolerance && abs(p.y - q.y) <= tolerance
                && abs(p.width - q.width) <= tolerance && abs(p.height - q.height) <= tolerance
        case (.polygon(let p), .polygon(let q)):
            guard p.count == q.count else { return false }
            return zip(p, q).allSatisfy { ring, other in
                ring.count == other.count
                    && zip(ring, other).allSatisfy { abs($0.x - $1.x) <= tolerance && abs($0.y - $1.y) <= tolerance }
            }
        default:
            return false
        }
    }
}

extension Geometry {
    fileprivate var isBox: Bool {
        if case .box = self { return true }
        return false
    }
    fileprivate var isPolygon: Bool {
        if case .polygon = self { return true }
        return false
    }
}
