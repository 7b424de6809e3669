import ExportGateway
import Foundation

/// Seeded items and sequences, computed from their index: the union of the documented
/// fields and the SDK's fields, with statuses cycling through every Avala word.
enum AvalaFixtures {
    /// Every item status word (DOC-ITEMS), in the order items cycle through them.
    static let itemWords = [
        "unattempted", "pending", "ready_for_annotation", "in_progress", "completed", "rework_required",
        "customer_approved",
    ]

    /// Every sequence status word (DOC-ITEMS).
    static let sequenceWords = [
        "unattempted", "pending", "completed", "rework_required", "ready_for_annotation", "labeling_4d", "review_4d",
        "ready_for_2d", "labeling_2d", "review_2d", "final_review", "customer_approved",
    ]

    static let labels = ["car", "pedestrian", "cyclist", "traffic_light"]

    /// Items are listed most recent first: index 0 is the newest.
    static func createdAt(_ index: Int, of dataset: AvalaSimulator.Dataset) -> String {
        ISO8601.string(from: dataset.createdAt.addingTimeInterval(-60 * TimeInterval(index)))
    }

    static func itemUID(_ index: Int, of dataset: AvalaSimulator.Dataset) -> String {
        SimulatedID.uuid(namespace: AvalaSimulator.Namespace.items(of: dataset), index: index)
    }

    static func sequenceUID(_ index: Int, of dataset: AvalaSimulator.Dataset) -> String {
        SimulatedID.uuid(namespace: AvalaSimulator.Namespace.sequences(of: dataset), index: index)
    }

    static func item(_ index: Int, of dataset: AvalaSimulator.Dataset) -> JSONValue {
        let key = String(format: "image_%06d.jpg", index)
        let media = "https://media.avala.sim/\(dataset.owner)/\(dataset.slug)/\(key)"
        let objects: [JSONValue] = (0..<(index % 4)).map { n in
            let label = labels[(index + n) % labels.count]
            let x = Double((index * 37 + n * 101) % 1700), y = Double((index * 53 + n * 71) % 900)
            return ["label": .string(label), "bbox": [.double(x), .double(y), .double(120), .double(80)]]
        }
        return [
            "uid": .string(itemUID(index, of: dataset)), "id": .int(Int64(index + 1)), "is_hidden": false,
            "key": .string(key), "status": .string(itemWords[index % itemWords.count]),
            "dataset": .string(dataset.uid), "dataset_owner_name": .string(dataset.owner),
            "dataset_slug": .string(dataset.slug),
            "url": .string(media), "data_url": .string(media),
            "thumbnails": [.string(media + "?thumb=1")], "thumbnail_url": .string(media + "?thumb=1"),
            "video_thumbnail": .null,
            "metadata": ["width": 1920, "height": 1080, "format": "jpeg"],
            "annotations": ["objects": .array(objects)], "annotations_count": .int(Int64(objects.count)),
            "export_snippet": .null,
            "created_at": .string(createdAt(index, of: dataset)), "updated_at": .string(createdAt(index, of: dataset)),
        ]
    }

    /// A sequence; the detail view (`detail: true`) embeds `frames` and `camera_calibration`.
    static func sequence(_ index: Int, of dataset: AvalaSimulator.Dataset, detail: Bool) -> JSONValue {
        let word = sequenceWords[index % sequenceWords.count]
        let frameCount = 3 + index % 5
        let base = "https://media.avala.sim/\(dataset.owner)/\(dataset.slug)/sequence_\(String(format: "%04d", index))"
        var object: [String: JSONValue] = [
            "uid": .string(sequenceUID(index, of: dataset)), "key": .string(String(format: "sequence_%04d", index)),
            "status": .string(word), "is_hidden": false, "featured_image": .string(base + "/featured.jpg"),
            "number_of_frames": .int(Int64(frameCount)),
            "views": [["key": "camera_front", "load": .string(base + "/camera_front/"), "metrics": .null]],
            "dataset_uid": .string(dataset.uid), "is_workflow_terminal": .bool(word == "customer_approved"),
            "created_at": .string(createdAt(index, of: dataset)),
        ]
        if detail {
            object["frames"] = .array(
                (0..<frameCount).map { frame in
                    [
                        "key": .string(String(format: "frame_%03d", frame)), "camera_model": "pinhole",
                        "device_position": ["x": .double(Double(frame)), "y": 0, "z": 0],
                        "device_heading": ["x": 0, "y": 0, "z": 0, "w": 1],
                        "images": [
                            [
                                "image_url": .string(base + String(format: "/camera_front/%03d.jpg", frame)),
                                "width": 1920, "height": 1080, "fx": 1000.0, "fy": 1000.0, "cx": 960.0, "cy": 540.0,
                                "camera": "camera_front",
                            ]
                        ],
                    ]
                })
            object["camera_calibration"] = [["camera": "camera_front", "model": "pinhole"]]
        }
        return .object(object)
    }
}
