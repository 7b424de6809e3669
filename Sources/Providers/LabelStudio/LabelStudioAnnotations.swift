import ExportGateway
import Foundation

/// Label Studio tasks, as its JSON export holds them, read as ``AnnotatedItem``s.
///
/// A task's regions are in percent (0–100) of the `original_width` and `original_height`
/// each region result carries; they become pixels here, multiplying before dividing
/// (`x * width / 100`: `83.33333333333333 * 1080 / 100` is `900`, where dividing first gives
/// `899.9999999999999`) and snapping to a millionth of a pixel.
///
/// - Each non-skipped annotation (`was_cancelled` false) is a set: ``AnnotationSource/Kind/annotation``,
///   or ``AnnotationSource/Kind/groundTruth`` when `ground_truth` is true, with the annotation's
///   id, `completed_by` (an id, or the email of an expanded user) and `created_at`. Each
///   prediction object is a ``AnnotationSource/Kind/prediction(model:)`` set with its `score`;
///   predictions given as ids only (Label Studio's default) carry nothing to read and are
///   passed over.
/// - `rectanglelabels` is a ``Geometry/box(_:)``, or a ``Geometry/rotatedBox(_:)`` when turned:
///   Label Studio turns a box clockwise about its (x, y) corner, and the centre is computed
///   in pixels. `polygonlabels` is a one-ring ``Geometry/polygon(_:)``, `keypointlabels` a
///   one-point ``Geometry/keypoints(_:)`` whose ``Annotation/group`` is the `parentID`,
///   `brushlabels` a ``Mask/packedRGBARunLengths(_:size:)``, kept encoded.
/// - A region names its classes in an array: it becomes one annotation per class, all with
///   the region's id (none when the array is empty).
/// - `choices`, `textarea`, `rating` and `number` results are attributes named by `from_name`:
///   of the region with the same result id (Label Studio's per-region questions), else of a
///   ``Geometry/whole`` annotation. One choice is a ``Attribute/Value/choice(_:)``, several
///   are ``Attribute/Value/choices(_:)``.
/// - Other result types (text spans, relations, ellipses…) have no place in the model and
///   stay in ``AnnotatedItem/providerFields``, the whole task.
public enum LabelStudioAnnotations {
    /// The task `task` (one element of Label Studio's JSON export) as an image with its
    /// annotations.
    ///
    /// Throws ``GatewayError/Kind/decoding``, naming the task and the result, for a task
    /// without an integer `id` or a result whose values are not of their type, and for a
    /// region without `original_width` and `original_height`: its percent cannot become
    /// pixels, and the item's coordinates are always pixels.
    public static func item(fromTask task: JSONValue) throws -> AnnotatedItem {
        guard task.objectValue != nil else {
            throw GatewayError(.decoding, message: "A Label Studio task must be a JSON object, not \(kindName(task)).")
        }
        guard let id = task["id"]?.intValue else {
            throw GatewayError(
                .decoding, message: "A Label Studio task has no integer id: \(task["id"].map(kindName) ?? "none").")
        }
        let reader = TaskReader(task: id)
        let key = task["data"]?.objectValue.flatMap(LabelStudioMapping.key(in:))
        var annotations: [Annotation] = []
        var size: ImageSize?
        for set in try reader.array(task["annotations"], "annotations") {
            guard set.objectValue != nil else { throw reader.error("an annotation is \(kindName(set)), not an object") }
            if try reader.bool(set["was_cancelled"], "was_cancelled") == true { continue }
            let kind: AnnotationSource.Kind =
                try reader.bool(set["ground_truth"], "ground_truth") == true ? .groundTruth : .annotation
            let source = AnnotationSource(
                kind: kind, setID: try reader.text(set["id"], "annotation id"), author: author(set["completed_by"]),
                createdAt: set["created_at"]?.stringValue.flatMap(ISO8601.date(from:)))
            try reader.read(set["result"], source: source, into: &annotations, size: &size)
        }
        for set in try reader.array(task["predictions"], "predictions") {
            // The default export lists predictions by id: nothing to read.
            guard set.objectValue != nil else { continue }
            let model = try reader.string(set["model_version"], "model_version")
            let source = AnnotationSource(
                kind: .prediction(model: model), setID: try reader.text(set["id"], "prediction id"),
                createdAt: set["created_at"]?.stringValue.flatMap(ISO8601.date(from:)),
                score: try reader.number(set["score"], "prediction score"))
            try reader.read(set["result"], source: source, into: &annotations, size: &size)
        }
        return AnnotatedItem(
            id: ItemID(rawValue: String(id)), key: key.flatMap(fileName(of:)), mediaURL: mediaURL(key),
            imageSize: size, units: .pixels, annotations: annotations, providerFields: task)
    }

    /// The file name a media path ends with: its last path component, as given (Label
    /// Studio's upload prefix `<8 hex>-` is kept), without a URL's query or fragment; `nil`
    /// for a value that is no path (a text task's text, which spans lines).
    static func fileName(of path: String) -> String? {
        guard !path.contains(where: \.isNewline) else { return nil }
        var bare = Substring(path)
        if path.contains("://") {
            bare = bare.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            bare = bare.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        }
        let name = bare.split(separator: "/").last.map(String.init)
        return name?.isEmpty == false ? name : nil
    }

    /// An `http(s)` media path as a URL; `nil` for an upload path on the server or anything else.
    private static func mediaURL(_ key: String?) -> URL? {
        key.flatMap(URL.init(string:)).flatMap { url in
            ["http", "https"].contains(url.scheme?.lowercased() ?? "") ? url : nil
        }
    }

    /// `completed_by`: a user id, or an expanded user's email (else id).
    private static func author(_ value: JSONValue?) -> String? {
        switch value {
        case .int(let id): String(id)
        case .string(let text): text
        case .object(let user): user["email"]?.stringValue ?? user["id"]?.intValue.map { String($0) }
        default: nil
        }
    }

    /// What kind of JSON value `value` is, for error messages.
    static func kindName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a Boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Reads one task's results, and says which task (and result) a bad value is in.
private struct TaskReader {
    /// The task's id.
    var task: Int64

    /// The result types that are regions, with the `value` member naming their classes.
    static let regionTypes: [String: String] = [
        "rectanglelabels": "rectanglelabels", "rectangle": "rectanglelabels", "polygonlabels": "polygonlabels",
        "polygon": "polygonlabels", "keypointlabels": "keypointlabels", "keypoint": "keypointlabels",
        "brushlabels": "brushlabels", "brush": "brushlabels",
    ]
    /// The result types that answer a question.
    static let questionTypes: Set<String> = ["choices", "textarea", "rating", "number"]

    /// Reads the results `value` of one set into `annotations`; `size` becomes the first
    /// region's image size.
    func read(
        _ value: JSONValue?, source: AnnotationSource, into annotations: inout [Annotation], size: inout ImageSize?
    ) throws {
        let results = try array(value, "result")
        var regionIDs: Set<String> = []
        for result in results {
            guard let type = result["type"]?.stringValue, Self.regionTypes[type] != nil,
                let id = result["id"]?.stringValue
            else { continue }
            regionIDs.insert(id)
        }
        var answers: [String: [Attribute]] = [:]
        var set: [Annotation] = []
        for result in results {
            guard result.objectValue != nil else {
                throw error("a result is \(LabelStudioAnnotations.kindName(result))")
            }
            let id = try string(result["id"], "result id")
            let at = ResultReader(task: task, result: id ?? "(no id)", json: result)
            guard let type = try at.string(result["type"], "type") else { continue }
            if let labelsKey = Self.regionTypes[type] {
                let regionSize = try at.size()
                if size == nil, let regionSize { size = regionSize }
                set += try at.regions(type: labelsKey, size: regionSize, source: source)
            } else if Self.questionTypes.contains(type) {
                guard let attribute = try at.answer(type: type) else { continue }
                if let id, regionIDs.contains(id) {
                    answers[id, default: []].append(attribute)
                } else {
                    set.append(
                        Annotation(
                            id: id, label: nil, geometry: .whole, attributes: [attribute],
                            confidence: try at.number(result["score"], "score"), source: source, providerFields: result
                        ))
                }
            }
        }
        for index in set.indices where set[index].geometry != .whole {
            if let id = set[index].id, let extra = answers[id] { set[index].attributes += extra }
        }
        annotations += set
    }

    func error(_ text: String) -> GatewayError {
        GatewayError(.decoding, message: "Label Studio task \(task): \(text). Export the project again as JSON.")
    }

    func array(_ value: JSONValue?, _ name: String) throws -> [JSONValue] {
        guard let value, !value.isNull else { return [] }
        guard let elements = value.arrayValue else {
            throw error("\(name) is \(LabelStudioAnnotations.kindName(value)), not an array")
        }
        return elements
    }

    func bool(_ value: JSONValue?, _ name: String) throws -> Bool? {
        guard let value, !value.isNull else { return nil }
        guard let flag = value.boolValue else {
            throw error("\(name) is \(LabelStudioAnnotations.kindName(value)), not a Boolean")
        }
        return flag
    }

    func string(_ value: JSONValue?, _ name: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw error("\(name) is \(LabelStudioAnnotations.kindName(value)), not a string")
        }
        return text
    }

    /// An id, integer or string, as text.
    func text(_ value: JSONValue?, _ name: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        if let id = value.intValue { return String(id) }
        guard let text = value.stringValue else {
            throw error("\(name) is \(LabelStudioAnnotations.kindName(value)), not an id")
        }
        return text
    }

    func number(_ value: JSONValue?, _ name: String) throws -> Double? {
        guard let value, !value.isNull else { return nil }
        guard let number = value.doubleValue, number.isFinite else {
            throw error("\(name) is \(LabelStudioAnnotations.kindName(value)), not a number")
        }
        return number
    }
}

/// Reads one result of a task.
private struct ResultReader {
    /// The task's id.
    var task: Int64
    /// The result's id, for messages.
    var result: String
    /// The result.
    var json: JSONValue

    func error(_ text: String) -> GatewayError {
        GatewayError(
            .decoding,
            message: "Label Studio task \(task), result \"\(result)\": \(text). Export the project again as JSON.")
    }

    func string(_ value: JSONValue?, _ name: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw error("\(name) is \(LabelStudioAnnotations.kindName(value)), not a string")
        }
        return text
    }

    func number(_ value: JSONValue?, _ name: String) throws -> Double? {
        guard let value, !value.isNull else { return nil }
        guard let number = value.doubleValue, number.isFinite else {
            throw error("\(name) is \(LabelStudioAnnotations.kindName(value)), not a number")
        }
        return number
    }

    func requiredNumber(_ value: JSONValue?, _ name: String) throws -> Double {
        guard let number = try number(value, name) else { throw error("\(name) is missing") }
        return number
    }

    /// `original_width` and `original_height`, when both are there.
    func size() throws -> ImageSize? {
        let width = json["original_width"], height = json["original_height"]
        if (width?.isNull ?? true) && (height?.isNull ?? true) { return nil }
        guard let width = width?.intValue, let height = height?.intValue, width > 0, height > 0,
            width <= Int64(Int32.max), height <= Int64(Int32.max)
        else {
            throw error(
                "original_width and original_height must be positive integers, not \(json["original_width"] ?? .null) "
                    + "and \(json["original_height"] ?? .null)")
        }
        return ImageSize(width: Int(width), height: Int(height))
    }

    /// The region as one annotation per class.
    func regions(type labelsKey: String, size: ImageSize?, source: AnnotationSource) throws -> [Annotation] {
        guard let value = json["value"], value.objectValue != nil else {
            throw error("value is \(json["value"].map(LabelStudioAnnotations.kindName) ?? "missing"), not an object")
        }
        var labels: [String] = []
        if let list = value[labelsKey], !list.isNull {
            guard let elements = list.arrayValue else {
                throw error("value.\(labelsKey) is \(LabelStudioAnnotations.kindName(list)), not an array")
            }
            labels = try elements.map { element in
                guard let label = element.stringValue else {
                    throw error("value.\(labelsKey) holds \(LabelStudioAnnotations.kindName(element)), not a string")
                }
                return label
            }
        }
        guard let size else {
            throw error(
                "the region has no original_width and original_height, so its percent cannot become pixels")
        }
        let confidence = try number(json["score"], "score")
        let group = try string(json["parentID"], "parentID")
        let id = json["id"]?.stringValue
        let names: [String?] = labels.isEmpty ? [nil] : labels
        return try names.map { label in
            Annotation(
                id: id, label: label, geometry: try geometry(labelsKey, value: value, size: size, label: label),
                confidence: confidence, source: source, group: labelsKey == "keypointlabels" ? group : nil,
                providerFields: json)
        }
    }

    /// A percent of `total` pixels: multiplied first, snapped to a millionth of a pixel.
    func pixels(_ percent: Double, of total: Int) -> Double {
        Self.snap(percent * Double(total) / 100)
    }

    static func snap(_ value: Double) -> Double {
        guard abs(value) < 1e9 else { return value }
        return (value * 1e6).rounded() / 1e6
    }

    func geometry(_ labelsKey: String, value: JSONValue, size: ImageSize, label: String?) throws -> Geometry {
        switch labelsKey {
        case "rectanglelabels":
            let x = try requiredNumber(value["x"], "value.x"), y = try requiredNumber(value["y"], "value.y")
            let width = try requiredNumber(value["width"], "value.width")
            let height = try requiredNumber(value["height"], "value.height")
            let rotation = try number(value["rotation"], "value.rotation") ?? 0
            let box = Box(
                x: pixels(x, of: size.width), y: pixels(y, of: size.height), width: pixels(width, of: size.width),
                height: pixels(height, of: size.height))
            guard rotation.truncatingRemainder(dividingBy: 360) != 0 else { return .box(box) }
            // Turned clockwise (y down) about the (x, y) corner: the centre is the corner
            // plus the turned half-diagonal, in pixels (percent space is not square).
            let radians = rotation * .pi / 180
            let cosine = cos(radians), sine = sin(radians)
            let halfWidth = box.width / 2, halfHeight = box.height / 2
            return .rotatedBox(
                RotatedBox(
                    centerX: Self.snap(box.x + halfWidth * cosine - halfHeight * sine),
                    centerY: Self.snap(box.y + halfWidth * sine + halfHeight * cosine), width: box.width,
                    height: box.height, degreesClockwise: rotation))
        case "polygonlabels":
            guard let points = value["points"]?.arrayValue else { throw error("value.points is not an array") }
            var ring = try points.map { point -> Point in
                guard let pair = point.arrayValue, pair.count >= 2 else {
                    throw error("value.points holds \(LabelStudioAnnotations.kindName(point)), not an [x, y] pair")
                }
                return Point(
                    x: pixels(try requiredNumber(pair[0], "a point's x"), of: size.width),
                    y: pixels(try requiredNumber(pair[1], "a point's y"), of: size.height))
            }
            if ring.count > 1, ring.first == ring.last { ring.removeLast() }
            return .polygon([ring])
        case "keypointlabels":
            let point = Point(
                x: pixels(try requiredNumber(value["x"], "value.x"), of: size.width),
                y: pixels(try requiredNumber(value["y"], "value.y"), of: size.height))
            return .keypoints([Keypoint(name: label, point: point, visibility: .visible)])
        default:
            let format = try string(value["format"], "value.format")
            guard format == nil || format == "rle" else {
                throw error("value.format is \"\(format ?? "")\"; only \"rle\" brush masks can be read")
            }
            guard let runs = value["rle"]?.arrayValue else { throw error("value.rle is not an array") }
            let bytes = try runs.map { run -> UInt8 in
                guard let byte = run.intValue, (0...255).contains(byte) else {
                    throw error("value.rle holds \(run), not a byte")
                }
                return UInt8(byte)
            }
            return .mask(.packedRGBARunLengths(bytes, size: size))
        }
    }

    /// The answer of a `choices`, `textarea`, `rating` or `number` result, named by its
    /// `from_name`; `nil` when it holds no answer.
    func answer(type: String) throws -> Attribute? {
        guard let value = json["value"], value.objectValue != nil else {
            throw error("value is \(json["value"].map(LabelStudioAnnotations.kindName) ?? "missing"), not an object")
        }
        let name = try string(json["from_name"], "from_name") ?? type
        switch type {
        case "choices", "textarea":
            let key = type == "choices" ? "choices" : "text"
            guard let list = value[key], !list.isNull else { return nil }
            let texts: [String]
            if let single = list.stringValue {
                texts = [single]
            } else if let elements = list.arrayValue {
                texts = try elements.map { element in
                    guard let text = element.stringValue else {
                        throw error("value.\(key) holds \(LabelStudioAnnotations.kindName(element)), not a string")
                    }
                    return text
                }
            } else {
                throw error("value.\(key) is \(LabelStudioAnnotations.kindName(list)), not an array")
            }
            if type == "textarea" { return Attribute(name: name, value: .text(texts.joined(separator: "\n"))) }
            let choices = texts.map { Choice(name: $0) }
            if choices.count == 1, let only = choices.first { return Attribute(name: name, value: .choice(only)) }
            return Attribute(name: name, value: .choices(choices))
        default:
            guard let number = try number(value[type], "value.\(type)") else { return nil }
            return Attribute(name: name, value: .number(number))
        }
    }
}
