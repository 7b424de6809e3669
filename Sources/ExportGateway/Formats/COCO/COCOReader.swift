import Foundation

/// Reads COCO instances JSON (`annotations/instances_<subset>.json`, or a vendor's single
/// `annotations.json`) one image at a time, without loading the file whole.
///
/// Each file is streamed in 64 KiB pieces. `categories` and `images` are kept in memory;
/// `annotations` is streamed in a second pass. When a file's annotations are grouped by
/// image in `images` order (as datumaro, pycocotools' tools and the vendors write them,
/// whether before or after `images`), memory holds one image's annotations at a time; when
/// they are not, every annotation of that file is collected first, so memory grows with the
/// file's annotation count. Several subset files are read one after the other.
///
/// Mapping: item id = `file_name` without extension, sub-folders kept (`city/0001`); key =
/// `file_name`; size from `width`/`height` (missing or 0 gives `nil`); subset from the file
/// name; ``AnnotatedItem/providerFields`` = the image object. An annotation's label is its
/// category's name, its id the COCO id; `bbox` gives a box, a polygon segmentation one
/// polygon per part (several parts share `group` = the annotation id), an RLE segmentation a
/// mask, `keypoints` keypoints named by the category (a keypoint annotation's box is dropped
/// when its segmentation is empty, as it only envelops the points); `score` gives the
/// confidence; the non-standard `attributes` object gives flags, texts and numbers;
/// ``Annotation/providerFields`` = the annotation object (with `iscrowd`).
///
/// ```swift
/// var reader = try COCOReader(files: FolderFiles(root: folder))
/// while let item = try reader.next() { print(item.id, item.annotations.count) }
/// ```
public struct COCOReader: AnnotationReader {
    /// The size of the pieces files are read in.
    static let pieceSize = 1 << 16

    /// One COCO file to read.
    private struct Source {
        var path: String
        var subset: String?
        var categories: [COCOCategory]
    }

    /// The category names, sorted by category id.
    public let classes: [String]
    private let files: any DatasetFiles
    private let sources: [Source]
    private var sourceIndex = 0
    private var current: COCOFileReading?

    /// Finds the COCO files in `files` and reads their categories.
    ///
    /// Looks for `annotations/instances_<subset>.json` anywhere in the tree; when there is
    /// none, for any `.json` file whose top-level object has `images` and `annotations`.
    /// - Throws: ``GatewayError/Kind/decoding`` when there is no COCO file, or one is malformed.
    public init(files: any DatasetFiles) throws {
        self.files = files
        var found: [(path: String, subset: String?)] = files.paths.compactMap { path in
            Self.subset(ofInstancesFile: path).map { (path, $0) }
        }
        if found.isEmpty {
            found = files.paths.filter { $0.lowercased().hasSuffix(".json") && Self.looksLikeCOCO(files, $0) }
                .map { ($0, nil) }
        }
        guard !found.isEmpty else {
            throw GatewayError(
                .decoding,
                message: "No COCO file found: looked for annotations/instances_<subset>.json, then for any .json "
                    + "file whose top-level object has `images` and `annotations`. Give the folder or archive "
                    + "of a COCO instances export.")
        }
        var sources: [Source] = []
        var byID: [Int64: String] = [:]
        for (path, subset) in found {
            let categories = try COCOCategory.read(from: files, path: path)
            for category in categories where byID[category.id] == nil { byID[category.id] = category.name }
            sources.append(Source(path: path, subset: subset, categories: categories))
        }
        self.sources = sources
        classes = byID.keys.sorted().compactMap { byID[$0] }
    }

    /// The next image and its annotations, in each file's `images` order, or `nil` after the last.
    /// - Throws: ``GatewayError/Kind/decoding`` naming the file and the image or annotation id.
    public mutating func next() throws -> AnnotatedItem? {
        while true {
            if current == nil {
                guard sourceIndex < sources.count else { return nil }
                let source = sources[sourceIndex]
                sourceIndex += 1
                current = try COCOFileReading(
                    files: files, path: source.path, subset: source.subset, categories: source.categories)
            }
            if let item = try current?.next() { return item }
            current = nil
        }
    }

    /// `images/<subset>/<file_name>` beside the `annotations` folder when that file exists,
    /// else `<file_name>` relative to the JSON file's folder, its parent or the tree's root.
    public func imagePath(for item: AnnotatedItem) -> String? {
        guard let key = item.key else { return nil }
        var candidates: [String] = []
        for source in sources where source.subset == item.subset {
            let folder = Self.folder(of: source.path)
            let parent = Self.folder(of: String(folder.dropLast()))
            if let subset = item.subset { candidates.append(parent + "images/\(subset)/" + key) }
            candidates += [parent + "images/" + key, parent + key, folder + key]
        }
        candidates.append(key)
        return candidates.first { DatasetPath.isSafe($0) && files.contains($0) }
    }

    /// `train` for `…/annotations/instances_train.json`, `nil` for other paths.
    private static func subset(ofInstancesFile path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count >= 2, parts[parts.count - 2] == "annotations" else { return nil }
        let name = parts[parts.count - 1]
        guard name.hasPrefix("instances_"), name.hasSuffix(".json") else { return nil }
        let subset = name.dropFirst("instances_".count).dropLast(".json".count)
        return subset.isEmpty ? nil : String(subset)
    }

    /// The folder part of `path`, `/`-terminated, or `""`.
    private static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    /// Whether the file's top-level object has both `images` and `annotations`; reads only
    /// as far as needed to see both names.
    private static func looksLikeCOCO(_ files: any DatasetFiles, _ path: String) -> Bool {
        guard var reader = try? files.open(path) else { return false }
        var scanner = JSONObjectScanner(name: path, wanted: [])
        while let piece = try? reader.read(upTo: pieceSize) {
            guard (try? scanner.events(in: piece)) != nil else { return false }
            if scanner.keys.contains("images") && scanner.keys.contains("annotations") { return true }
            if scanner.isComplete { return false }
        }
        return false
    }
}
