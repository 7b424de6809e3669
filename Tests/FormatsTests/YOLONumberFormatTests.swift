import ExportGateway
import Foundation
import Testing

/// The writer's own decimal formatting, checked against C's `%.6f` on many values, ties
/// and near-ties included.
@Suite struct YOLONumberFormatTests {
    @Test func rowValuesMatchPrintfSixDecimals() throws {
        let (parent, destination) = try YOLOWriterTests.destination()
        defer { try? FileManager.default.removeItem(at: parent) }
        var values: [Double] = (0..<400).map { Double($0 * 2_503 % 1_000_003) / 1_000_003 }
        values += (0..<100).map { (Double($0) + 0.5) / 1_000_000 }  // halfway between two outputs
        values += [0, 1, 0.1234565, 0.0000005, 0.9999995, 0.9999996, 1e-9, 0.5]
        var writer = try YOLOWriter(destination: destination, classes: ["a"])
        var expected: [String: String] = [:]
        for (index, value) in values.enumerated() {
            // A normalized box whose centre is `value` and whose size is zero-free.
            let box = Box(x: value, y: value, width: 0, height: 0)
            let item = AnnotatedItem(
                id: ItemID(rawValue: "v\(index)"), units: .normalized,
                annotations: [Annotation(label: "a", geometry: .box(box))])
            try writer.write(item, image: nil)
            let centre = (value + value) / 2
            expected["labels/train/v\(index).txt"] = String(format: "%.6f", centre)
        }
        _ = try writer.finish()
        let rows = try YOLOWriterTests.rows(in: destination)
        var checked = 0
        for (path, lines) in rows {
            guard let line = lines.first, let want = expected[path] else { continue }
            let fields = line.split(separator: " ").map(String.init)
            #expect(fields[1] == want, "\(path): \(line)")
            checked += 1
        }
        #expect(checked > 450)
    }
}
