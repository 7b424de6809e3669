import Foundation

/// One element of a COCO file's `images`, kept in memory while its annotations stream by.
struct COCOImageRecord: Sendable {
    /// The image id as text (COCO ids are integers; some tools write strings).
    var id: String
    /// `file_name`, sub-folders kept.
    var fileName: String
    /// `width` × `height`, when both are positive.
    var size: ImageSize?
    /// The whole image object.
    var fields: JSONValue

    /// Reads one element of `images`.
    /// - Throws: ``GatewayError/Kind/decoding`` naming the file and the image id.
    init(_ value: JSONValue, file: String) throws {
        guard case .object(let object) = value else {
            throw GatewayError(
                .decoding, message: "\(file) has an image that is not an object: \(COCOText.excerpt(value)).")
        }
        guard let id = COCOText.idText(object["id"]) else {
            throw GatewayError(
                .decoding,
                message: "\(file) has an image without an integer `id`: \(COCOText.excerpt(value)). "
                    + "Check the file is COCO instances JSON.")
        }
        guard let fileName = object["file_name"]?.stringValue, !fileName.isEmpty else {
            throw GatewayError(
                .decoding,
                message: "\(file) has image \(id) without a `file_name` string. Check the file is COCO instances JSON.")
        }
        for field in ["width", "height"] {
            guard let size = object[field], !size.isNull, size.doubleValue == nil else { continue }
            throw GatewayError(
                .decoding, message: "\(file) has image \(id) whose `\(field)` is not a number: \(size).")
        }
        self.id = id
        self.fileName = fileName
        if let width = object["width"]?.intValue, let height = object["height"]?.intValue, width > 0, height > 0,
            let width = Int(exactly: width), let height = Int(exactly: height)
        {
            size = ImageSize(width: width, height: height)
        }
        fields = value
    }
}
