import Foundation

/// Writes COCO instances JSON as datumaro lays it out: `annotations/instances_<subset>.json`
/// (subset `default` when an item has none) and, for items given with their image,
/// `images/<subset>/<file_name>`.
///
/// Categories are 1…N in class order (the given classes first, others appended as met, never
/// sorted, unused ones kept), each with `supercategory` `""`. Image ids and annotation ids
/// each come from one counter from 1, so they are unique across all subset files. Every
/// annotation has `area`, `bbox` `[x, y, w, h]` and `iscrowd` (1 only for RLE masks);
/// `segmentation` is `[]` for boxes and `[[x1, y1, …]]` for polygons (outer ring only: holes
/// cannot be expressed and are counted in ``AnnotationWriteSummary/adjusted``); a rotated box
/// becomes its 4-corner polygon; confidence becomes `score`; attributes go in the
/// non-standard `attributes` object datumaro writes. Keypoints become COCO keypoint
/// annotations (`keypoints`, `num_keypoints`, the box of the placed points), and their
/// category gets the keypoint names, or `"1"`, `"2"`, … when the points have none. Polylines,
/// image-level labels and masks in other encodings are skipped with the reason in
/// ``AnnotationWriteSummary/skipped``. A polygon's `area` is its shoelace area, which differs
/// slightly from pycocotools' rasterised figure.
///
/// Nothing is held per image: each subset's images and annotations go to two temporary files
/// as items arrive and are copied into the final JSON by ``finish()``, once the categories are
/// known. Output appears at the destination only when ``finish()`` succeeds; after any error,
/// nothing does (call ``discard()`` to remove the hidden staging folder of a writer you abandon
/// without ``finish()``).
///
/// ```swift
/// var writer = try COCOWriter(destination: folder, classes: ["car", "person"])
/// for item in items { try writer.write(item, image: nil) }
/// let summary = try writer.finish()
/// ```
public struct COCOWriter: AnnotationWriter {
    /// The two temporary files of one subset.
    private final class SubsetParts {
        let name: String
        let imagesURL: URL
        let annotationsURL: URL
        let images: BufferedFileWriter
        let annotations: BufferedFileWriter
        var imageCount = 0
        var annotationCount = 0

        init(name: String, staging: StagingFolder, number: Int) throws {
            self.name = name
            imagesURL = try staging.file(".parts/\(number).images")
            annotationsURL = try staging.file(".parts/\(number).annotations")
            images = try BufferedFileWriter(url: imagesURL)
            annotations = try BufferedFileWriter(url: annotationsURL)
        }
    }

    private let staging: StagingFolder
    private var classes: [String]
    private var classIndex: [String: Int] = [:]
    private var keypointNames: [Int: [String]] = [:]
    private var subsets: [SubsetParts] = []
    private var subsetIndex: [String: Int] = [:]
    private var nextImageID: Int64 = 1
    private var nextAnnotationID: Int64 = 1
    private var skipped: [String: Int] = [:]
    private var adjusted: [String: Int] = [:]
    private var done = false

    /// Prepares to write into `destination`, which must be absent or an empty folder.
    /// `classes` fixes the first category ids, in order.
    /// - Throws: ``GatewayError/Kind/localFile`` when the destination holds files or cannot be created.
    public init(destination: URL, classes: [String] = []) throws {
        staging = try StagingFolder(destination: destination)
        self.classes = []
        for name in classes where classIndex[name] == nil {
            classIndex[name] = self.classes.count
            self.classes.append(name)
        }
    }

    /// Adds one image and its annotations; copies `image` to `images/<subset>/<file_name>`.
    /// - Throws: ``GatewayError/Kind/unsupported`` for normalized coordinates or an item
    ///   without an image size, ``GatewayError/Kind/localFile`` when a file cannot be written.
    ///   After an error the writer is spent and nothing appears at the destination.
    public mutating func write(_ item: AnnotatedItem, image: DatasetImage?) throws {
        guard !done else {
            throw GatewayError(
                .localFile, message: "This COCO writer has finished or failed; start a new one to write more.")
        }
        do {
            try add(item, image: image)
        } catch {
            fail()
            throw error
        }
    }

    public func discard() { staging.discard() }

    /// Writes each subset's JSON and moves the folder into place.
    /// - Throws: ``GatewayError/Kind/localFile`` when a file cannot be written or moved.
    public mutating func finish() throws -> AnnotationWriteSummary {
        guard !done else {
            throw GatewayError(
                .localFile, message: "This COCO writer has finished or failed; start a new one to write more.")
        }
        do {
            if subsets.isEmpty { _ = try parts(for: "default") }
            let categories = categoriesJSON()
            for subset in subsets {
                try subset.images.close()
                try subset.annotations.close()
                let output = try BufferedFileWriter(
                    url: try staging.file("annotations/instances_\(subset.name).json"), capacity: 1 << 20)
                try output.write(
                    "{\"info\":{\"contributor\":\"\",\"date_created\":\"\",\"description\":\"\",\"url\":\"\","
                        + "\"version\":\"\",\"year\":\"\"},\"licenses\":[],\"categories\":" + categories
                        + ",\"images\":[")
                try Self.copy(subset.imagesURL, into: output)
                try output.write("],\"annotations\":[")
                try Self.copy(subset.annotationsURL, into: output)
                try output.write("]}")
                try output.close()
            }
            try? FileManager.default.removeItem(at: staging.url.appendingPathComponent(".parts"))
            try staging.commit()
        } catch {
            fail()
            throw error
        }
        done = true
        return AnnotationWriteSummary(
            items: Int(nextImageID - 1), annotations: Int(nextAnnotationID - 1), classes: classes, skipped: skipped,
            adjusted: adjusted)
    }

    private mutating func fail() {
        done = true
        for subset in subsets {
            try? subset.images.close()
            try? subset.annotations.close()
        }
        staging.discard()
    }

    private mutating func add(_ item: AnnotatedItem, image: DatasetImage?) throws {
        guard item.units == .pixels else {
            throw GatewayError(
                .unsupported,
                message: "Item \(item.id) has normalized coordinates; COCO stores pixels. Read it with its images "
                    + "or image sizes so coordinates are in pixels, then write it again.",
                feature: "normalized coordinates")
        }
        if item.imageSize == nil, image == nil, item.placesNothing {
            skipped[
                "image without a size and nothing placed on it (the vendor states no size for an empty image)",
                default: 0] += 1
            return
        }
        guard let size = item.imageSize, size.width > 0, size.height > 0 else {
            throw GatewayError(
                .unsupported,
                message: "Item \(item.id) has no image size, and COCO needs each image's width and height. "
                    + "Supply the sizes (from the images or the vendor's media attributes) and write it again.",
                feature: "items without image size")
        }
        let subsetName = Self.subsetName(item.subset)
        let parts = try parts(for: subsetName)
        let fileName =
            item.key.flatMap(DatasetPath.sanitized) ?? DatasetPath.sanitized(item.id.rawValue + ".jpg")
            ?? "image_\(nextImageID).jpg"
        let imageID = nextImageID
        nextImageID += 1

        var records: [String] = []
        for annotation in item.annotations {
            guard let label = annotation.label else {
                skipped["annotation without a class label", default: 0] += 1
                continue
            }
            let category = categoryIndex(label)
            var names = keypointNames[category] ?? []
            switch COCOAnnotationEncoder.encode(annotation.geometry, keypointNames: &names) {
            case .skip(let reason):
                skipped[reason, default: 0] += 1
            case .write(let members, let adjustment):
                if !names.isEmpty { keypointNames[category] = names }
                if let adjustment { adjusted[adjustment, default: 0] += 1 }
                var record =
                    "{\"id\":\(nextAnnotationID),\"image_id\":\(imageID),\"category_id\":\(category + 1)," + members
                if let attributes = COCOAnnotationEncoder.attributes(annotation.attributes) {
                    record += ",\"attributes\":" + attributes
                }
                if let confidence = annotation.confidence, confidence.isFinite {
                    record += ",\"score\":" + COCOText.number(confidence)
                }
                records.append(record + "}")
                nextAnnotationID += 1
            }
        }

        try parts.images.write(
            (parts.imageCount == 0 ? "" : ",") + "{\"id\":\(imageID),\"width\":\(size.width),\"height\":\(size.height)"
                + ",\"file_name\":" + COCOText.string(fileName) + "}")
        parts.imageCount += 1
        for record in records {
            try parts.annotations.write((parts.annotationCount == 0 ? "" : ",") + record)
            parts.annotationCount += 1
        }
        if let image { try copy(image, to: "images/\(subsetName)/\(fileName)") }
    }

    private mutating func parts(for name: String) throws -> SubsetParts {
        if let index = subsetIndex[name] { return subsets[index] }
        let parts = try SubsetParts(name: name, staging: staging, number: subsets.count)
        subsetIndex[name] = subsets.count
        subsets.append(parts)
        return parts
    }

    private mutating func categoryIndex(_ label: String) -> Int {
        if let index = classIndex[label] { return index }
        classIndex[label] = classes.count
        classes.append(label)
        return classes.count - 1
    }

    private func categoriesJSON() -> String {
        let entries = classes.enumerated().map { index, name in
            var entry = "{\"id\":\(index + 1),\"name\":" + COCOText.string(name) + ",\"supercategory\":\"\""
            if let names = keypointNames[index] {
                entry += ",\"keypoints\":[" + names.map(COCOText.string).joined(separator: ",") + "],\"skeleton\":[]"
            }
            return entry + "}"
        }
        return "[" + entries.joined(separator: ",") + "]"
    }

    /// A subset name usable in a file name: `/` and `\` become `_`, nothing gives `default`.
    private static func subsetName(_ subset: String?) -> String {
        guard let subset, !subset.isEmpty else { return "default" }
        let name = String(subset.map { $0 == "/" || $0 == "\\" || $0 == "\0" ? "_" : $0 })
        return name == "." || name == ".." ? "default" : name
    }

    private mutating func copy(_ image: DatasetImage, to path: String) throws {
        let target = try staging.file(path)
        guard !FileManager.default.fileExists(atPath: target.path) else {
            adjusted["image file name used twice in a subset: the first copy kept", default: 0] += 1
            return
        }
        try image.files.copy(image.path, to: target)
    }

    private static func copy(_ source: URL, into output: BufferedFileWriter) throws {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: source)
        } catch {
            throw GatewayError(
                .localFile, message: "Could not read back \(source.path): \(error.localizedDescription)",
                underlying: error)
        }
        defer { try? handle.close() }
        while true {
            let piece: Data?
            do {
                piece = try handle.read(upToCount: 1 << 20)
            } catch {
                throw GatewayError(
                    .localFile, message: "Could not read back \(source.path): \(error.localizedDescription)",
                    underlying: error)
            }
            guard let piece, !piece.isEmpty else { return }
            try output.write(piece)
        }
    }
}
