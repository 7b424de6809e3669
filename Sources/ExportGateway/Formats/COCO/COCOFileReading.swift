import Foundation

/// Reads one COCO JSON file in two passes, never holding the whole file.
///
/// The first pass keeps the `images` (small per image) and notes, for each run of consecutive
/// annotations, which image it belongs to. When every image's annotations form one run and
/// the runs follow the `images` order (what every known writer does, whether `annotations`
/// comes before or after `images`), the second pass streams `annotations` and memory holds
/// one image's annotations (plus those completed by the last 64 KiB piece). Otherwise the
/// second pass collects every annotation of the file before the first item is handed out:
/// memory then grows with the file's annotation count.
struct COCOFileReading {
    /// The file's path in the tree.
    let path: String
    /// The subset its name states (`instances_<subset>.json`), if any.
    let subset: String?
    private let images: [COCOImageRecord]
    private let indexByID: [String: Int]
    private let decoder: COCOAnnotationDecoder
    /// Whether annotations arrive grouped in `images` order.
    let grouped: Bool

    private var reader: (any DatasetFileReader)?
    private var scanner: JSONObjectScanner
    private var collected: [Int: [Annotation]] = [:]
    /// Images before this index have all their annotations in `collected`.
    private var readyLimit = 0
    private var nextIndex = 0
    private var openIndex = -1
    private var ended = false

    /// Makes the first pass over `path`.
    /// - Throws: ``GatewayError/Kind/decoding`` naming the file and the image or annotation.
    init(files: any DatasetFiles, path: String, subset: String?, categories: [COCOCategory]) throws {
        self.path = path
        self.subset = subset
        var byID: [Int64: COCOCategory] = [:]
        for category in categories where byID[category.id] == nil { byID[category.id] = category }
        decoder = COCOAnnotationDecoder(categories: byID, file: path)

        var images: [COCOImageRecord] = []
        var indexByID: [String: Int] = [:]
        var runs: [(imageID: String, annotationID: String)] = []
        var reader = try files.open(path)
        var scanner = JSONObjectScanner(name: path, wanted: ["images", "annotations"])
        while let piece = try reader.read(upTo: COCOReader.pieceSize) {
            for event in try scanner.events(in: piece) {
                switch event {
                case .element("images", let bytes):
                    let image = try COCOImageRecord(COCOText.parse(bytes, file: path, what: "an image"), file: path)
                    guard indexByID[image.id] == nil else {
                        throw GatewayError(
                            .decoding,
                            message:
                                "\(path) lists image id \(image.id) twice. Image ids must be unique in a COCO file.")
                    }
                    indexByID[image.id] = images.count
                    images.append(image)
                case .element(_, let bytes):
                    let value = try COCOText.parse(bytes, file: path, what: "an annotation")
                    let annotationID = COCOText.idText(value["id"]) ?? "?"
                    guard let imageID = COCOText.idText(value["image_id"]) else {
                        throw GatewayError(
                            .decoding,
                            message: "\(path) has annotation \(annotationID) without an integer `image_id`. "
                                + "Check the file is COCO instances JSON.")
                    }
                    if runs.last?.imageID != imageID { runs.append((imageID, annotationID)) }
                case .notArray(let key):
                    throw GatewayError(.decoding, message: "\(path) has `\(key)` that is not an array.")
                }
            }
        }
        try scanner.finish()
        var previous = -1
        var grouped = true
        for run in runs {
            guard let index = indexByID[run.imageID] else {
                throw GatewayError(
                    .decoding,
                    message: "\(path) has annotation \(run.annotationID) for image_id \(run.imageID), "
                        + "which no entry of `images` has.")
            }
            if index <= previous { grouped = false }
            previous = index
        }
        self.images = images
        self.indexByID = indexByID
        self.grouped = grouped
        self.scanner = JSONObjectScanner(name: path, wanted: ["annotations"])
        self.reader = try files.open(path)
    }

    /// The next image of the file with its annotations, or `nil` after the last.
    mutating func next() throws -> AnnotatedItem? {
        while true {
            if nextIndex < readyLimit {
                let index = nextIndex
                nextIndex += 1
                let image = images[index]
                return AnnotatedItem(
                    id: ItemID(rawValue: DatasetPath.stem(image.fileName)), key: image.fileName,
                    imageSize: image.size, subset: subset, annotations: collected.removeValue(forKey: index) ?? [],
                    providerFields: image.fields)
            }
            if ended { return nil }
            try readPiece()
        }
    }

    /// Reads one piece of the second pass and files the annotations it completes.
    private mutating func readPiece() throws {
        var piece: Data? = nil
        if var open = reader {
            piece = try open.read(upTo: COCOReader.pieceSize)
            reader = open
        }
        guard let piece else {
            try scanner.finish()
            reader = nil
            ended = true
            readyLimit = images.count
            return
        }
        for case .element(_, let bytes) in try scanner.events(in: piece) {
            let (imageID, annotations) = try decoder.decode(
                COCOText.parse(bytes, file: path, what: "an annotation"))
            guard let index = indexByID[imageID] else {
                throw GatewayError(
                    .decoding, message: "\(path) has an annotation for image_id \(imageID), which no image has.")
            }
            if grouped && index != openIndex {
                readyLimit = max(readyLimit, index)
                openIndex = index
            }
            collected[index, default: []].append(contentsOf: annotations)
        }
    }
}
