import Foundation

/// One `Annotations/<id>.xml` file read into the model: its size, file name, a few top-level
/// fields, and its objects as annotations.
struct VOCAnnotationDocument: Sendable {
    /// `<size>`, when it gives a positive width and height.
    var imageSize: ImageSize?
    /// `<filename>`, when present and not empty.
    var filename: String?
    /// The top-level simple fields kept for the item's ``AnnotatedItem/providerFields``.
    var fields: [String: JSONValue]
    /// The `<object>`s, in file order.
    var annotations: [Annotation]

    /// Reads the document in `data`; `file` names it in errors.
    /// - Throws: ``GatewayError/Kind/decoding`` for malformed XML, a root other than
    ///   `<annotation>`, a flag other than `0`/`1`, or a coordinate that is not a number.
    init(_ data: Data, file: String) throws {
        let root = try XMLTree.parse(data, file: file)
        guard root.name == "annotation" else {
            throw GatewayError(
                .decoding,
                message: "\(file): the root element is <\(root.name)>, not <annotation>. "
                    + "Check that this is a Pascal VOC annotation file.")
        }
        fields = [:]
        for name in ["filename", "folder", "segmented"] {
            if let value = root.value(name) { fields[name] = .string(value) }
        }
        if let database = root.child("source")?.value("database") {
            fields["source"] = .object(["database": .string(database)])
        }
        filename = root.value("filename").flatMap { $0.isEmpty ? nil : $0 }
        imageSize = try root.child("size").flatMap { try Self.size($0, file: file) }
        annotations = try root.children("object").enumerated().map { offset, object in
            try Self.annotation(object, number: offset + 1, file: file)
        }
    }

    private static func size(_ element: XMLTree, file: String) throws -> ImageSize? {
        guard let widthText = element.value("width"), let heightText = element.value("height") else { return nil }
        guard let width = integer(widthText), let height = integer(heightText), width >= 0, height >= 0 else {
            throw GatewayError(
                .decoding,
                message: "\(file): <size> has width \"\(widthText)\" and height \"\(heightText)\", "
                    + "which are not whole numbers of pixels.")
        }
        return width > 0 && height > 0 ? ImageSize(width: width, height: height) : nil
    }

    /// `500` or `500.0` as an integer; `nil` for anything else or a value past 2^31.
    private static func integer(_ text: String) -> Int? {
        if let value = Int(text) { return value <= Int(Int32.max) ? value : nil }
        guard let value = Double(text), value.isFinite, value == value.rounded(), abs(value) <= Double(Int32.max)
        else { return nil }
        return Int(value)
    }

    private static func annotation(_ object: XMLTree, number: Int, file: String) throws -> Annotation {
        let label = object.value("name").flatMap { $0.isEmpty ? nil : $0 }
        let which = "object \(number)" + (label.map { " (\($0))" } ?? "")
        var attributes: [Attribute] = []
        // Only set flags become attributes: VOC writes all three on every object, and a 0 says
        // no more than a missing tag, so the same object reads the same from COCO and VOC.
        for name in ["truncated", "occluded", "difficult"] {
            guard let text = object.value(name) else { continue }
            switch text {
            case "0": break
            case "1": attributes.append(.flag(name, true))
            default:
                throw GatewayError(
                    .decoding,
                    message: "\(file), \(which): <\(name)> is \"\(text)\"; VOC allows only 0 or 1. "
                        + "Fix the value in the file.")
            }
        }
        if let pose = object.value("pose"), !pose.isEmpty, pose != "Unspecified" {
            attributes.append(Attribute(name: "pose", value: .text(pose)))
        }
        attributes += customAttributes(object)
        var confidence: Double?
        if let text = object.value("score") ?? object.value("confidence") {
            guard let value = Double(text), value.isFinite else {
                throw GatewayError(
                    .decoding, message: "\(file), \(which): the score \"\(text)\" is not a number.")
            }
            confidence = value
        }
        var providerFields = JSONValue.null
        let parts = object.children("part").map(partFields)
        if !parts.isEmpty { providerFields = .object(["parts": .array(parts)]) }
        let geometry: Geometry
        if let bndbox = object.child("bndbox") {
            geometry = .box(try box(bndbox, which: which, file: file))
        } else {
            // An object with no box still says the class is in the image.
            geometry = .whole
        }
        return Annotation(
            label: label, geometry: geometry, attributes: attributes, confidence: confidence,
            providerFields: providerFields)
    }

    /// VOC devkit boxes are 1-based and inclusive: pixel `xmin` is the first covered, so the
    /// top-left corner is `xmin - 1` and `xmax` is already the right edge.
    private static func box(_ bndbox: XMLTree, which: String, file: String) throws -> Box {
        var values: [Double] = []
        for name in ["xmin", "ymin", "xmax", "ymax"] {
            let text = bndbox.value(name) ?? ""
            guard let value = Double(text), value.isFinite, abs(value) < 1e9 else {
                throw GatewayError(
                    .decoding,
                    message: "\(file), \(which): <\(name)> is \"\(text)\", not a number. "
                        + "Every <bndbox> needs xmin, ymin, xmax and ymax.")
            }
            values.append(value)
        }
        let x = values[0] - 1, y = values[1] - 1
        let width = values[2] - x, height = values[3] - y
        guard width >= 0, height >= 0 else {
            throw GatewayError(
                .decoding,
                message: "\(file), \(which): <bndbox> ends before it starts "
                    + "(xmin \(values[0]), ymin \(values[1]), xmax \(values[2]), ymax \(values[3])).")
        }
        return Box(x: x, y: y, width: width, height: height)
    }

    /// datumaro's `<attributes><attribute><name>…</name><value>…</value></attribute></attributes>`.
    private static func customAttributes(_ object: XMLTree) -> [Attribute] {
        guard let list = object.child("attributes") else { return [] }
        return list.children("attribute").compactMap { element in
            guard let name = element.value("name"), !name.isEmpty else { return nil }
            let text = element.value("value") ?? ""
            switch text.lowercased() {
            case "true": return .flag(name, true)
            case "false": return .flag(name, false)
            default:
                if let number = Double(text), number.isFinite { return Attribute(name: name, value: .number(number)) }
                return Attribute(name: name, value: .text(text))
            }
        }
    }

    private static func partFields(_ part: XMLTree) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        if let name = part.value("name") { fields["name"] = .string(name) }
        if let bndbox = part.child("bndbox") {
            var box: [String: JSONValue] = [:]
            for name in ["xmin", "ymin", "xmax", "ymax"] {
                if let text = bndbox.value(name) {
                    box[name] = Double(text).map { $0.isFinite ? JSONValue.double($0) : .string(text) } ?? .string(text)
                }
            }
            fields["bndbox"] = .object(box)
        }
        return .object(fields)
    }
}
