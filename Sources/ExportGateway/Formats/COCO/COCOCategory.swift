import Foundation

/// One entry of a COCO file's `categories`: what an annotation's `category_id` names.
struct COCOCategory: Sendable, Hashable {
    /// The category id.
    var id: Int64
    /// The class name.
    var name: String
    /// The keypoint names (`keypoints`), for person-keypoint style files; empty otherwise.
    var keypoints: [String]

    /// Reads one element of `categories`.
    /// - Throws: ``GatewayError/Kind/decoding`` naming the file when it is not a category.
    init(_ value: JSONValue, file: String) throws {
        guard case .object(let object) = value, let id = object["id"]?.intValue,
            let name = object["name"]?.stringValue
        else {
            throw GatewayError(
                .decoding,
                message: "\(file) has a category without an integer `id` and a string `name`: "
                    + "\(COCOText.excerpt(value)). Check the file is COCO instances JSON.")
        }
        self.id = id
        self.name = name
        keypoints = object["keypoints"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Reads the `categories` of `path` only, stopping as soon as that array ends.
    static func read(from files: any DatasetFiles, path: String) throws -> [COCOCategory] {
        var reader = try files.open(path)
        var scanner = JSONObjectScanner(name: path, wanted: ["categories"])
        var found: [COCOCategory] = []
        while let piece = try reader.read(upTo: COCOReader.pieceSize) {
            for event in try scanner.events(in: piece) {
                switch event {
                case .element(_, let bytes):
                    found.append(try COCOCategory(COCOText.parse(bytes, file: path, what: "a category"), file: path))
                case .notArray:
                    throw GatewayError(.decoding, message: "\(path) has `categories` that is not an array.")
                }
            }
            if scanner.isComplete || (scanner.keys.contains("categories") && scanner.keys.last != "categories") {
                return found
            }
        }
        try scanner.finish()
        return found
    }
}
