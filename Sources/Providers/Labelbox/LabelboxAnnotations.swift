import ExportGateway
import Foundation

/// Reads one Labelbox export row (a data row with its projects' labels) as an
/// ``AnnotatedItem``: pure and offline, so a saved NDJSON export converts the same way a live
/// stream does.
///
/// Labelbox's objects are pixels with a top-left origin, as the model is: `bounding_box
/// {top,left,height,width}` becomes a ``Geometry/box(_:)``, `polygon` a one-ring polygon
/// without the repeated closing point Labelbox exports, `line` a polyline, `point` one
/// visible keypoint, `mask` and `composite_mask` a ``Mask/image(_:)`` reference that needs
/// the API key. Label-level classifications become ``Geometry/whole`` annotations with no
/// label and the answer as their one attribute; an object's classifications become its
/// attributes; nested answers become ``Choice/children``.
///
/// ```swift
/// let item = try LabelboxAnnotations.item(fromRow: JSONValue(parsing: line))
/// ```
public enum LabelboxAnnotations {
    /// The image and annotations of one export row.
    ///
    /// Every label of every project (and every label and prediction of every model run) is
    /// read, in project-id order, each annotation's ``AnnotationSource/setID`` naming its
    /// label. An object of a kind the model has no shape for (video frames, text entities,
    /// relationships) is skipped and stays reachable in the item's `providerFields`, the
    /// whole row. Throws a ``GatewayError/Kind/decoding`` error naming the data row and
    /// feature when a known shape is malformed (a box with a non-number side), or when the
    /// row has no `data_row.id`.
    public static func item(fromRow row: JSONValue) throws -> AnnotatedItem {
        guard row.objectValue != nil else {
            throw GatewayError(.decoding, message: "A Labelbox export row is not a JSON object.")
        }
        guard let id = row["data_row"]?["id"]?.stringValue else {
            throw GatewayError(
                .decoding,
                message:
                    "A Labelbox export row has no string `data_row.id`; check that the file is a Labelbox export (NDJSON, one data row a line)."
            )
        }
        let reader = Reader(dataRowID: id)
        let dataRow = row["data_row"] ?? .null
        let rowData = try reader.string(dataRow["row_data"], "data_row.row_data")
        let key =
            try reader.string(dataRow["external_id"], "data_row.external_id")
            ?? reader.string(dataRow["global_key"], "data_row.global_key") ?? rowData.flatMap(Self.fileName)
        var annotations: [Annotation] = []
        for (_, project) in Self.sortedMembers(row["projects"]) {
            for label in project["labels"]?.arrayValue ?? [] {
                annotations += try reader.annotations(of: label, kind: .annotation)
            }
        }
        for (model, experiment) in Self.sortedMembers(row["experiments"]) {
            let name = experiment["name"]?.stringValue ?? model
            for (_, run) in Self.sortedMembers(experiment["runs"]) {
                for label in run["labels"]?.arrayValue ?? [] {
                    annotations += try reader.annotations(of: label, kind: .groundTruth)
                }
                for prediction in run["predictions"]?.arrayValue ?? [] {
                    annotations += try reader.annotations(of: prediction, kind: .prediction(model: name))
                }
            }
        }
        return AnnotatedItem(
            id: ItemID(rawValue: id), key: key,
            mediaURL: rowData.flatMap { text in URL(string: text).flatMap { $0.scheme == nil ? nil : $0 } },
            imageSize: try reader.imageSize(row["media_attributes"]), annotations: annotations, providerFields: row)
    }

    /// The last path component of `rowData` without its query or fragment, or `nil` when
    /// nothing is left.
    static func fileName(_ rowData: String) -> String? {
        let path = rowData.split(separator: "?", maxSplits: 1).first.map(String.init) ?? rowData
        let withoutFragment = path.split(separator: "#", maxSplits: 1).first.map(String.init) ?? path
        guard let last = withoutFragment.split(separator: "/").last, !last.isEmpty else { return nil }
        return String(last.removingPercentEncoding ?? String(last))
    }

    /// An object's members sorted by name, so that several projects or runs come out in a
    /// stable order (JSON objects have none).
    static func sortedMembers(_ value: JSONValue?) -> [(String, JSONValue)] {
        (value?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// Reads the parts of one row, naming its data row (and feature) in every error.
private struct Reader {
    /// The row's `data_row.id`, for error messages.
    let dataRowID: String

    /// Every object and classification of one label (or model-run prediction).
    func annotations(of label: JSONValue, kind: AnnotationSource.Kind) throws -> [Annotation] {
        let details = label["label_details"]
        let source = AnnotationSource(
            kind: kind, setID: label["id"]?.stringValue,
            author: details?["created_by"]?.stringValue,
            createdAt: details?["created_at"]?.stringValue.flatMap(ISO8601.date(from:)))
        let content = label["annotations"]
        var annotations: [Annotation] = []
        for object in content?["objects"]?.arrayValue ?? [] {
            if let annotation = try self.object(object, source: source) { annotations.append(annotation) }
        }
        for classification in content?["classifications"]?.arrayValue ?? [] {
            guard let attribute = try attribute(classification) else { continue }
            annotations.append(
                Annotation(
                    id: classification["feature_id"]?.stringValue, label: nil, geometry: .whole,
                    attributes: [attribute], confidence: try number(classification["confidence"], "confidence"),
                    source: source, providerFields: classification))
        }
        return annotations
    }

    /// One object as an annotation, or `nil` for a kind the model has no shape for.
    private func object(_ object: JSONValue, source: AnnotationSource) throws -> Annotation? {
        let feature = object["feature_id"]?.stringValue
        guard let geometry = try geometry(of: object, feature: feature) else { return nil }
        var attributes: [Attribute] = []
        for classification in object["classifications"]?.arrayValue ?? [] {
            if let attribute = try attribute(classification) { attributes.append(attribute) }
        }
        return Annotation(
            id: feature, label: object["name"]?.stringValue ?? object["value"]?.stringValue, geometry: geometry,
            attributes: attributes, confidence: try number(object["confidence"], "confidence", feature: feature),
            source: source, providerFields: object)
    }

    private func geometry(of object: JSONValue, feature: String?) throws -> Geometry? {
        if let box = object["bounding_box"] {
            return .box(
                Box(
                    x: try required(box["left"], "bounding_box.left", feature),
                    y: try required(box["top"], "bounding_box.top", feature),
                    width: try required(box["width"], "bounding_box.width", feature),
                    height: try required(box["height"], "bounding_box.height", feature)))
        }
        if let polygon = object["polygon"] {
            var ring = try points(polygon, "polygon", feature)
            // Labelbox repeats the first vertex last on export; the model's rings do not.
            if ring.count > 1, ring.first == ring.last { ring.removeLast() }
            return .polygon([ring])
        }
        if let line = object["line"] { return .polyline(try points(line, "line", feature)) }
        if let point = object["point"] {
            return .keypoints([Keypoint(point: try self.point(point, "point", feature), visibility: .visible)])
        }
        if let mask = object["composite_mask"] ?? object["mask"] {
            let field = object["composite_mask"] != nil ? "composite_mask" : "mask"
            guard let url = mask["url"]?.stringValue ?? mask.stringValue else {
                throw malformed("`\(field).url` is not a string", feature)
            }
            var color: [UInt8]?
            if let rgb = mask["color_rgb"], !rgb.isNull {
                guard let channels = rgb.arrayValue?.compactMap({ $0.intValue.flatMap { UInt8(exactly: $0) } }),
                    channels.count == 3, rgb.arrayValue?.count == 3
                else { throw malformed("`\(field).color_rgb` is not three numbers 0...255", feature) }
                color = channels
            }
            return .mask(.image(MaskReference(location: url, colorRGB: color, needsVendorCredential: true)))
        }
        return nil
    }

    /// A classification (radio, checklist, text) as an attribute, or `nil` when it holds no
    /// answer the model knows.
    func attribute(_ classification: JSONValue) throws -> Attribute? {
        let name =
            classification["name"]?.stringValue ?? classification["value"]?.stringValue ?? "classification"
        let id = classification["feature_schema_id"]?.stringValue ?? classification["schemaId"]?.stringValue
        if let answer = classification["radio_answer"], answer.objectValue != nil {
            return Attribute(name: name, id: id, value: .choice(try choice(answer)))
        }
        if let answers = classification["checklist_answers"]?.arrayValue {
            return Attribute(name: name, id: id, value: .choices(try answers.map(choice)))
        }
        if let text = classification["text_answer"] {
            return Attribute(name: name, id: id, value: .text(text["content"]?.stringValue ?? text.stringValue ?? ""))
        }
        // The import (NDJSON) spelling, which some tools write back: `answer` as text, one
        // answer object, or a list of them.
        switch classification["answer"] {
        case .string(let text): return Attribute(name: name, id: id, value: .text(text))
        case .object?:
            return Attribute(name: name, id: id, value: .choice(try choice(classification["answer"] ?? .null)))
        case .array(let answers)?: return Attribute(name: name, id: id, value: .choices(try answers.map(choice)))
        default: return nil
        }
    }

    /// One picked answer with the questions nested under it.
    private func choice(_ answer: JSONValue) throws -> Choice {
        var children: [Attribute] = []
        for classification in answer["classifications"]?.arrayValue ?? [] {
            if let attribute = try attribute(classification) { children.append(attribute) }
        }
        return Choice(
            name: answer["name"]?.stringValue ?? answer["value"]?.stringValue ?? "",
            id: answer["feature_schema_id"]?.stringValue ?? answer["schemaId"]?.stringValue,
            confidence: try number(answer["confidence"], "confidence"), children: children)
    }

    /// `media_attributes.{width,height}` when both are positive whole numbers; `nil` when
    /// either is missing or is no size in pixels (a text or audio row), an error when either is
    /// not a number.
    func imageSize(_ attributes: JSONValue?) throws -> ImageSize? {
        guard let attributes, !attributes.isNull else { return nil }
        guard let width = try number(attributes["width"], "media_attributes.width"),
            let height = try number(attributes["height"], "media_attributes.height"),
            width >= 1, height >= 1, width < 1e9, height < 1e9, width == width.rounded(), height == height.rounded()
        else { return nil }
        return ImageSize(width: Int(width), height: Int(height))
    }

    /// An optional string field: absent or `null` is `nil`, another type an error.
    func string(_ value: JSONValue?, _ field: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue else { throw malformed("`\(field)` is not a string", nil) }
        return text
    }

    private func points(_ value: JSONValue, _ field: String, _ feature: String?) throws -> [Point] {
        guard let elements = value.arrayValue else { throw malformed("`\(field)` is not a list of points", feature) }
        return try elements.map { try point($0, field, feature) }
    }

    private func point(_ value: JSONValue, _ field: String, _ feature: String?) throws -> Point {
        Point(x: try required(value["x"], "\(field).x", feature), y: try required(value["y"], "\(field).y", feature))
    }

    private func required(_ value: JSONValue?, _ field: String, _ feature: String?) throws -> Double {
        guard let number = value?.doubleValue, number.isFinite else {
            throw malformed("`\(field)` is not a number", feature)
        }
        return number
    }

    /// An optional number: absent or `null` is `nil`, another type an error.
    private func number(_ value: JSONValue?, _ field: String, feature: String? = nil) throws -> Double? {
        guard let value, !value.isNull else { return nil }
        guard let number = value.doubleValue, number.isFinite else {
            throw malformed("`\(field)` is not a number", feature)
        }
        return number
    }

    private func malformed(_ problem: String, _ feature: String?) -> GatewayError {
        // Bounded: ids are the vendor's text, and a message must stay one readable line.
        let location = feature.map { ", feature \($0.prefix(64))" } ?? ""
        return GatewayError(
            .decoding,
            message:
                "Labelbox data row \(dataRowID.prefix(64))\(location): \(problem); the row cannot be read as annotations. Check the export file, or report the row."
        )
    }
}
