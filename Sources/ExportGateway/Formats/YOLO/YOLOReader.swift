import Foundation

/// Reads YOLO label files into ``AnnotatedItem``s, in any of three layouts:
///
/// - **Ultralytics**: a `data.yaml` (or any `*.yaml` with `names`) anywhere in the tree, whose
///   `train`, `val` and `test` name image folders or `.txt` lists of images; each image's
///   labels are at its path with the last `/images/` changed to `/labels/` and the extension
///   to `.txt`.
/// - **darknet** (datumaro `yolo`, CVAT): `obj.names` and `obj_<subset>_data/<id>.jpg` with
///   `<id>.txt` beside it.
/// - **`classes.txt`** with `images/` and `labels/` beside it (Label Studio and some vendors).
///
/// Items come one per image, subsets in `train`, `val`, `test` order, then by path. An image
/// without a label file has no objects. A label file without its image is still an item: it
/// has no ``AnnotatedItem/key`` and its size comes only from the `imageSizes` lookup. An
/// image named by two subsets (`val:` pointing at the train images) is read once, in the
/// first. Rows `cls cx cy w h` become boxes, a sixth field is the confidence, and
/// `cls x1 y1 x2 y2 …` with three points or more becomes a polygon. In a pose dataset
/// (`kpt_shape: [k, 2 or 3]` in `data.yaml`) a row of `5 + k × d` fields becomes a box and a
/// keypoints annotation sharing a ``Annotation/group`` (the row's line number). Coordinates are turned
/// into pixels with the size in the image's header, else the one `imageSizes` gives; with
/// neither the item keeps the fractions and says ``CoordinateUnits/normalized``.
///
/// ```swift
/// var reader = try YOLOReader(files: FolderFiles(root: folder))
/// while let item = try reader.next() { print(item.id, item.annotations.count) }
/// ```
public struct YOLOReader: AnnotationReader {
    /// One image (or a label file without one) to read.
    struct Entry: Sendable {
        var subset: String?
        var id: String
        var imagePath: String?
        var labelPath: String?
    }

    /// The class names, in index order.
    public let classes: [String]
    private let files: any DatasetFiles
    private let imageSizes: (@Sendable (String) -> ImageSize?)?
    /// `kpt_shape` of a pose dataset: keypoints per row, and 2 (x y) or 3 (x y visibility).
    private var keypointShape: (count: Int, dimensions: Int)?
    private let entries: [Entry]
    private var position = 0
    private var imagePaths: [String: String] = [:]

    /// The image file extensions Ultralytics reads.
    static let imageExtensions: Set<String> = [
        "jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff", "dng", "mpo", "pfm", "heic",
    ]

    /// Finds the layout and the class names in `files`.
    /// - Parameters:
    ///   - files: The dataset's files (a folder or an archive; a top folder is fine).
    ///   - imageSizes: Gives an image's size by its ``AnnotatedItem/key`` (or its id when the
    ///     image is missing), for images whose file is absent or whose header is not one
    ///     ``ImageHeader`` knows.
    /// - Throws: ``GatewayError/Kind/decoding`` when no layout is recognised or its class
    ///   file is malformed.
    public init(files: any DatasetFiles, imageSizes: (@Sendable (String) -> ImageSize?)? = nil) throws {
        self.files = files
        self.imageSizes = imageSizes
        let all = files.paths
        if let (yamlPath, yaml) = try Self.findDataYAML(all, files: files) {
            classes = try yaml.names()
            keypointShape = try yaml.keypointShape()
            if yaml["train"] == nil, yaml["val"] == nil, yaml["test"] == nil {
                entries = Self.scannedEntries(base: Self.folder(of: yamlPath), paths: all)
            } else {
                entries = try Self.ultralyticsEntries(yaml, at: yamlPath, files: files)
            }
        } else if let namesPath = Self.shallowest(all, named: "obj.names") {
            classes = try Self.lines(of: namesPath, files: files)
            entries = Self.darknetEntries(base: Self.folder(of: namesPath), paths: all)
        } else if let classesPath = Self.shallowest(all, named: "classes.txt") {
            classes = try Self.lines(of: classesPath, files: files)
            entries = Self.scannedEntries(base: Self.folder(of: classesPath), paths: all)
        } else {
            throw GatewayError(
                .decoding,
                message: "No YOLO class list found: the files hold no data.yaml with `names`, no obj.names and "
                    + "no classes.txt. Give the folder or archive of a YOLO export.")
        }
        for entry in entries {
            if let image = entry.imagePath { imagePaths[Self.key(of: entry)] = image }
        }
    }

    /// The next image with its rows, in pixels when its size is known.
    /// - Throws: ``GatewayError/Kind/decoding`` naming the label file and line of a bad row,
    ///   ``GatewayError/Kind/localFile`` when a file cannot be read.
    public mutating func next() throws -> AnnotatedItem? {
        guard position < entries.count else { return nil }
        let entry = entries[position]
        position += 1
        var size: ImageSize?
        if let imagePath = entry.imagePath {
            var reader = try files.open(imagePath)
            size = try ImageHeader.size(of: &reader)
        }
        let key = entry.imagePath.map { _ in Self.key(of: entry) }
        if size == nil, let imageSizes { size = imageSizes(key ?? entry.id) }
        var annotations: [Annotation] = []
        if let labelPath = entry.labelPath {
            annotations = try readLabels(labelPath, size: size)
        }
        return AnnotatedItem(
            id: ItemID(rawValue: entry.id), key: key, imageSize: size, subset: entry.subset,
            units: size == nil ? .normalized : .pixels, annotations: annotations)
    }

    /// The image file of `item` in the files read, found by its key; `nil` for a label file
    /// without its image.
    public func imagePath(for item: AnnotatedItem) -> String? {
        item.key.flatMap { imagePaths[$0] }
    }

    // MARK: Rows

    private func readLabels(_ path: String, size: ImageSize?) throws -> [Annotation] {
        let data = try files.contents(of: path, limit: 256 << 20)
        guard let text = Self.utf8Text(data) else {
            throw GatewayError(
                .decoding, message: "\(path) is not UTF-8 text. A YOLO label file holds rows of numbers.")
        }
        let width = Double(size?.width ?? 1), height = Double(size?.height ?? 1)
        var annotations: [Annotation] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            func fail(_ what: String) -> GatewayError {
                GatewayError(
                    .decoding,
                    message: "\(path) line \(lineNumber) \(what). A YOLO row is `class cx cy w h` (optionally a "
                        + "confidence) or `class x1 y1 x2 y2 x3 y3 …`, class a 0-based index into the "
                        + "\(classes.count) names.")
            }
            guard let classIndex = Int(fields[0]) else { throw fail("starts with `\(fields[0])`, not a class index") }
            guard classIndex >= 0, classIndex < classes.count else {
                throw fail("has class \(classIndex), outside the class list")
            }
            var values: [Double] = []
            values.reserveCapacity(fields.count - 1)
            for field in fields.dropFirst() {
                guard let value = Double(field), value.isFinite else { throw fail("has `\(field)`, not a number") }
                values.append(value)
            }
            let geometry: Geometry
            var confidence: Double?
            let box = {
                let (cx, cy, w, h) = (values[0], values[1], values[2], values[3])
                // Multiply before subtracting, so 0.5 of 1080 stays exactly 540.
                return Box(
                    x: Self.snapped(cx * width - w * width / 2), y: Self.snapped(cy * height - h * height / 2),
                    width: Self.snapped(w * width), height: Self.snapped(h * height))
            }
            if let shape = keypointShape, fields.count == 5 + shape.count * shape.dimensions {
                // A pose row: the box, then the keypoints as one instance grouped with it.
                let group = "\(lineNumber)"
                var keypoints: [Keypoint] = []
                for index in 0..<shape.count {
                    let base = 4 + index * shape.dimensions
                    let (x, y) = (values[base], values[base + 1])
                    var visibility: Keypoint.Visibility = x == 0 && y == 0 ? .unlabeled : .visible
                    if shape.dimensions == 3 {
                        visibility = values[base + 2] <= 0 ? .unlabeled : values[base + 2] < 1.5 ? .occluded : .visible
                    }
                    keypoints.append(
                        Keypoint(
                            point: Point(x: Self.snapped(x * width), y: Self.snapped(y * height)),
                            visibility: visibility))
                }
                annotations.append(Annotation(label: classes[classIndex], geometry: .box(box()), group: group))
                annotations.append(
                    Annotation(label: classes[classIndex], geometry: .keypoints(keypoints), group: group))
                continue
            }
            switch fields.count {
            case 5, 6:
                if fields.count == 6 { confidence = values[4] }
                geometry = .box(box())
            case let count where count >= 7 && count % 2 == 1:
                let points = stride(from: 0, to: values.count - 1, by: 2).map {
                    Point(x: Self.snapped(values[$0] * width), y: Self.snapped(values[$0 + 1] * height))
                }
                geometry = .polygon([points])
            default:
                throw fail("has \(fields.count) fields")
            }
            annotations.append(Annotation(label: classes[classIndex], geometry: geometry, confidence: confidence))
        }
        return annotations
    }

    /// `data` as UTF-8 text without a leading byte-order mark (Windows tools write one, and
    /// it would make the first class index unreadable); `nil` when it is not UTF-8.
    private static func utf8Text(_ data: Data) -> String? {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let body = data.starts(with: bom) ? data.dropFirst(3) : data[...]
        return String(data: Data(body), encoding: .utf8)
    }

    /// `value` rounded to 1e-6, so `0.1 * 640` reads as 64 and not 64.00000000000001.
    private static func snapped(_ value: Double) -> Double {
        let scaled = (value * 1e6).rounded()
        return abs(scaled) < 1e15 ? scaled / 1e6 : value
    }

    // MARK: Layouts

    private static func key(of entry: Entry) -> String {
        guard let image = entry.imagePath else { return entry.id }
        let fileExtension = DatasetPath.fileExtension(image)
        let stem = DatasetPath.stem(image)
        let original = image.dropFirst(stem.count)  // keeps the extension's case
        return fileExtension.isEmpty ? entry.id : entry.id + original
    }

    private static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    private static func depth(_ path: String) -> Int { path.reduce(0) { $0 + ($1 == "/" ? 1 : 0) } }

    private static func shallowest(_ paths: [String], named name: String) -> String? {
        paths.filter { $0 == name || $0.hasSuffix("/" + name) }.min { depth($0) < depth($1) }
    }

    private static func isImage(_ path: String) -> Bool {
        imageExtensions.contains(DatasetPath.fileExtension(path))
    }

    private static func lines(of path: String, files: any DatasetFiles) throws -> [String] {
        let data = try files.contents(of: path, limit: 16 << 20)
        guard let text = Self.utf8Text(data) else {
            throw GatewayError(.decoding, message: "\(path) is not UTF-8 text. It should list one class name a line.")
        }
        var names = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        while names.last?.isEmpty == true { names.removeLast() }
        return names
    }

    /// The `data.yaml` (or another `*.yaml` with a top-level `names:`), shallowest first,
    /// `data.yaml` before other names.
    private static func findDataYAML(_ paths: [String], files: any DatasetFiles) throws -> (String, DataYAML)? {
        let candidates = paths.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted {
            let a = (depth($0), ($0 as NSString).lastPathComponent == "data.yaml" ? 0 : 1, $0)
            let b = (depth($1), ($1 as NSString).lastPathComponent == "data.yaml" ? 0 : 1, $1)
            return a < b
        }
        for path in candidates {
            let data = try files.contents(of: path, limit: 4 << 20)
            guard let text = Self.utf8Text(data) else { continue }
            guard text.hasPrefix("names:") || text.contains("\nnames:") else { continue }
            return (path, try DataYAML(text, file: path))
        }
        return nil
    }

    /// `path` joined to `folder` with `.` and `..` resolved; `nil` when it climbs out.
    private static func resolve(_ path: String, in folder: String) -> String? {
        var parts = path.hasPrefix("/") ? [] : folder.split(separator: "/").map(String.init)
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }

    private static func ultralyticsEntries(
        _ yaml: DataYAML, at yamlPath: String, files: any DatasetFiles
    ) throws
        -> [Entry]
    {
        let all = files.paths
        let yamlFolder = folder(of: yamlPath)
        // `path:` is often absolute on the machine that wrote it; inside an archive only a
        // relative one that exists can be followed, else the yaml's folder is the root.
        var root = yamlFolder
        if case .scalar(let path)? = yaml["path"]?.value, !path.isEmpty, !path.hasPrefix("/"),
            let resolved = resolve(path, in: yamlFolder)
        {
            let prefix = resolved.isEmpty ? "" : resolved + "/"
            if all.contains(where: { $0.hasPrefix(prefix) }) { root = prefix }
        }
        var entries: [Entry] = []
        // Image and label paths already read: a subset pointing at another's images (`val:
        // images/train`) does not repeat them.
        var seen: Set<String> = []
        for subset in ["train", "val", "test"] {
            guard let entry = yaml[subset] else { continue }
            let sources: [String]
            switch entry.value {
            case .scalar(let value): sources = value.isEmpty ? [] : [value]
            case .list(let values): sources = values
            case .map:
                throw GatewayError(
                    .decoding,
                    message: "\(yamlPath) line \(entry.line) gives `\(subset)` as a map; it should be a folder, "
                        + "a .txt list of images, or a list of those.")
            }
            var images: [(path: String, id: String)] = []
            for source in sources {
                images += try subsetImages(source, subset: subset, root: root, files: files)
            }
            var subsetEntries: [Entry] = []
            for image in images where seen.insert(image.path).inserted {
                let label = labelPath(forImage: image.path).flatMap { files.contains($0) ? $0 : nil }
                if let label { seen.insert(label) }
                subsetEntries.append(
                    Entry(
                        subset: subset, id: image.id, imagePath: files.contains(image.path) ? image.path : nil,
                        labelPath: label))
            }
            // Label files under the subset's labels folder whose image is absent.
            for source in sources where !source.hasSuffix(".txt") {
                guard let folder = resolveSource(source, root: root, files: files),
                    let labels = labelPath(forImage: folder + "/x.jpg").map({ Self.folder(of: $0) })
                else { continue }
                for path in all where path.hasPrefix(labels) && path.hasSuffix(".txt") && seen.insert(path).inserted {
                    subsetEntries.append(
                        Entry(
                            subset: subset, id: DatasetPath.stem(String(path.dropFirst(labels.count))), imagePath: nil,
                            labelPath: path))
                }
            }
            entries += subsetEntries.sorted {
                ($0.imagePath ?? $0.labelPath ?? "") < ($1.imagePath ?? $1.labelPath ?? "")
            }
        }
        return entries
    }

    /// Where a `train`/`val`/`test` value points in the tree. Like Ultralytics, a value
    /// starting `../` that leads nowhere is tried without it: Roboflow writes
    /// `train: ../train/images` beside a `train/` folder.
    private static func resolveSource(_ source: String, root: String, files: any DatasetFiles) -> String? {
        func exists(_ path: String) -> Bool {
            files.contains(path) || files.paths.contains { $0.hasPrefix(path.isEmpty ? "" : path + "/") }
        }
        let relative = source.hasPrefix("/") ? String(source.dropFirst()) : source
        if let resolved = resolve(relative, in: root), exists(resolved) { return resolved }
        if source.hasPrefix("../"), let resolved = resolve(String(source.dropFirst(3)), in: root), exists(resolved) {
            return resolved
        }
        return resolve(relative, in: root)
    }

    /// The images a `train`/`val`/`test` value names: a folder's images, or a list file's lines.
    private static func subsetImages(
        _ source: String, subset: String, root: String, files: any DatasetFiles
    ) throws
        -> [(path: String, id: String)]
    {
        guard let resolved = resolveSource(source, root: root, files: files) else { return [] }
        if source.hasSuffix(".txt") {
            var listPath = resolved
            if !files.contains(listPath) {
                // An absolute path from the writer's machine: try the file name in the root.
                listPath = root + (source as NSString).lastPathComponent
                guard files.contains(listPath) else {
                    throw GatewayError(
                        .decoding,
                        message: "The `\(subset)` list \(source) is not in the files. Include it, or point "
                            + "`\(subset)` at the image folder.")
                }
            }
            let listFolder = folder(of: listPath)
            let lines = try self.lines(of: listPath, files: files)
            return lines.compactMap { line -> (path: String, id: String)? in
                guard !line.isEmpty else { return nil }
                let path: String?
                if line.hasPrefix("./") || !line.hasPrefix("/") && !files.contains(resolve(line, in: root) ?? "") {
                    path = resolve(line, in: listFolder)
                } else if line.hasPrefix("/") {
                    path = afterImagesFolder(line).flatMap { resolve("images/" + $0, in: root) }
                } else {
                    path = resolve(line, in: root)
                }
                guard let path else { return nil }
                return (path, id(ofImage: path, subset: subset))
            }
        }
        let prefix = resolved.isEmpty ? "" : resolved + "/"
        return files.paths.filter { $0.hasPrefix(prefix) && isImage($0) }.map {
            ($0, DatasetPath.stem(String($0.dropFirst(prefix.count))))
        }
    }

    /// What follows the last `images/` folder in `path`, or `nil` when there is none.
    private static func afterImagesFolder(_ path: String) -> String? {
        if path.hasPrefix("images/") { return String(path.dropFirst("images/".count)) }
        guard let range = path.range(of: "/images/", options: .backwards) else { return nil }
        return String(path[range.upperBound...])
    }

    /// A listed image's id: its path after the last `images/` folder (and after a folder named
    /// like the subset right below it), without the extension.
    private static func id(ofImage path: String, subset: String) -> String {
        guard var rest = afterImagesFolder(path) else {
            return DatasetPath.stem((path as NSString).lastPathComponent)
        }
        if rest.hasPrefix(subset + "/") { rest = String(rest.dropFirst(subset.count + 1)) }
        return DatasetPath.stem(rest)
    }

    /// Ultralytics' rule: the last `/images/` becomes `/labels/`, the extension `.txt`.
    private static func labelPath(forImage path: String) -> String? {
        let stem = DatasetPath.stem(path)
        if stem.hasPrefix("images/") { return "labels/" + stem.dropFirst("images/".count) + ".txt" }
        guard let range = stem.range(of: "/images/", options: .backwards) else { return nil }
        return stem.replacingCharacters(in: range, with: "/labels/") + ".txt"
    }

    private static func subsetOrder(_ subset: String) -> (Int, String) {
        switch subset {
        case "train": (0, subset)
        case "val", "valid", "validation": (1, subset)
        case "test": (2, subset)
        default: (3, subset)
        }
    }

    private static func darknetEntries(base: String, paths: [String]) -> [Entry] {
        var entries: [Entry] = []
        let imageStems = Set(paths.lazy.filter { $0.hasPrefix(base) && isImage($0) }.map(DatasetPath.stem))
        for path in paths where path.hasPrefix(base) {
            let rest = path.dropFirst(base.count)
            guard rest.hasPrefix("obj_"), let slash = rest.firstIndex(of: "/"), rest[..<slash].hasSuffix("_data")
            else { continue }
            let folderName = rest[..<slash]
            let subset = String(folderName.dropFirst(4).dropLast(5))
            let inside = String(rest[rest.index(after: slash)...])
            let folderPrefix = base + folderName + "/"
            if isImage(path) {
                let label = DatasetPath.stem(path) + ".txt"
                entries.append(
                    Entry(
                        subset: subset.isEmpty ? nil : subset, id: DatasetPath.stem(inside), imagePath: path,
                        labelPath: paths.binaryContains(label) ? label : nil))
            } else if path.hasSuffix(".txt") {
                if !imageStems.contains(DatasetPath.stem(path)), path.hasPrefix(folderPrefix) {
                    entries.append(
                        Entry(
                            subset: subset.isEmpty ? nil : subset, id: DatasetPath.stem(inside), imagePath: nil,
                            labelPath: path))
                }
            }
        }
        return entries.sorted {
            let a = subsetOrder($0.subset ?? ""), b = subsetOrder($1.subset ?? "")
            return a != b ? a < b : ($0.imagePath ?? $0.labelPath ?? "") < ($1.imagePath ?? $1.labelPath ?? "")
        }
    }

    /// Every image under an `images/` folder below `base`, with its label file by Ultralytics'
    /// rule, and every `.txt` under a `labels/` folder whose image is absent; no subsets. For
    /// `classes.txt` trees and for a `data.yaml` that names classes but no image folders (a
    /// vendor that ships labels only).
    private static func scannedEntries(base: String, paths: [String]) -> [Entry] {
        var entries: [Entry] = []
        var labelled: Set<String> = []
        for path in paths where path.hasPrefix(base) && isImage(path) {
            guard let rest = afterImagesFolder(String(path.dropFirst(base.count))) else { continue }
            let label = labelPath(forImage: path).flatMap { paths.binaryContains($0) ? $0 : nil }
            if let label { labelled.insert(label) }
            entries.append(Entry(subset: nil, id: DatasetPath.stem(rest), imagePath: path, labelPath: label))
        }
        for path in paths where path.hasPrefix(base) && path.hasSuffix(".txt") && !labelled.contains(path) {
            let relative = String(path.dropFirst(base.count))
            let rest: String
            if relative.hasPrefix("labels/") {
                rest = String(relative.dropFirst("labels/".count))
            } else if let range = relative.range(of: "/labels/", options: .backwards) {
                rest = String(relative[range.upperBound...])
            } else {
                continue
            }
            entries.append(Entry(subset: nil, id: DatasetPath.stem(rest), imagePath: nil, labelPath: path))
        }
        return entries.sorted { ($0.imagePath ?? $0.labelPath ?? "") < ($1.imagePath ?? $1.labelPath ?? "") }
    }
}

extension [String] {
    /// Whether the sorted array holds `element`, by binary search.
    fileprivate func binaryContains(_ element: String) -> Bool {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < element { low = middle + 1 } else { high = middle }
        }
        return low < count && self[low] == element
    }
}
