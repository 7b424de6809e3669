import Foundation

/// Writes items as an Ultralytics YOLO dataset, one label file per image as items arrive:
///
/// ```
/// data.yaml                      train: images/train, val: images/val, names: {0: car, …}, nc
/// images/<subset>/<key>          when the item's image is given (copied in pieces)
/// labels/<subset>/<stem>.txt     one per image, empty when it has no objects
/// ```
///
/// Rows are `class cx cy w h` (``Task/detect``) or `class x1 y1 x2 y2 …`
/// (``Task/segment``), fractions of the image size with six decimals, single spaces and a
/// final newline: the one number format both Ultralytics and datumaro read. Items without a
/// subset go to `train`. When no item is in `val`, `val:` names the train images, because
/// Ultralytics refuses a `data.yaml` without it (the reader reads those images once). Boxes
/// are clamped and polygons clipped to the image, counted in
/// ``AnnotationWriteSummary/adjusted``; shapes YOLO cannot hold (keypoints, polylines,
/// masks, whole-image labels) are counted in ``AnnotationWriteSummary/skipped``.
///
/// ```swift
/// var writer = try YOLOWriter(destination: folder, classes: ["car", "person"])
/// for item in items { try writer.write(item, image: nil) }
/// let summary = try writer.finish()
/// ```
public struct YOLOWriter: AnnotationWriter {
    /// What the rows describe.
    public enum Task: Sendable, Hashable {
        /// Boxes, `class cx cy w h`; other shapes are written as their bounding box.
        case detect
        /// Polygons, `class x1 y1 x2 y2 …`; boxes are written as their four corners.
        case segment
    }

    private let staging: StagingFolder
    private let task: Task
    private var classes: [String]
    private var classIndex: [String: Int]
    private var subsets: Set<String> = []
    private var usedNames: Set<String> = []
    private var summary = AnnotationWriteSummary()
    private var finished = false

    /// Prepares to write into `destination`, which must not exist or be an empty folder.
    /// - Parameters:
    ///   - classes: The class names in index order; classes no annotation uses are kept, and
    ///     labels not in the list are appended as they are met, so indices never shift.
    ///   - task: Boxes or polygons.
    /// - Throws: ``GatewayError/Kind/localFile`` when `destination` holds files or cannot be
    ///   created.
    public init(destination: URL, classes: [String] = [], task: Task = .detect) throws {
        staging = try StagingFolder(destination: destination)
        self.task = task
        self.classes = []
        classIndex = [:]
        for name in classes where classIndex[name] == nil {
            classIndex[name] = self.classes.count
            self.classes.append(name)
        }
    }

    /// Writes the item's label file (and copies its image when given) under its subset.
    /// - Throws: ``GatewayError/Kind/unsupported`` for an item in pixels whose size is
    ///   unknown (no ``AnnotatedItem/imageSize`` and no readable image), or without a usable
    ///   name; ``GatewayError/Kind/localFile`` when a file cannot be written.
    public mutating func write(_ item: AnnotatedItem, image: DatasetImage?) throws {
        guard !finished else {
            throw GatewayError(.localFile, message: "write(_:image:) came after finish(); start a new writer.")
        }
        let subset = Self.folderName(item.subset) ?? "train"
        var key = item.key.flatMap(DatasetPath.sanitized)
        if key == nil, let image {
            let fileExtension = DatasetPath.fileExtension(image.path)
            key = DatasetPath.sanitized(item.id.rawValue).map { fileExtension.isEmpty ? $0 : $0 + "." + fileExtension }
        }
        guard var stem = (key.map(DatasetPath.stem) ?? DatasetPath.sanitized(item.id.rawValue)) else {
            throw GatewayError(
                .unsupported,
                message: "Item `\(item.id)` has no key or id usable as a file name. Give it a key such as `0001.jpg`.")
        }
        if !usedNames.insert(subset + "/" + stem).inserted {
            var number = 2
            while !usedNames.insert("\(subset)/\(stem)-\(number)").inserted { number += 1 }
            stem += "-\(number)"
            if let old = key {
                let fileExtension = DatasetPath.fileExtension(old)
                key = fileExtension.isEmpty ? stem : stem + "." + old.suffix(fileExtension.count)
            }
            adjust("file name already used in its subset, suffixed")
        }
        var size = item.imageSize
        if size == nil, let image {
            var reader = try image.files.open(image.path)
            size = try ImageHeader.size(of: &reader)
        }
        let rows = try rows(for: item, size: size)
        let label = try staging.file("labels/\(subset)/\(stem).txt")
        do {
            try Data(rows).write(to: label)
        } catch {
            throw GatewayError(
                .localFile, message: "Could not write \(label.path): \(error.localizedDescription)", underlying: error)
        }
        if let image, let key {
            try copy(image, to: staging.file("images/\(subset)/\(key)"))
        }
        subsets.insert(subset)
        summary.items += 1
    }

    public func discard() { staging.discard() }

    /// Writes `data.yaml` and moves the dataset into the destination.
    /// - Throws: ``GatewayError/Kind/localFile`` when it cannot be written or moved.
    public mutating func finish() throws -> AnnotationWriteSummary {
        guard !finished else {
            throw GatewayError(.localFile, message: "finish() was already called; this writer has written its output.")
        }
        finished = true
        var yaml = "# Written by ExportGateway. Paths are relative to this file's folder.\n"
        let train = subsets.contains("train") ? "train" : subsets.sorted().first ?? "train"
        yaml += "train: images/\(train)\n"
        if subsets.contains("val") {
            yaml += "val: images/val\n"
        } else {
            yaml += "# No val subset was written: val names the train images, as Ultralytics requires a val.\n"
            yaml += "val: images/\(train)\n"
        }
        if subsets.contains("test") { yaml += "test: images/test\n" }
        yaml += "nc: \(classes.count)\n"
        yaml += classes.isEmpty ? "names: {}\n" : "names:\n"
        for (index, name) in classes.enumerated() { yaml += "  \(index): \(Self.yamlScalar(name))\n" }
        let url = try staging.file("data.yaml")
        do {
            try Data(yaml.utf8).write(to: url)
        } catch {
            staging.discard()
            throw GatewayError(
                .localFile, message: "Could not write \(url.path): \(error.localizedDescription)", underlying: error)
        }
        try staging.commit()
        summary.classes = classes
        return summary
    }

    // MARK: Rows

    private mutating func rows(for item: AnnotatedItem, size: ImageSize?) throws -> [UInt8] {
        var bytes: [UInt8] = []
        let normalized = item.units == .normalized
        let width: Double, height: Double
        if normalized {
            (width, height) = (1, 1)
        } else if let size, size.width > 0, size.height > 0 {
            (width, height) = (Double(size.width), Double(size.height))
        } else {
            (width, height) = (0, 0)
        }
        for annotation in item.annotations {
            switch annotation.geometry {
            case .keypoints:
                skip("keypoints: YOLO detect and segment rows hold none")
                continue
            case .polyline:
                skip("polyline: YOLO has no open lines")
                continue
            case .mask:
                skip("mask: YOLO rows hold no pixel masks")
                continue
            case .whole:
                skip("whole-image label: YOLO rows need a shape")
                continue
            case .box, .rotatedBox, .polygon: break
            }
            guard let label = annotation.label else {
                skip("no class label")
                continue
            }
            guard width > 0 else {
                throw GatewayError(
                    .unsupported,
                    message: "Item `\(item.id)` has pixel coordinates but no image size, and YOLO stores fractions "
                        + "of the size. Supply the image (or set imageSize) for every item.",
                    feature: "yolo.imageSize")
            }
            let index = classNumber(label)
            let start = bytes.count
            switch task {
            case .detect: appendBox(annotation.geometry, index: index, width: width, height: height, to: &bytes)
            case .segment: appendPolygon(annotation.geometry, index: index, width: width, height: height, to: &bytes)
            }
            if bytes.count > start { summary.annotations += 1 }
        }
        return bytes
    }

    private mutating func appendBox(
        _ geometry: Geometry, index: Int, width: Double, height: Double, to bytes: inout [UInt8]
    ) {
        switch geometry {
        case .rotatedBox: adjust("rotated box written as its bounding box")
        case .polygon: adjust("polygon written as its bounding box")
        default: break
        }
        guard let box = geometry.boundingBox, box.x.isFinite, box.y.isFinite, box.width.isFinite, box.height.isFinite
        else {
            skip("shape without finite coordinates")
            return
        }
        let left = max(box.x, 0), top = max(box.y, 0)
        let right = min(box.x + box.width, width), bottom = min(box.y + box.height, height)
        guard right > left || (right == left && box.width == 0 && left > 0 && left < width),
            bottom > top || (bottom == top && box.height == 0 && top > 0 && top < height)
        else {
            skip("box outside the image")
            return
        }
        if left != box.x || top != box.y || right != box.x + box.width || bottom != box.y + box.height {
            adjust("box clamped to the image")
        }
        appendIndex(index, to: &bytes)
        for value in [
            (left + right) / 2 / width, (top + bottom) / 2 / height, (right - left) / width, (bottom - top) / height,
        ] {
            bytes.append(UInt8(ascii: " "))
            YOLONumberFormat.append(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func appendPolygon(
        _ geometry: Geometry, index: Int, width: Double, height: Double, to bytes: inout [UInt8]
    ) {
        let ring: [Point]
        switch geometry {
        case .box(let box):
            ring = [
                Point(x: box.x, y: box.y), Point(x: box.x + box.width, y: box.y),
                Point(x: box.x + box.width, y: box.y + box.height), Point(x: box.x, y: box.y + box.height),
            ]
        case .rotatedBox(let box): ring = box.corners
        case .polygon(let rings):
            if rings.count > 1 { adjust("polygon holes dropped: a YOLO row holds one outline") }
            ring = rings.first ?? []
        default: return
        }
        guard ring.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else {
            skip("shape without finite coordinates")
            return
        }
        let clipped = YOLOPolygonClipping.clip(ring, width: width, height: height)
        guard clipped.count >= 3 else {
            skip("polygon with fewer than 3 points inside the image")
            return
        }
        if clipped != ring { adjust("polygon clipped to the image") }
        appendIndex(index, to: &bytes)
        for point in clipped {
            bytes.append(UInt8(ascii: " "))
            YOLONumberFormat.append(point.x / width, to: &bytes)
            bytes.append(UInt8(ascii: " "))
            YOLONumberFormat.append(point.y / height, to: &bytes)
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    private func appendIndex(_ index: Int, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: String(index).utf8)
    }

    private mutating func classNumber(_ label: String) -> Int {
        if let index = classIndex[label] { return index }
        classIndex[label] = classes.count
        classes.append(label)
        return classes.count - 1
    }

    private mutating func skip(_ reason: String) { summary.skipped[reason, default: 0] += 1 }
    private mutating func adjust(_ reason: String) { summary.adjusted[reason, default: 0] += 1 }

    // MARK: Files

    private func copy(_ image: DatasetImage, to url: URL) throws {
        try image.files.copy(image.path, to: url)
    }

    /// A subset name usable as one folder name (`/` would nest it).
    private static func folderName(_ subset: String?) -> String? {
        guard let subset, let safe = DatasetPath.sanitized(subset) else { return nil }
        return safe.replacingOccurrences(of: "/", with: "_")
    }

    /// `name` as a YAML scalar: plain when YAML reads it back unchanged, else quoted.
    static func yamlScalar(_ name: String) -> String {
        let reserved: Set<String> = [
            "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".nan", ".inf", "-.inf", "<<",
        ]
        let first = name.unicodeScalars.first
        let needsQuotes =
            reserved.contains(name.lowercased()) || Double(name) != nil || Int(name) != nil
            || name.hasPrefix(" ") || name.hasSuffix(" ")
            || first.map { "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains($0) } ?? true
            || name.contains(": ") || name.contains(" #") || name.hasSuffix(":")
            || name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        guard needsQuotes else { return name }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            var escaped = "\""
            for scalar in name.unicodeScalars {
                switch scalar {
                case "\"": escaped += "\\\""
                case "\\": escaped += "\\\\"
                case "\n": escaped += "\\n"
                case "\t": escaped += "\\t"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                    escaped +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return escaped + "\""
        }
        return "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
