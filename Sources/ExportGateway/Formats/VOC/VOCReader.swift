import Foundation

/// Reads a Pascal VOC dataset (`Annotations/*.xml`, `ImageSets/Main`, `JPEGImages`,
/// `labelmap.txt`) one image at a time, from a folder or an archive.
///
/// - Items: every id listed in `ImageSets/Main/<subset>.txt` (only list files whose name has
///   no `_`, as datumaro reads them), in list order, then ids that have an XML but are in no
///   list (subset `nil`). A listed id without an XML is an image without objects (datumaro
///   writes no XML for those); its size then comes from the JPEG or PNG header in
///   `JPEGImages/`, or stays `nil` without the image.
/// - Boxes: VOC's 1-based inclusive pixels become `x = xmin - 1`, `width = xmax - x`, so
///   `961,541,961,541` reads as the 1×1 box at 960,540 (datumaro's `voc-one-based`).
/// - Flags: `<truncated>`, `<occluded>`, `<difficult>` set to `1` become `.flag` attributes;
///   `0` or a missing tag add nothing; any other value is an error.
/// - Image-level labels: lines `id  1` of `ImageSets/Main/<class>_<subset>.txt` become
///   ``Geometry/whole`` annotations, before the item's objects.
/// - Segmentation PNGs are not decoded: their paths are kept in the item's
///   ``AnnotatedItem/providerFields`` (`segmentationClass`, `segmentationObject`), since one
///   instance-coloured PNG cannot be tied to labels without reading its pixels.
///
/// ```swift
/// var reader = try VOCReader(files: FolderFiles(root: folder))
/// while let item = try reader.next() { print(item.id, item.annotations.count) }
/// ```
public struct VOCReader: AnnotationReader {
    /// The class names: `labelmap.txt` order without `background`, or, without that file,
    /// in order of first appearance in the annotation files and class lists.
    public let classes: [String]

    private let files: any DatasetFiles
    /// The dataset root inside `files`, `""` or `/`-terminated (`VOCdevkit/VOC2007/`).
    private let root: String
    private let entries: [Entry]
    /// Image-level labels per id.
    private let imageLabels: [String: [String]]
    /// Image file path relative to `JPEGImages/`, per id.
    private let images: [String: String]
    private var cursor = 0

    /// An image to hand out: its VOC id and the list it came from.
    private struct Entry: Sendable {
        var id: String
        var subset: String?
    }

    /// Finds the VOC root in `files` (the folder holding `Annotations/` or `ImageSets/Main/`,
    /// possibly under a top folder such as `VOCdevkit/VOC2007/`) and reads its lists.
    /// - Throws: ``GatewayError/Kind/decoding`` when there is no VOC layout or an annotation
    ///   file cannot be read while collecting classes.
    public init(files: any DatasetFiles) throws {
        self.files = files
        let root = try Self.findRoot(files.paths)
        self.root = root
        let paths = files.paths.filter { $0.hasPrefix(root) }.map { String($0.dropFirst(root.count)) }

        var entries: [Entry] = []
        var seen: [String: Int] = [:]
        var labels: [String: [String]] = [:]
        var labelClasses: [String] = []
        var annotationIDs: [String] = []
        var images: [String: String] = [:]
        let listFolder = "ImageSets/Main/"
        var classLists: [(path: String, label: String, subset: String)] = []
        for path in paths {
            if path.hasPrefix("Annotations/"), DatasetPath.fileExtension(path) == "xml" {
                annotationIDs.append(DatasetPath.stem(String(path.dropFirst("Annotations/".count))))
            } else if path.hasPrefix("JPEGImages/") {
                let relative = String(path.dropFirst("JPEGImages/".count))
                let id = DatasetPath.stem(relative)
                if images[id] == nil { images[id] = relative }
            } else if path.hasPrefix(listFolder), DatasetPath.fileExtension(path) == "txt" {
                let name = DatasetPath.stem(String(path.dropFirst(listFolder.count)))
                guard !name.contains("/") else { continue }
                if let underscore = name.lastIndex(of: "_") {
                    let label = String(name[..<underscore])
                    let subset = String(name[name.index(after: underscore)...])
                    classLists.append((path, label, subset))
                } else {
                    for id in try Self.lines(of: root + path, in: files) where seen[id] == nil {
                        seen[id] = entries.count
                        entries.append(Entry(id: id, subset: name))
                    }
                }
            }
        }
        for id in annotationIDs where seen[id] == nil {
            seen[id] = entries.count
            entries.append(Entry(id: id, subset: nil))
        }
        for list in classLists where list.label != VOCLabelMap.background && !list.label.isEmpty {
            for line in try Self.lines(of: root + list.path, in: files) {
                let fields = line.split(whereSeparator: \.isWhitespace)
                guard fields.count >= 2, fields[fields.count - 1] == "1" else { continue }
                let id = line.dropLast().trimmingCharacters(in: .whitespaces)
                if seen[id] == nil {
                    seen[id] = entries.count
                    entries.append(Entry(id: id, subset: list.subset))
                }
                if !(labels[id]?.contains(list.label) ?? false) { labels[id, default: []].append(list.label) }
                if !labelClasses.contains(list.label) { labelClasses.append(list.label) }
            }
        }
        self.entries = entries
        self.imageLabels = labels
        self.images = images

        let labelMapPath = root + VOCLabelMap.fileName
        if files.contains(labelMapPath) {
            classes = VOCLabelMap.classes(in: try files.contents(of: labelMapPath, limit: 16 << 20))
        } else {
            // Without a labelmap the order is first appearance, which needs one pass over the
            // annotation files before the first item is handed out.
            var found: [String] = []
            var known = Set<String>()
            for id in annotationIDs {
                let file = root + "Annotations/\(id).xml"
                let document = try VOCAnnotationDocument(try files.contents(of: file, limit: 64 << 20), file: file)
                for label in document.annotations.compactMap(\.label) where known.insert(label).inserted {
                    found.append(label)
                }
            }
            for label in labelClasses where known.insert(label).inserted { found.append(label) }
            classes = found
        }
    }

    /// The next image with its objects and image-level labels, or `nil` after the last.
    /// - Throws: ``GatewayError/Kind/decoding`` naming the annotation file and what was
    ///   wrong in it.
    public mutating func next() throws -> AnnotatedItem? {
        guard cursor < entries.count else { return nil }
        let entry = entries[cursor]
        cursor += 1

        var fields: [String: JSONValue] = [:]
        var imageSize: ImageSize?
        var filename: String?
        var annotations = (imageLabels[entry.id] ?? []).map { Annotation(label: $0, geometry: .whole) }
        let annotationPath = root + "Annotations/\(entry.id).xml"
        if DatasetPath.isSafe(entry.id), files.contains(annotationPath) {
            let document = try VOCAnnotationDocument(
                try files.contents(of: annotationPath, limit: 64 << 20), file: annotationPath)
            fields = document.fields
            imageSize = document.imageSize
            filename = document.filename
            annotations += document.annotations
        }
        if imageSize == nil, let image = images[entry.id] {
            imageSize = Self.imageSize(of: root + "JPEGImages/" + image, in: files)
        }
        for (key, folder) in [("segmentationClass", "SegmentationClass"), ("segmentationObject", "SegmentationObject")]
        {
            let path = "\(folder)/\(entry.id).png"
            if files.contains(root + path) { fields[key] = .string(path) }
        }
        return AnnotatedItem(
            id: ItemID(rawValue: entry.id), key: images[entry.id] ?? filename ?? entry.id + ".jpg",
            imageSize: imageSize, subset: entry.subset, annotations: annotations,
            providerFields: fields.isEmpty ? .null : .object(fields))
    }

    /// `JPEGImages/<key>` under the VOC root, when that file is in the files being read.
    public func imagePath(for item: AnnotatedItem) -> String? {
        guard let key = item.key else { return nil }
        let path = root + "JPEGImages/" + key
        return files.contains(path) ? path : nil
    }

    /// The shortest folder that holds `Annotations/` or `ImageSets/Main/`.
    private static func findRoot(_ paths: [String]) throws -> String {
        var best: String?
        for path in paths {
            var candidate: String?
            if path.hasPrefix("Annotations/") || path.hasPrefix("ImageSets/Main/") {
                candidate = ""
            } else {
                for marker in ["/Annotations/", "/ImageSets/Main/"] {
                    if let range = path.range(of: marker) {
                        let prefix = String(path[..<range.lowerBound]) + "/"
                        if candidate.map({ prefix.count < $0.count }) ?? true { candidate = prefix }
                    }
                }
            }
            if let candidate, best.map({ candidate.count < $0.count }) ?? true {
                best = candidate
                if candidate.isEmpty { break }
            }
        }
        guard let best else {
            throw GatewayError(
                .decoding,
                message: "No Pascal VOC layout found: no Annotations/ or ImageSets/Main/ folder in the files. "
                    + "Check that this is a VOC export.")
        }
        return best
    }

    /// The non-empty trimmed lines of a list file.
    private static func lines(of path: String, in files: any DatasetFiles) throws -> [String] {
        let text = String(decoding: try files.contents(of: path, limit: 256 << 20), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }

    /// The size an image file's header states, or `nil` when it cannot be read.
    private static func imageSize(of path: String, in files: any DatasetFiles) -> ImageSize? {
        guard var reader = try? files.open(path) else { return nil }
        return (try? ImageHeader.size(of: &reader)) ?? nil
    }
}
