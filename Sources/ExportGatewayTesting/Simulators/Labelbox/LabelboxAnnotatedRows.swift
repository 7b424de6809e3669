import ExportGateway
import Foundation

/// The parts of an annotated source's rows (``LabelboxSimulator/seedAnnotatedSource()``) that
/// come from ``SeededAnnotations/images`` rather than from the row index, in the shapes
/// Labelbox exports (labelbox-python's `expected_export_v2_image`): boxes as `bounding_box`
/// floats, polygons with their first point repeated last.
///
/// Feature ids are the source's `clft` ids numbered `1000 * row + object` (per source, so
/// two annotated projects never share one); schema ids are fixed per class and question, as
/// one ontology would give them.
enum LabelboxAnnotatedRows {
    /// The image row `index` shows (rows past the seeded images wrap around).
    static func image(_ index: Int) -> SeededAnnotations.Image {
        SeededAnnotations.images[index % SeededAnnotations.images.count]
    }

    /// Replaces the computed row's identity and media with image `index`'s: its key as the
    /// external id, its size, a PNG under the source's asset folder.
    static func describe(_ index: Int, source: LabelboxSimulator.Source, row: inout [String: JSONValue]) {
        let image = image(index)
        var dataRow = row["data_row"]?.objectValue ?? [:]
        dataRow["external_id"] = .string(image.key)
        dataRow["row_data"] = .string(
            "https://assets.labelbox.sim/\(LabelboxRows.pad(source.number, 5))/\(image.key)?X-Sim-Expires=3600")
        row["data_row"] = .object(dataRow)
        row["media_attributes"] = [
            "height": .int(Int64(image.size.height)), "width": .int(Int64(image.size.width)),
            "mime_type": "image/png", "asset_type": "image",
        ]
    }

    /// The `annotations` of row `index`'s one label.
    static func annotations(_ index: Int, source: Int) -> JSONValue {
        let image = image(index)
        var objects: [JSONValue] = []
        for (number, object) in image.objects.enumerated() {
            var member: [String: JSONValue] = [
                "feature_id": .string(feature(source: source, row: index, number: number)),
                "feature_schema_id": .string(
                    LabelboxID.make(
                        .schema, source: 0, index: 20 + (SeededAnnotations.classes.firstIndex(of: object.label) ?? 0))),
                "name": .string(object.label), "value": .string(slug(object.label)), "classifications": [],
            ]
            switch object.geometry {
            case .box(let box):
                member["annotation_kind"] = "ImageBoundingBox"
                member["bounding_box"] = [
                    "top": .double(box.y), "left": .double(box.x), "height": .double(box.height),
                    "width": .double(box.width),
                ]
            case .polygon(let rings):
                // Labelbox exports a polygon's first point again at its end.
                let ring = rings.first ?? []
                member["annotation_kind"] = "ImagePolygon"
                member["polygon"] = .array((ring + ring.prefix(1)).map { ["x": .double($0.x), "y": .double($0.y)] })
            default:
                continue
            }
            objects.append(.object(member))
        }
        var classifications: [JSONValue] = []
        if index == 0 { classifications.append(weather(source: source)) }
        return ["objects": .array(objects), "classifications": .array(classifications), "relationships": []]
    }

    /// The first image's radio question, `weather` → `sunny`, whose answer nests a checklist.
    private static func weather(source: Int) -> JSONValue {
        func answer(_ name: String, _ number: Int, schema: Int) -> [String: JSONValue] {
            [
                "feature_id": .string(feature(source: source, row: 0, number: number)),
                "feature_schema_id": .string(LabelboxID.make(.schema, source: 0, index: schema)),
                "name": .string(name), "value": .string(slug(name)),
            ]
        }
        var glare = answer("glare", 92, schema: 40)
        glare["checklist_answers"] = [
            .object(answer("windshield", 93, schema: 41).merging(["classifications": []]) { $1 }),
            .object(answer("road", 94, schema: 42).merging(["classifications": []]) { $1 }),
        ]
        var sunny = answer("sunny", 91, schema: 31)
        sunny["classifications"] = [.object(glare)]
        var weather = answer("weather", 90, schema: 30)
        weather["radio_answer"] = .object(sunny)
        return .object(weather)
    }

    /// The feature id of object (or answer) `number` of row `row` of source `source`.
    static func feature(source: Int, row: Int, number: Int) -> String {
        LabelboxID.make(.feature, source: source, index: 1_000 * row + number)
    }

    /// Labelbox's `value`: the name in lower case with spaces as underscores.
    private static func slug(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: " ", with: "_")
    }
}
