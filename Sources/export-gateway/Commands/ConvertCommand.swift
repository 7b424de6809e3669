import ExportGateway
import Foundation

extension Commands {
    /// `export-gateway convert`: annotation files already on disk, from one layout to another.
    static let convert: CommandSpec = CommandSpec(
        name: "convert",
        summary:
            "Convert annotation files on disk: COCO, YOLO, Pascal VOC, a Labelbox NDJSON or Label Studio JSON export.",
        discussion: """
            Reads IN (a folder, a ZIP archive read in place, or a single file) one image at a time and \
            writes OUT in the layout of --to: COCO (annotations/instances_<subset>.json), YOLO \
            (Ultralytics: data.yaml, labels/, images/) or Pascal VOC (Annotations/, ImageSets/Main/, \
            labelmap.txt). Images found in IN are copied beside the annotations. OUT must not exist or \
            be empty, and appears only when complete. Without --from the format of IN is recognized \
            from its files (COCO, YOLO, VOC). Whatever a format cannot hold (a polygon in YOLO \
            detection, a keypoint in VOC) is counted and reported, never silently dropped.
            """,
        examples: [
            "export-gateway convert --to yolo street-scenes-coco/ street-scenes-yolo/",
            "export-gateway convert --from labelbox-ndjson --to coco export.ndjson street-scenes-coco/",
            "export-gateway convert --from voc --to coco VOCtrainval.zip voc-as-coco/",
        ],
        options: [ConvertCommand.from, ConvertCommand.to],
        arguments: [ConvertCommand.input, ConvertCommand.output]
    ) { arguments, console in
        try await ConvertCommand(session: GatewaySession(arguments, console: console)).run()
    }
}

/// The input layouts `convert --from` reads.
enum ConvertSource: String, CaseIterable, Sendable {
    case coco, yolo, voc
    case labelboxNDJSON = "labelbox-ndjson"
    case labelStudioJSON = "label-studio-json"

    /// The standard format, for the three that are one.
    var format: AnnotationFormat? { AnnotationFormat(rawValue: rawValue) }
}
