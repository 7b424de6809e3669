import Foundation

/// Turns one element of a COCO file's `annotations` into the model's annotations.
///
/// - A polygon segmentation gives one `.polygon` per part (several parts share `group` = the
///   COCO annotation id, and each keeps that id); a closing duplicate point is dropped, parts
///   under 3 points are ignored (the box is used when none is left).
/// - An RLE segmentation gives `.mask(.cocoRLE)` or `.mask(.cocoCompressedRLE)`.
/// - Otherwise `bbox` gives `.box`.
/// - `keypoints` with at least one placed point gives `.keypoints` named by the category's
///   `keypoints`. The shape is then kept only when the segmentation is not empty (both share
///   `group`): a keypoint annotation's `bbox` alone is taken as the points' envelope.
struct COCOAnnotationDecoder {
    /// The file's categories by id.
    let categories: [Int64: COCOCategory]
    /// The file's path, for messages.
    let file: String

    /// The image id the annotation belongs to and what it becomes.
    func decode(_ value: JSONValue) throws -> (imageID: String, annotations: [Annotation]) {
        guard case .object(let object) = value else {
            throw failure("an annotation that is not an object: \(COCOText.excerpt(value))")
        }
        let id = COCOText.idText(object["id"]) ?? "?"
        guard let imageID = COCOText.idText(object["image_id"]) else {
            throw failure("annotation \(id) without an integer `image_id`")
        }
        guard let categoryID = object["category_id"]?.intValue else {
            throw failure("annotation \(id) without an integer `category_id`")
        }
        guard let category = categories[categoryID] else {
            throw failure("annotation \(id) with category_id \(categoryID), which no category has")
        }
        let template = Annotation(
            id: id, label: category.name, geometry: .whole, attributes: attributes(object["attributes"]),
            confidence: object["score"]?.doubleValue, providerFields: value)
        var shapes = try self.shapes(object, id: id)
        if let points = try keypoints(object["keypoints"], names: category.keypoints, id: id) {
            let segmented = shapes.contains { if case .box = $0 { return false } else { return true } }
            shapes = (segmented ? shapes : []) + [.keypoints(points)]
        }
        let group = shapes.count > 1 ? id : nil
        let annotations = shapes.map { geometry in
            var annotation = template
            annotation.geometry = geometry
            annotation.group = group
            return annotation
        }
        return (imageID, annotations)
    }

    private func shapes(_ object: [String: JSONValue], id: String) throws -> [Geometry] {
        switch object["segmentation"] {
        case .array(let parts) where !parts.isEmpty:
            var rings: [Geometry] = []
            for part in parts {
                guard let flat = numbers(part), flat.count % 2 == 0 else {
                    throw failure("annotation \(id) with a polygon that is not an even list of numbers")
                }
                var ring = stride(from: 0, to: flat.count, by: 2).map { Point(x: flat[$0], y: flat[$0 + 1]) }
                if ring.count > 1, ring.first == ring.last { ring.removeLast() }
                if ring.count >= 3 { rings.append(.polygon([ring])) }
            }
            if !rings.isEmpty { return rings }
        case .object(let rle):
            return [.mask(try mask(rle, id: id))]
        default: break
        }
        guard let bbox = object["bbox"], !bbox.isNull else { return [] }
        guard let values = numbers(bbox), values.count == 4 else {
            throw failure("annotation \(id) whose `bbox` is not 4 numbers [x, y, width, height]")
        }
        return [.box(Box(x: values[0], y: values[1], width: values[2], height: values[3]))]
    }

    private func mask(_ rle: [String: JSONValue], id: String) throws -> Mask {
        guard let sizeValues = numbers(rle["size"] ?? .null), sizeValues.count == 2,
            let height = Int(exactly: sizeValues[0]), let width = Int(exactly: sizeValues[1]), height >= 0, width >= 0
        else {
            throw failure("annotation \(id) with an RLE segmentation whose `size` is not [height, width]")
        }
        let size = ImageSize(width: width, height: height)
        switch rle["counts"] {
        case .string(let text): return .cocoCompressedRLE(text, size: size)
        case .array(let values):
            let counts = values.compactMap { $0.intValue.flatMap { Int(exactly: $0) } }
            guard counts.count == values.count, counts.allSatisfy({ $0 >= 0 }) else {
                throw failure("annotation \(id) with RLE `counts` that are not whole numbers")
            }
            return .cocoRLE(counts: counts, size: size)
        default:
            throw failure("annotation \(id) with an RLE segmentation without `counts`")
        }
    }

    private func keypoints(_ value: JSONValue?, names: [String], id: String) throws -> [Keypoint]? {
        guard let value, !value.isNull else { return nil }
        guard let flat = numbers(value), flat.count % 3 == 0 else {
            throw failure("annotation \(id) whose `keypoints` is not a list of x, y, v triples")
        }
        var points: [Keypoint] = []
        for start in stride(from: 0, to: flat.count, by: 3) {
            let index = start / 3
            let visibility: Keypoint.Visibility =
                flat[start + 2] <= 0 ? .unlabeled : flat[start + 2] < 2 ? .occluded : .visible
            points.append(
                Keypoint(
                    name: index < names.count ? names[index] : nil, point: Point(x: flat[start], y: flat[start + 1]),
                    visibility: visibility))
        }
        return points.contains { $0.visibility != .unlabeled } ? points : nil
    }

    private func attributes(_ value: JSONValue?) -> [Attribute] {
        guard case .object(let object) = value else { return [] }
        return object.keys.sorted().compactMap { name -> Attribute? in
            switch object[name] {
            case .bool(let flag): return .flag(name, flag)
            case .string(let text): return Attribute(name: name, value: .text(text))
            case .int(let number): return Attribute(name: name, value: .number(Double(number)))
            case .double(let number): return Attribute(name: name, value: .number(number))
            case .array(let values):
                let names = values.compactMap(\.stringValue)
                guard names.count == values.count else { return nil }
                return Attribute(name: name, value: .choices(names.map { Choice(name: $0) }))
            default: return nil
            }
        }
    }

    /// The numbers of a JSON array, or `nil` when it is not an array of finite numbers.
    private func numbers(_ value: JSONValue) -> [Double]? {
        guard case .array(let values) = value else { return nil }
        var result: [Double] = []
        result.reserveCapacity(values.count)
        for value in values {
            guard let number = value.doubleValue, number.isFinite else { return nil }
            result.append(number)
        }
        return result
    }

    private func failure(_ what: String) -> GatewayError {
        GatewayError(.decoding, message: "\(file) has \(what). Check the file is COCO instances JSON.")
    }
}
