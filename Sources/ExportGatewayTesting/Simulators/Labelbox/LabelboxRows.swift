import ExportGateway
import Foundation

/// Seeded data rows computed from (source, index), and their exact NDJSON line bytes.
///
/// Every varying field is either fixed-width (zero-padded numbers, fixed-format dates) or a
/// function of `index % 4` (workflow status, labels, image size), so all lines of one export
/// whose indices share a residue have the same byte length: a stream's byte offsets are
/// arithmetic and no row before the one asked for is ever built.
///
/// Row `i` of a source: last activity at 2024-01-01T00:00:00Z + `i` minutes, label created
/// 30 minutes before that; workflow status `TO_LABEL`, `IN_REVIEW`, `IN_REWORK`, `DONE` by
/// `i % 4` (only `TO_LABEL` rows have no label); batch `i / 100`. Every line holds a
/// non-ASCII character (the external id "scène-…"), so chunk cuts can split a character.
enum LabelboxRows {
    /// Rows per batch of a project.
    static let batchSize = 100
    /// The workflow status words, by `index % 4`.
    static let workflowStatuses = ["TO_LABEL", "IN_REVIEW", "IN_REWORK", "DONE"]
    /// 2024-01-01T00:00:00Z: row 0's last activity.
    static let activityEpoch = 1_704_067_200
    /// Seconds between two consecutive rows' last activity.
    static let activityStep = 60
    /// How long before its row's last activity a label was created.
    static let labelLead = 1800
    private static let sizes = [(480, 640), (720, 1280), (1080, 1920), (1707, 2560)]

    /// Which optional parts of a line an export asked for (its `include*` params).
    struct Include: Sendable, Hashable {
        var details = false
        var attachments = false
        var metadata = false
        var embeddings = false
        var projectDetails = false
        var labelDetails = false
        var performanceDetails = false
    }

    /// What a line is rendered from: the source's identity and the export's flags.
    struct Layout: Sendable, Hashable {
        var source: LabelboxSimulator.Source
        var include: Include
    }

    static func lastActivity(of index: Int) -> Int { activityEpoch + index * activityStep }
    static func labelCreated(of index: Int) -> Int { lastActivity(of: index) - labelLead }
    static func hasLabel(_ index: Int) -> Bool { index % 4 != 0 }
    /// Whether row `index` of `source` carries a label: every annotated row does.
    static func hasLabel(_ index: Int, of source: LabelboxSimulator.Source) -> Bool {
        source.annotated || hasLabel(index)
    }

    static func globalKey(source: Int, index: Int) -> String { "gk-\(pad(source, 5))-\(pad(index, 8)).jpg" }

    /// The (source number, index) a global key names, or `nil`.
    static func parseGlobalKey(_ key: String) -> (source: Int, index: Int)? {
        let parts = key.split(separator: "-")
        guard parts.count == 3, parts[0] == "gk", parts[1].count == 5, parts[2].hasSuffix(".jpg"),
            let source = Int(parts[1]), let index = Int(parts[2].dropLast(4)), parts[2].count == 12
        else { return nil }
        return (source, index)
    }

    /// The NDJSON line (terminated by `\n`) for row `index`.
    static func line(_ index: Int, _ layout: Layout) -> Data {
        var data = row(index, layout).serialized()
        data.append(0x0A)
        return data
    }

    /// The line of the ERRORS stream for row `index`: an opaque object naming the data row.
    static func errorLine(_ index: Int, _ source: LabelboxSimulator.Source) -> Data {
        var data = JSONValue.object([
            "data_row_id": .string(LabelboxID.make(.dataRow, source: source.number, index: index)),
            "message": .string("Data row \(pad(index, 8)) could not be exported: simulated failure"),
        ]).serialized()
        data.append(0x0A)
        return data
    }

    private static func row(_ index: Int, _ layout: Layout) -> JSONValue {
        let source = layout.source
        let include = layout.include
        let residue = index % 4
        let number = pad(index, 8)
        var dataRow: [String: JSONValue] = [
            "id": .string(LabelboxID.make(.dataRow, source: source.number, index: index)),
            "row_data": .string("https://assets.labelbox.sim/\(pad(source.number, 5))/scene-\(number).jpg"),
            "global_key": .string(globalKey(source: source.number, index: index)),
            "external_id": .string("scène-\(number).jpg"),
        ]
        if include.details {
            dataRow["details"] = [
                "dataset_id": .string(LabelboxID.make(.dataset, source: source.number, index: 0)),
                "dataset_name": .string(source.rowsDatasetName),
                "created_at": .string(timestamp(activityEpoch - 86_400 * 31 + index)),
                "updated_at": .string(timestamp(lastActivity(of: index))),
                "last_activity_at": .string(timestamp(lastActivity(of: index))),
                "created_by": "uploader@labelbox.sim",
            ]
        }
        let (height, width) = sizes[residue]
        var object: [String: JSONValue] = [
            "data_row": .object(dataRow),
            "media_attributes": [
                "height": .int(Int64(height)), "width": .int(Int64(width)), "mime_type": "image/jpeg",
                "asset_type": "image",
            ],
        ]
        if source.annotated { LabelboxAnnotatedRows.describe(index, source: source, row: &object) }
        if include.attachments {
            object["attachments"] = [
                ["type": "RAW_TEXT", "name": "note", "value": .string("Captured for row \(number)")]
            ]
        }
        if include.metadata {
            object["metadata_fields"] = [
                [
                    "schema_id": .string(LabelboxID.make(.schema, source: 0, index: 1)), "schema_name": "split",
                    "value": .string(["train", "train", "valid", "test"][residue]),
                ]
            ]
        }
        if include.embeddings {
            let values: [Double] = [0.125, -0.5, 0.25, 0.75]
            object["embeddings"] = [
                [
                    "id": .string(LabelboxID.make(.schema, source: 0, index: 2)), "name": "CLIP ViT-B/32",
                    "dimensions": 4,
                    "is_custom": false,
                    "values": [["value": .array((0..<4).map { .double(values[($0 + residue) % 4]) })]],
                ]
            ]
        }
        if source.kind == .project {
            var project: [String: JSONValue] = ["name": .string(source.name), "labels": .array(labels(index, layout))]
            if include.projectDetails {
                let batch = index / batchSize
                project["project_details"] = [
                    "ontology_id": .string(LabelboxID.make(.ontology, source: source.number, index: 0)),
                    "task_id": .string(LabelboxID.make(.taskQueue, source: source.number, index: residue)),
                    "task_name": .string(
                        ["Initial labeling task", "Initial review task", "Rework task", "Done"][residue]),
                    "batch_id": .string(LabelboxID.make(.batch, source: source.number, index: batch)),
                    "batch_name": .string("Batch \(pad(batch, 6))"),
                    "workflow_status": .string(workflowStatuses[residue]),
                    "priority": .int(Int64(5 - residue)),
                    "selected_label_id": hasLabel(index, of: source)
                        ? .string(LabelboxID.make(.label, source: source.number, index: index)) : .null,
                    "consensus_expected_label_count": 1,
                    "workflow_history": [],
                ]
            }
            object["projects"] = [source.id: .object(project)]
        }
        return .object(object)
    }

    private static func labels(_ index: Int, _ layout: Layout) -> [JSONValue] {
        guard hasLabel(index, of: layout.source) else { return [] }
        let residue = index % 4
        let source = layout.source.number
        var label: [String: JSONValue] = [
            "label_kind": "Default", "version": "1.0.0",
            "id": .string(LabelboxID.make(.label, source: source, index: index)),
            "annotations": layout.source.annotated
                ? LabelboxAnnotatedRows.annotations(index, source: source)
                : [
                    "objects": [
                        [
                            "feature_id": .string(LabelboxID.make(.feature, source: source, index: index)),
                            "feature_schema_id": .string(LabelboxID.make(.schema, source: 0, index: 10 + residue)),
                            "name": .string(["car", "person", "bicycle", "dog"][residue]),
                            "annotation_kind": "ImageBoundingBox", "classifications": [],
                            "bounding_box": [
                                "top": .int(Int64(40 * residue + 10)), "left": .int(Int64(30 * residue + 5)),
                                "height": .int(Int64(100 + residue)), "width": .int(Int64(120 + residue)),
                            ],
                        ]
                    ],
                    "classifications": [], "relationships": [],
                ],
        ]
        if layout.include.labelDetails {
            label["label_details"] = [
                "created_at": .string(timestamp(labelCreated(of: index))),
                "updated_at": .string(timestamp(labelCreated(of: index) + 60)),
                "created_by": "labeler@labelbox.sim",
                "content_last_updated_at": .string(timestamp(labelCreated(of: index) + 60)),
                "reviews": [],
            ]
        }
        if layout.include.performanceDetails {
            let create = 10 + 7 * residue, review = 3 * residue, rework = residue == 2 ? 12 : 0
            label["performance_details"] = [
                "seconds_to_create": .int(Int64(create)), "seconds_to_review": .int(Int64(review)), "skipped": false,
                "performance_details_v2": [
                    "seconds_to_create": .int(Int64(create)), "seconds_to_review": .int(Int64(review)),
                    "seconds_to_rework": .int(Int64(rework)), "seconds_total": .int(Int64(create + review + rework)),
                ],
            ]
        }
        return [.object(label)]
    }

    /// `n` in decimal, zero-padded to `width` digits.
    static func pad(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// `2024-04-08T16:21:26.000+00:00`, the export lines' timestamp format, for Unix `seconds`.
    static func timestamp(_ seconds: Int) -> String {
        let (year, month, day) = civilDate(daysSinceEpoch: Int(floor(Double(seconds) / 86_400)))
        let second = ((seconds % 86_400) + 86_400) % 86_400
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):"
            + "\(pad(second % 60, 2)).000+00:00"
    }

    /// The proleptic Gregorian (year, month, day) of a day count since 1970-01-01
    /// (H. Hinnant's `civil_from_days`), fast and free of formatter state.
    static func civilDate(daysSinceEpoch days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Labelbox-style 25-character ids (`cl` + a two-letter kind + source and index digits), so
/// every id the simulator hands out can be read back to what it names without a table.
enum LabelboxID {
    enum Kind: String {
        case dataRow = "dr", dataset = "ds", project = "pj", task = "tk", user = "us", organization = "or"
        case label = "lb", feature = "ft", schema = "sc", ontology = "on", batch = "bt", taskQueue = "tq"
    }

    static func make(_ kind: Kind, source: Int, index: Int) -> String {
        "cl" + kind.rawValue + LabelboxRows.pad(source, 5) + LabelboxRows.pad(index, 16)
    }

    /// The (source, index) of an id of `kind`, or `nil`.
    static func parse(_ id: String, as kind: Kind) -> (source: Int, index: Int)? {
        guard id.count == 25, id.hasPrefix("cl" + kind.rawValue) else { return nil }
        let digits = id.dropFirst(4)
        guard digits.allSatisfy(\.isASCII), let source = Int(digits.prefix(5)), let index = Int(digits.dropFirst(5))
        else { return nil }
        return (source, index)
    }
}
