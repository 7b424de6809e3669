import Foundation

/// Writes a Pascal VOC dataset the VOC devkit, datumaro (`voc-one-based`) and Ultralytics'
/// converter all read: one `Annotations/<id>.xml` per image, `ImageSets/Main` lists,
/// `labelmap.txt`, and `JPEGImages/` when images are given.
///
/// - Every image gets an XML with `<size>`, also images without objects (datumaro writes
///   none for those, but Ultralytics' converter needs `<size>` for every listed id).
/// - Boxes are 1-based inclusive integer pixels: after snapping to 1e-6 px,
///   `xmin = floor(x) + 1`, `xmax = ceil(x + width)`, clamped into the image (a clamped
///   box gets `<truncated>1</truncated>` and counts in ``AnnotationWriteSummary/adjusted``).
/// - Polygons and rotated boxes are written as their bounding boxes (counted in `adjusted`);
///   keypoints, polylines and masks are left out (counted in `skipped`).
/// - Whole-image labels go to `ImageSets/Main/<class>_<subset>.txt`, written for every class
///   and subset when any image has one, listing every id of the subset with `1` or `-1` as
///   the VOC devkit does (datumaro lists only ids that carry some image label).
/// - An item without a subset goes to `default`. Subset names containing `_` are refused,
///   since VOC readers take `<a>_<b>.txt` for a class list.
/// - Images are copied to `JPEGImages/<id>.<extension>`, so readers find them by id.
///
/// Output appears at the destination only when ``finish()`` succeeds.
public struct VOCWriter: AnnotationWriter {
    private let staging: StagingFolder
    private var classes: [String]
    private var classSet: Set<String>
    private var subsets: [String] = []
    private var idsBySubset: [String: [String]] = [:]
    private var writtenIDs = Set<String>()
    private var imageLabels: [String: Set<String>] = [:]
    private var hasImageLabels = false
    private var summary = AnnotationWriteSummary()
    private var finished = false

    /// Prepares to write into `destination`, which must not exist or be an empty folder.
    /// `classes` fixes the order of `labelmap.txt`; classes met later are appended.
    /// - Throws: ``GatewayError/Kind/localFile`` when `destination` holds files,
    ///   ``GatewayError/Kind/unsupported`` for a class name VOC cannot store.
    public init(destination: URL, classes: [String] = []) throws {
        var unique: [String] = []
        for name in classes where name != VOCLabelMap.background && !unique.contains(name) {
            try Self.checkClass(name)
            unique.append(name)
        }
        self.classes = unique
        classSet = Set(unique)
        staging = try StagingFolder(destination: destination)
    }

    /// Writes the image's XML and copies `image` to `JPEGImages/`.
    /// - Throws: ``GatewayError/Kind/unsupported`` for an item without a size, with
    ///   normalized coordinates, with an id or subset VOC cannot name, or a class containing
    ///   `:`; ``GatewayError/Kind/localFile`` when a file cannot be written. A refused item
    ///   leaves nothing behind, so the caller may go on with the next one.
    public mutating func write(_ item: AnnotatedItem, image: DatasetImage?) throws {
        guard !finished else {
            throw GatewayError(.localFile, message: "This VOC writer has already finished; create a new one.")
        }
        let id = item.id.rawValue
        guard item.units == .pixels else {
            throw GatewayError(
                .unsupported,
                message: "Item \(id) has normalized coordinates; Pascal VOC stores pixels. "
                    + "Read the YOLO files with their images so sizes are known.",
                feature: "normalized coordinates")
        }
        if item.imageSize == nil, image == nil, item.placesNothing {
            summary.skipped[
                "image without a size and nothing placed on it (the vendor states no size for an empty image)",
                default: 0] += 1
            return
        }
        guard let size = item.imageSize, size.width > 0, size.height > 0 else {
            throw GatewayError(
                .unsupported,
                message: "Item \(id) has no image size; every Pascal VOC annotation needs <size>. "
                    + "Give the item its size (from the vendor or the image file).",
                feature: "item without image size")
        }
        guard DatasetPath.isSafe(id), !id.contains(where: \.isNewline), id.trimmingCharacters(in: .whitespaces) == id
        else {
            throw GatewayError(
                .unsupported,
                message: "Item id \"\(id)\" cannot be a VOC file name (it must be a relative path without "
                    + "., .. or empty parts, line breaks or surrounding spaces).",
                feature: "item id")
        }
        guard !writtenIDs.contains(id) else {
            throw GatewayError(
                .unsupported, message: "Item \(id) was given twice; VOC keeps one annotation file per id.",
                feature: "duplicate item id")
        }
        let subset = item.subset ?? "default"
        try Self.checkSubset(subset, item: id)
        var newClasses: [String] = []
        for annotation in item.annotations {
            if let label = annotation.label, !classSet.contains(label), label != VOCLabelMap.background,
                !newClasses.contains(label)
            {
                try Self.checkClass(label)
                newClasses.append(label)
            }
        }

        let imageExtension = [image?.path, item.key].compactMap { $0 }.map(DatasetPath.fileExtension).first {
            !$0.isEmpty
        }
        let filename = id + "." + (imageExtension ?? "jpg")
        var xml = Self.header(filename: filename, size: size)
        var counts = ObjectCounts()
        var labels: Set<String> = []
        for annotation in item.annotations {
            if annotation.geometry == .whole {
                if let label = annotation.label {
                    labels.insert(label)
                    counts.written += 1
                } else {
                    counts.skipped[
                        "whole-image answer without a class (VOC has no attributes for images)", default: 0] += 1
                }
                continue
            }
            xml += Self.object(annotation, size: size, counts: &counts)
        }
        xml += "</annotation>\n"

        if let image {
            try copy(image, to: "JPEGImages/" + filename)
        }
        let url = try staging.file("Annotations/\(id).xml")
        do {
            try Data(xml.utf8).write(to: url)
        } catch {
            throw GatewayError(
                .localFile, message: "Could not write \(url.path): \(error.localizedDescription)", underlying: error)
        }

        for label in newClasses {
            classes.append(label)
            classSet.insert(label)
        }
        if !labels.isEmpty {
            imageLabels[id] = labels
            hasImageLabels = true
        }
        if idsBySubset[subset] == nil { subsets.append(subset) }
        idsBySubset[subset, default: []].append(id)
        writtenIDs.insert(id)
        summary.items += 1
        summary.annotations += counts.written
        summary.skipped.merge(counts.skipped, uniquingKeysWith: +)
        summary.adjusted.merge(counts.adjusted, uniquingKeysWith: +)
    }

    public func discard() { staging.discard() }

    /// Writes the `ImageSets/Main` lists and `labelmap.txt`, then moves the dataset into place.
    /// - Throws: ``GatewayError/Kind/localFile`` when a file cannot be written or moved.
    public mutating func finish() throws -> AnnotationWriteSummary {
        guard !finished else {
            throw GatewayError(.localFile, message: "This VOC writer has already finished; create a new one.")
        }
        finished = true
        do {
            for subset in subsets {
                let ids = idsBySubset[subset] ?? []
                try writeText(ids.map { $0 + "\n" }.joined(), to: "ImageSets/Main/\(subset).txt")
                guard hasImageLabels else { continue }
                for label in classes {
                    let lines = ids.map { id in
                        id + ((imageLabels[id]?.contains(label) ?? false) ? "  1\n" : " -1\n")
                    }
                    try writeText(lines.joined(), to: "ImageSets/Main/\(label)_\(subset).txt")
                }
            }
            try writeText(VOCLabelMap.text(classes: classes), to: VOCLabelMap.fileName)
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
        summary.classes = classes
        return summary
    }

    /// Tallies for one image's objects.
    private struct ObjectCounts {
        var written = 0
        var skipped: [String: Int] = [:]
        var adjusted: [String: Int] = [:]
    }

    private static func header(filename: String, size: ImageSize) -> String {
        """
        <annotation>
          <folder>VOC</folder>
          <filename>\(escaped(filename))</filename>
          <size>
            <width>\(size.width)</width>
            <height>\(size.height)</height>
            <depth>3</depth>
          </size>
          <segmented>0</segmented>

        """
    }

    /// One `<object>`, or `""` when the annotation cannot be a VOC box.
    private static func object(_ annotation: Annotation, size: ImageSize, counts: inout ObjectCounts) -> String {
        let box: Box
        switch annotation.geometry {
        case .box(let value):
            box = value
        case .polygon, .rotatedBox:
            guard let enclosing = annotation.geometry.boundingBox else {
                counts.skipped["polygon without points", default: 0] += 1
                return ""
            }
            let kind = if case .polygon = annotation.geometry { "polygon" } else { "rotated box" }
            counts.adjusted["\(kind) written as its bounding box", default: 0] += 1
            box = enclosing
        case .polyline:
            counts.skipped["polyline (VOC has only boxes)", default: 0] += 1
            return ""
        case .keypoints:
            counts.skipped["keypoints (VOC has only boxes)", default: 0] += 1
            return ""
        case .mask:
            counts.skipped["mask (VOC masks are PNGs this writer does not draw)", default: 0] += 1
            return ""
        case .whole:
            return ""
        }
        guard let label = annotation.label, !label.isEmpty else {
            counts.skipped["shape without a class", default: 0] += 1
            return ""
        }
        guard let pixels = VOCPixelBox(box, in: size) else {
            counts.skipped["box outside the image or with non-finite coordinates", default: 0] += 1
            return ""
        }
        if pixels.clamped { counts.adjusted["box clamped to the image (marked truncated)", default: 0] += 1 }
        counts.written += 1
        var pose = "Unspecified"
        for attribute in annotation.attributes where attribute.name == "pose" {
            if case .text(let text) = attribute.value, !text.isEmpty { pose = text }
        }
        let truncated = annotation.flag("truncated") || pixels.clamped
        return """
              <object>
                <name>\(escaped(label))</name>
                <pose>\(escaped(pose))</pose>
                <truncated>\(truncated ? 1 : 0)</truncated>
                <difficult>\(annotation.flag("difficult") ? 1 : 0)</difficult>
                <occluded>\(annotation.flag("occluded") ? 1 : 0)</occluded>
                <bndbox>
                  <xmin>\(pixels.xmin)</xmin>
                  <ymin>\(pixels.ymin)</ymin>
                  <xmax>\(pixels.xmax)</xmax>
                  <ymax>\(pixels.ymax)</ymax>
                </bndbox>
              </object>

            """
    }

    /// Text safe inside an element: markup characters escaped, characters XML 1.0 forbids dropped.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                guard scalar.value >= 0x20, scalar.value != 0xFFFE, scalar.value != 0xFFFF else { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func checkClass(_ name: String) throws {
        guard !name.isEmpty, !name.contains(":"), !name.contains("/"), !name.contains(where: \.isNewline),
            name.trimmingCharacters(in: .whitespaces) == name, name != ".", name != ".."
        else {
            throw GatewayError(
                .unsupported,
                message: "The class \"\(name)\" cannot be stored in Pascal VOC: labelmap.txt separates fields "
                    + "with : and class lists are files named after the class, so a class needs no :, /, "
                    + "line break or surrounding spaces. Rename the class.",
                feature: "class name")
        }
    }

    private static func checkSubset(_ subset: String, item: String) throws {
        guard !subset.isEmpty, !subset.contains("_"), !subset.contains("/"), !subset.contains(where: \.isNewline),
            subset != ".", subset != ".."
        else {
            throw GatewayError(
                .unsupported,
                message: "Item \(item) is in subset \"\(subset)\", which Pascal VOC cannot name: readers take "
                    + "ImageSets/Main/<a>_<b>.txt for a class list, so a subset needs no _, / or line break. "
                    + "Rename the subset (train-extra instead of train_extra).",
                feature: "subset name")
        }
    }

    private func writeText(_ text: String, to path: String) throws {
        let url = try staging.file(path)
        do {
            try Data(text.utf8).write(to: url)
        } catch {
            throw GatewayError(
                .localFile, message: "Could not write \(url.path): \(error.localizedDescription)", underlying: error)
        }
    }

    private func copy(_ image: DatasetImage, to path: String) throws {
        try image.files.copy(image.path, to: try staging.file(path))
    }
}
