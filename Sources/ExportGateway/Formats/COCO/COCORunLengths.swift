import Foundation

/// COCO run-length masks: decoding pycocotools' compressed string, and the area and bounding
/// box a writer must state beside a mask.
enum COCORunLengths {
    /// The run lengths of pycocotools' compressed string (`rleFrString`), or `nil` when it is
    /// not one: 6-bit groups offset by 48, continuation bit 0x20, sign bit 0x10, each count
    /// after the second stored as a difference from the one two before.
    static func decode(_ text: String) -> [Int]? {
        var counts: [Int] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            var value = 0
            var shift = 0
            var more = true
            while more {
                guard index < bytes.count, bytes[index] >= 48, shift < 60 else { return nil }
                let group = Int(bytes[index]) - 48
                value |= (group & 0x1F) << shift
                more = group & 0x20 != 0
                index += 1
                shift += 5
                if !more && group & 0x10 != 0 { value |= -1 << shift }
            }
            if counts.count > 2 {
                let (sum, overflow) = value.addingReportingOverflow(counts[counts.count - 2])
                guard !overflow else { return nil }
                value = sum
            }
            guard value >= 0 else { return nil }
            counts.append(value)
        }
        return counts
    }

    /// The foreground pixel count and bounding box of column-major run lengths that start
    /// with a run of zeros; `nil` when the runs do not fit the size.
    static func measure(_ counts: [Int], size: ImageSize) -> (area: Double, box: Box)? {
        let height = size.height
        guard height > 0, size.width > 0 else { return nil }
        let (total, overflow) = size.width.multipliedReportingOverflow(by: height)
        guard !overflow else { return nil }
        var position = 0
        var area = 0
        var minX = Int.max, maxX = -1, minY = Int.max, maxY = -1
        for (index, run) in counts.enumerated() {
            guard run >= 0, run <= total - position else { return nil }
            if index % 2 == 1 && run > 0 {
                area += run
                let first = position, last = position + run - 1
                let firstColumn = first / height, lastColumn = last / height
                minX = min(minX, firstColumn)
                maxX = max(maxX, lastColumn)
                if firstColumn == lastColumn {
                    minY = min(minY, first % height)
                    maxY = max(maxY, last % height)
                } else {
                    minY = 0
                    maxY = height - 1
                }
            }
            position += run
        }
        guard maxX >= 0 else { return (0, Box(x: 0, y: 0, width: 0, height: 0)) }
        return (
            Double(area),
            Box(x: Double(minX), y: Double(minY), width: Double(maxX - minX + 1), height: Double(maxY - minY + 1))
        )
    }
}
