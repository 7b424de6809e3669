import ExportGateway
import Foundation

extension LabelStudioSimulator {
    /// One export format of the converter's catalogue.
    struct Format {
        var name: String
        var title: String
        var description: String
        var link: String
        var tags: [String]
    }

    /// Every format, in the order and with the words of 1.23.2's `/export/formats`.
    static let formatCatalogue: [Format] = [
        Format(
            name: "JSON", title: "JSON",
            description: "List of items in raw JSON format stored in one JSON file. Use to export both the "
                + "data and the annotations for a dataset. It's Label Studio Common Format",
            link: "https://labelstud.io/guide/export.html#JSON",
            tags: []),
        Format(
            name: "JSON_MIN", title: "JSON-MIN",
            description: "List of items where only \"from_name\", \"to_name\" values from the raw JSON format are "
                + "exported. Use to export only the annotations for a dataset.",
            link: "https://labelstud.io/guide/export.html#JSON-MIN",
            tags: []),
        Format(
            name: "CSV", title: "CSV",
            description: "Results are stored as comma-separated values with the column names specified by the "
                + "values of the \"from_name\" and \"to_name\" fields.",
            link: "https://labelstud.io/guide/export.html#CSV",
            tags: []),
        Format(
            name: "TSV", title: "TSV",
            description: "Results are stored in tab-separated tabular file with column names specified by "
                + "\"from_name\" \"to_name\" values",
            link: "https://labelstud.io/guide/export.html#TSV",
            tags: []),
        Format(
            name: "CONLL2003", title: "CONLL2003",
            description: "Popular format used for the CoNLL-2003 named entity recognition challenge.",
            link: "https://labelstud.io/guide/export.html#CONLL2003",
            tags: ["sequence labeling", "text tagging", "named entity recognition"]),
        Format(
            name: "COCO", title: "COCO",
            description: "Popular machine learning format used by the COCO dataset for object detection and "
                + "image segmentation tasks with polygons and rectangles.",
            link: "https://labelstud.io/guide/export.html#COCO",
            tags: ["image segmentation", "object detection", "keypoints"]),
        Format(
            name: "COCO_WITH_IMAGES", title: "COCO with Images",
            description: "COCO format with images downloaded.",
            link: "https://labelstud.io/guide/export.html#COCO",
            tags: ["image segmentation", "object detection", "keypoints"]),
        Format(
            name: "VOC", title: "Pascal VOC XML",
            description: "Popular XML format used for object detection and polygon image segmentation tasks.",
            link: "https://labelstud.io/guide/export.html#Pascal-VOC-XML",
            tags: ["image segmentation", "object detection"]),
        Format(
            name: "YOLO", title: "YOLO",
            description: "Popular TXT format is created for each image file. Each txt file contains "
                + "annotations for the corresponding image file, that is object class, object "
                + "coordinates, height & width.",
            link: "https://labelstud.io/guide/export.html#YOLO",
            tags: ["image segmentation", "object detection", "keypoints"]),
        Format(
            name: "YOLO_WITH_IMAGES", title: "YOLO with Images",
            description: "YOLO format with images downloaded.",
            link: "https://labelstud.io/guide/export.html#YOLO",
            tags: ["image segmentation", "object detection", "keypoints"]),
        Format(
            name: "YOLO_OBB", title: "YOLOv8 OBB",
            description: "Popular TXT format is created for each image file. Each txt file contains "
                + "annotations for the corresponding image file. The YOLO OBB format designates "
                + "bounding boxes by their four corner points with coordinates normalized between 0 and "
                + "1, so it is possible to export rotated objects.",
            link: "https://labelstud.io/guide/export.html#YOLO",
            tags: ["image segmentation", "object detection"]),
        Format(
            name: "YOLO_OBB_WITH_IMAGES", title: "YOLOv8 OBB with Images",
            description: "YOLOv8 OBB format with images downloaded.",
            link: "https://labelstud.io/guide/export.html#YOLO",
            tags: ["image segmentation", "object detection"]),
        Format(
            name: "BRUSH_TO_NUMPY", title: "Brush labels to NumPy",
            description: "Export your brush labels as NumPy 2d arrays. Each label outputs as one image.",
            link: "https://labelstud.io/guide/export.html#Brush-labels-to-NumPy-amp-PNG",
            tags: ["image segmentation"]),
        Format(
            name: "BRUSH_TO_PNG", title: "Brush labels to PNG",
            description: "Export your brush labels as PNG images. Each label outputs as one image.",
            link: "https://labelstud.io/guide/export.html#Brush-labels-to-NumPy-amp-PNG",
            tags: ["image segmentation"]),
        Format(
            name: "ASR_MANIFEST", title: "ASR Manifest",
            description: "Export audio transcription labels for automatic speech recognition as the JSON "
                + "manifest format expected by NVIDIA NeMo models.",
            link: "https://labelstud.io/guide/export.html#ASR-MANIFEST",
            tags: ["speech recognition"]),
        Format(
            name: "BRUSH_TO_COCO", title: "Brush labels to COCO",
            description: "Export your brush labels as COCO format for segmentation tasks. Converts RLE encoded "
                + "masks to COCO polygons.",
            link: "https://labelstud.io/guide/export.html#COCO",
            tags: ["image segmentation", "brush annotations"]),
        Format(
            name: "DOCLANG", title: "DocLang (.dclx)",
            description: "Package annotations from the Doclang Interface as DocLang OPC archives (document.xml "
                + "+ page image) for downstream Docling model training.",
            link: "https://github.com/doclang-project/doclang/blob/main/spec.md#doclang-archive-format",
            tags: ["document", "doclang"]),
    ]

    /// Formats a converter answers with no file at all: a download asking for one is the 404
    /// page, a conversion to one answers 500 and never ends.
    static let formatsWithoutFile: Set<String> = ["BRUSH_TO_NUMPY", "BRUSH_TO_PNG", "DOCLANG"]

    /// The formats a project's label config enables; the UI shows the others disabled.
    static func enabledFormats(of project: Project) -> Set<String> {
        var enabled: Set<String> = ["JSON", "JSON_MIN", "CSV", "TSV"]
        if case .imageBoxes = project.kind {
            enabled.formUnion([
                "COCO", "COCO_WITH_IMAGES", "VOC", "YOLO", "YOLO_WITH_IMAGES", "YOLO_OBB", "YOLO_OBB_WITH_IMAGES",
            ])
        }
        return enabled
    }

    /// `GET /api/projects/{id}/export/formats`: every format, enabled ones first, the others
    /// with `disabled: true`. Unknown project: 404 (the HTML page).
    func formats(_ projectID: Int, user: User) -> HTTPResponse {
        guard let project = state.withLock({ $0.project(projectID) }) else { return Self.envelope(404, Self.noProject) }
        guard !user.removed else { return Self.envelope(403, Self.permissionDenied) }
        let enabled = Self.enabledFormats(of: project)
        let ordered =
            Self.formatCatalogue.filter { enabled.contains($0.name) }
            + Self.formatCatalogue.filter { !enabled.contains($0.name) }
        return Self.drf(
            200,
            .array(
                ordered.map { format in
                    var json: OrderedJSON = [
                        "title": .string(format.title), "description": .string(format.description),
                        "link": .string(format.link),
                    ]
                    if !format.tags.isEmpty { json = json.setting("tags", .array(format.tags.map(OrderedJSON.string))) }
                    json = json.setting("name", .string(format.name))
                    return enabled.contains(format.name) ? json : json.setting("disabled", true)
                }))
    }

    /// `POST /api/projects/{id}/exports/{eid}/convert` (§5.4): records a conversion. The
    /// export is looked up by `eid` alone (another project's id in the path still works);
    /// `?exportType=` downloads ignore what this makes (the feature flag is off in 1.23.2).
    func convert(_ projectID: Int, _ exportID: Int, _ request: SimulatedRequest) -> HTTPResponse {
        let now = host.time.now
        guard state.withLock({ $0.exports.contains { $0.id == exportID } }) else {
            return Self.envelope(404, "Not found.")
        }
        let body: [String: JSONValue]
        switch requestObject(request) {
        case .success(let object): body = object
        case .failure(let refusal): return refusal.response
        }
        // A CharField: null, blank (after trimming) and non-scalars are refused as such; a
        // number is its text; then the name must be in the catalogue.
        let format: String
        switch body["export_type"] {
        case nil: return Self.validation(["export_type": ["This field is required."]])
        case .null?: return Self.validation(["export_type": ["This field may not be null."]])
        case .bool?, .array?, .object?: return Self.validation(["export_type": ["Not a valid string."]])
        case let value?:
            let name = Self.pythonString(value).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { return Self.validation(["export_type": ["This field may not be blank."]]) }
            guard Self.formatCatalogue.contains(where: { $0.name == name }) else {
                return Self.validation(["export_type": [.string("\(name) is not supported export format")]])
            }
            format = name
        }
        if let value = body["download_resources"], Self.boolean(value) == nil {
            return Self.validation(["download_resources": ["Must be a valid boolean."]])
        }
        enum Outcome { case started(Int), repeated, crashed, gone }
        let outcome: Outcome = state.withLock { state in
            guard let index = state.exports.firstIndex(where: { $0.id == exportID }) else { return .gone }
            let record = state.exports[index]
            if record.conversions.contains(where: { $0.exportType == format && $0.status != "failed" }) {
                return .repeated
            }
            let id = state.nextConversionID
            state.nextConversionID += 1
            let running = record.isHeld(at: now) || !record.isTerminal
            let crashes =
                !running
                && (state.failNextConversion || record.status != "completed"
                    || Self.formatsWithoutFile.contains(format))
            if crashes { state.failNextConversion = false }
            // Running snapshot: the entry is made and never started. A crash leaves it running forever.
            let status = running ? "created" : crashes ? "in_progress" : "completed"
            state.exports[index].conversions.append(Conversion(id: id, exportType: format, status: status))
            return crashes ? .crashed : .started(id)
        }
        switch outcome {
        case .gone: return Self.envelope(404, "Not found.")
        case .repeated:
            return Self.validation(["non_field_errors": [.string("Conversion to \(format) already started")]])
        case .crashed:
            return Self.envelope(
                500, "set_convert_background_failure() missing 1 required positional argument: 'traceback_obj'")
        case .started(let id):
            return Self.drf(200, ["export_type": .string(format), "converted_format": .int(id)])
        }
    }

    // MARK: Converters

    /// What converting a snapshot to a format gives.
    enum ConvertedFile {
        /// A file, its content type and extension.
        case file(Data, type: String, ext: String)
        /// A known format that makes no file here.
        case noFile
        /// A name the converter does not know.
        case unknown
    }

    /// `snapshot` (a JSON array of tasks) in `format`, made afresh, as the converters make
    /// it on every download; zips are stamped `stamp`.
    func convertedFile(_ snapshot: Data, to format: String, project: Project, stamp: Date) -> ConvertedFile {
        guard Self.formatCatalogue.contains(where: { $0.name == format }) else { return .unknown }
        if Self.formatsWithoutFile.contains(format) { return .noFile }
        let tasks = (try? JSONValue(parsing: snapshot))?.arrayValue ?? []
        switch format {
        case "JSON":
            return .file(snapshot, type: "application/json", ext: "json")
        case "JSON_MIN":
            return .file(
                Self.minimalJSON(Self.converterItems(snapshot, project: project)), type: "application/json", ext: "json"
            )
        case "CSV", "TSV":
            return .file(
                Self.table(Self.converterItems(snapshot, project: project), separator: format == "CSV" ? "," : "\t"),
                type: "application/csv", ext: "csv")
        case "COCO", "COCO_WITH_IMAGES":
            return .file(Self.coco(tasks, project: project, stamp: stamp), type: "application/zip", ext: "zip")
        case "VOC":
            return .file(Self.voc(tasks, stamp: stamp), type: "application/zip", ext: "zip")
        case "ASR_MANIFEST":
            // Nothing to transcribe here: an empty manifest beside an empty audio folder.
            let entries: [ZipArchive.Entry] = [
                .init(path: "audio/", contents: Data()), .init(path: "manifest.json", contents: Data()),
            ]
            return .file(ZipArchive.make(entries, modified: stamp), type: "application/zip", ext: "zip")
        case "BRUSH_TO_COCO":
            return .file(Self.brushCOCO(tasks, project: project, stamp: stamp), type: "application/zip", ext: "zip")
        case "YOLO", "YOLO_WITH_IMAGES", "YOLO_OBB", "YOLO_OBB_WITH_IMAGES":
            return .file(
                Self.yolo(tasks, project: project, stamp: stamp, orientedBoxes: format.hasPrefix("YOLO_OBB")),
                type: "application/zip", ext: "zip")
        default:
            // CONLL2003 and the like on a project they do not fit: a file of little meaning.
            var text = ""
            for task in tasks {
                let words = (task["data"]?.objectValue?.values.compactMap(\.stringValue) ?? [])
                    .flatMap { $0.split(separator: " ") }
                text += "-DOCSTART- -X- O\n" + words.map { "\($0) -X- _ O\n" }.joined() + "\n"
            }
            return .file(Data(text.utf8), type: "application/conll", ext: "conll")
        }
    }

    /// One item of label-studio-sdk 2.1.2's converter (`annotation_result_from_task`): a
    /// task with no annotation is one item with none; otherwise each annotation not skipped
    /// is one, newest first (a task whose annotations were all skipped is none).
    struct ConverterItem {
        var id: OrderedJSON
        /// The task's `data`, members in file order.
        var input: [OrderedJSON.Member]
        /// The results by `from_name`, each value with `original_width`/`original_height`,
        /// prettified as the converter does (a single choice is the choice itself).
        var outputs: [OrderedJSON.Member]
        /// `completed_by` as stored (`{}` for an item without an annotation).
        var completedBy: OrderedJSON
        var annotationID: OrderedJSON
        var createdAt: OrderedJSON
        var updatedAt: OrderedJSON
        var leadTime: OrderedJSON
    }

    /// The converter's items of a snapshot file, read in file order.
    static func converterItems(_ snapshot: Data, project: Project) -> [ConverterItem] {
        let tags: [String: String]
        switch project.kind {
        case .imageBoxes: tags = ["label": "RectangleLabels"]
        case .textChoices: tags = ["sentiment": "Choices"]
        case .custom: tags = [:]
        case .annotatedImages:
            tags = ["label": "RectangleLabels", "polygon": "PolygonLabels", "weather": "Choices"]
        }
        var items: [ConverterItem] = []
        for task in OrderedJSON(parsing: snapshot)?.arrayValue ?? [] {
            guard let annotations = task["annotations"]?.arrayValue else { continue }
            let input: [OrderedJSON.Member]
            if case .object(let members)? = task["data"] { input = members } else { input = [] }
            let id = task["id"] ?? nil
            if annotations.isEmpty {
                items.append(
                    ConverterItem(
                        id: id, input: input, outputs: [], completedBy: [:], annotationID: nil, createdAt: nil,
                        updatedAt: nil, leadTime: nil))
                continue
            }
            let kept = annotations.filter { $0["was_cancelled"]?.boolValue != true && $0["skipped"]?.boolValue != true }
            // Python's stable sort, newest `created_at` first.
            let newestFirst = kept.enumerated().sorted { left, right in
                let a = left.element["created_at"]?.stringValue ?? "",
                    b = right.element["created_at"]?.stringValue ?? ""
                return a != b ? a > b : left.offset < right.offset
            }.map(\.element)
            for annotation in newestFirst {
                var grouped: [(name: String, type: String, values: [OrderedJSON])] = []
                for result in annotation["result"]?.arrayValue ?? [] {
                    guard let name = result["from_name"]?.stringValue else { continue }
                    // A config's control names its type; a project without one keeps every region.
                    guard let type = tags[name] ?? (tags.isEmpty ? result["type"]?.stringValue ?? "unknown" : nil)
                    else { continue }
                    var value = result["value"] ?? [:]
                    if let width = result["original_width"] { value = value.setting("original_width", width) }
                    if let height = result["original_height"] { value = value.setting("original_height", height) }
                    if let at = grouped.firstIndex(where: { $0.name == name }) {
                        grouped[at].values.append(value)
                    } else {
                        grouped.append((name, type, [value]))
                    }
                }
                let outputs = grouped.map { group -> OrderedJSON.Member in
                    // `prettify_result`: a Choices region of one choice is that choice.
                    let pretty = group.values.map { value -> OrderedJSON in
                        if group.type == "Choices", let choices = value["choices"]?.arrayValue, choices.count == 1 {
                            return choices[0]
                        }
                        return value
                    }
                    return .init(
                        key: group.name,
                        value: group.type == "Choices" && pretty.count == 1 ? pretty[0] : .array(pretty))
                }
                items.append(
                    ConverterItem(
                        id: id, input: input, outputs: outputs, completedBy: annotation["completed_by"] ?? [:],
                        annotationID: annotation["id"] ?? nil, createdAt: annotation["created_at"] ?? nil,
                        updatedAt: annotation["updated_at"] ?? nil, leadTime: annotation["lead_time"] ?? nil))
            }
        }
        return items
    }

    /// The converter's `get_annotator`: an expanded author's email, else the id itself
    /// (`asInteger`, JSON-MIN) or its text (CSV); `{}` (no annotation) is `null`.
    private static func annotator(_ author: OrderedJSON, asInteger: Bool) -> OrderedJSON {
        switch author {
        case .object: return author["email"] ?? nil
        case .int where asInteger: return author
        case .string: return author
        case .null: return "None"
        case let other: return .string(String(decoding: other.written(.compact), as: UTF8.self))
        }
    }

    /// JSON-MIN: per item its data, id, prettified results, author, ids and times, each
    /// written by `ujson.dump(indent=2)` (slashes escaped), joined by `,\n` inside `[\n…\n]`.
    static func minimalJSON(_ items: [ConverterItem]) -> Data {
        let records = items.map { item -> Data in
            var record = OrderedJSON.object(item.input)
            record = record.setting("id", item.id)
            for output in item.outputs { record = record.setting(output.key, output.value) }
            record = record.setting("annotator", annotator(item.completedBy, asInteger: true))
                .setting("annotation_id", item.annotationID).setting("created_at", item.createdAt)
                .setting("updated_at", item.updatedAt).setting("lead_time", item.leadTime)
            return record.written(.ujson(indent: 2))
        }
        var file = Data("[\n".utf8)
        for (index, record) in records.enumerated() {
            if index > 0 { file.append(contentsOf: Array(",\n".utf8)) }
            file.append(record)
        }
        file.append(contentsOf: Array("\n]".utf8))
        return file
    }

    /// CSV or TSV as the converter's `csv2` writes it: the columns of every item, sorted;
    /// `csv.QUOTE_NONNUMERIC` (text and empty cells quoted, numbers not); results and
    /// nested data as compact `ujson`; CRLF line ends.
    static func table(_ items: [ConverterItem], separator: String) -> Data {
        let inputKeys = Set(items.flatMap { $0.input.map(\.key) })
        let outputKeys = Set(items.flatMap { $0.outputs.map(\.key) })
        let colliding = inputKeys.intersection(outputKeys)
        let rows = items.map { item -> [String: OrderedJSON] in
            var row: [String: OrderedJSON] = ["id": item.id]
            for output in item.outputs {
                if case .string = output.value {
                    row[output.key] = output.value
                } else {
                    row[output.key] = .string(
                        String(decoding: output.value.written(.ujson(indent: nil)), as: UTF8.self))
                }
            }
            for member in item.input {
                let column = colliding.contains(member.key) ? "_data_\(member.key)" : member.key
                switch member.value {
                case .object, .array:
                    row[column] = .string(String(decoding: member.value.written(.ujson(indent: nil)), as: UTF8.self))
                default: row[column] = member.value
                }
            }
            row["annotator"] = annotator(item.completedBy, asInteger: false)
            row["annotation_id"] = item.annotationID
            row["created_at"] = item.createdAt
            row["updated_at"] = item.updatedAt
            row["lead_time"] = item.leadTime
            return row
        }
        let columns = Set(["annotator", "annotation_id", "created_at", "updated_at", "lead_time"])
            .union(rows.flatMap(\.keys)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        func cell(_ value: OrderedJSON?) -> String {
            switch value {
            case .int(let number)?: return String(number)
            case .double(let number)?:
                return number.isFinite ? "\(number)" : (number.isNaN ? "nan" : number > 0 ? "inf" : "-inf")
            case .bool(let flag)?: return flag ? "True" : "False"
            case .string(let text)?: return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            default: return "\"\""
            }
        }
        var lines = [columns.map { cell(.string($0)) }.joined(separator: separator)]
        for row in rows { lines.append(columns.map { cell(row[$0]) }.joined(separator: separator)) }
        return Data(lines.map { $0 + "\r\n" }.joined().utf8)
    }

    /// One box of a task's kept annotations, in pixels.
    private struct Box {
        var label: String
        var x: Double
        var y: Double
        var width: Double
        var height: Double
        var imageWidth: Int
        var imageHeight: Int
    }

    /// The image tasks that have boxes: the image's file name and its boxes.
    private static func boxes(_ tasks: [JSONValue]) -> [(task: Int, file: String, url: String, boxes: [Box])] {
        tasks.compactMap { task in
            guard let image = task["data"]?["image"]?.stringValue else { return nil }
            var found: [Box] = []
            for annotation in task["annotations"]?.arrayValue ?? [] where annotation["was_cancelled"]?.boolValue != true
            {
                for result in annotation["result"]?.arrayValue ?? [] where result["type"] == "rectanglelabels" {
                    guard let value = result["value"], let width = result["original_width"]?.intValue,
                        let height = result["original_height"]?.intValue
                    else { continue }
                    let number = { (key: String) in value[key]?.doubleValue ?? 0 }
                    found.append(
                        Box(
                            label: value["rectanglelabels"]?[0]?.stringValue ?? "",
                            x: number("x") * Double(width) / 100,
                            y: number("y") * Double(height) / 100, width: number("width") * Double(width) / 100,
                            height: number("height") * Double(height) / 100, imageWidth: Int(width),
                            imageHeight: Int(height)))
                }
            }
            guard !found.isEmpty else { return nil }
            let file = image.split(separator: "/").last.map(String.init) ?? image
            return (Int(task["id"]?.intValue ?? 0), file, image, found)
        }
    }

    private static func categories(of project: Project) -> [String] {
        if case .imageBoxes = project.kind { return LabelStudioFixtures.boxLabels }
        return []
    }

    /// `stamp` as COCO's `date_created` (`2025-01-15 09:30:00.000000`).
    private static func cocoDate(_ stamp: Date) -> String {
        let text = LabelStudioFixtures.timestamp(stamp).dropLast().replacingOccurrences(of: "T", with: " ")
        return text.contains(".") ? text : text + ".000000"
    }

    private static func coco(_ tasks: [JSONValue], project: Project, stamp: Date) -> Data {
        let labels = categories(of: project)
        var images: [OrderedJSON] = []
        var annotations: [OrderedJSON] = []
        for (imageID, image) in boxes(tasks).enumerated() {
            images.append([
                "width": .int(image.boxes[0].imageWidth), "height": .int(image.boxes[0].imageHeight),
                "id": .int(imageID), "file_name": .string("images/\(image.file)"),
            ])
            for box in image.boxes {
                annotations.append([
                    "id": .int(annotations.count), "image_id": .int(imageID),
                    "category_id": .int(labels.firstIndex(of: box.label) ?? 0), "segmentation": [],
                    "bbox": [.double(box.x), .double(box.y), .double(box.width), .double(box.height)], "ignore": 0,
                    "iscrowd": 0, "area": .double(box.width * box.height),
                ])
            }
        }
        let year = LabelStudioFixtures.utc.component(.year, from: stamp)
        let result: OrderedJSON = [
            "images": .array(images),
            "categories": .array(labels.enumerated().map { ["id": .int($0.offset), "name": .string($0.element)] }),
            "annotations": .array(annotations),
            "info": [
                "year": .int(year), "version": "1.0", "description": "", "contributor": "Label Studio", "url": "",
                "date_created": .string(cocoDate(stamp)),
            ],
        ]
        return ZipArchive.make(
            [
                .init(path: "images/", contents: Data()),
                .init(path: "result.json", contents: result.written(.indented(2))),
            ],
            modified: stamp)
    }

    /// `BRUSH_TO_COCO` of boxes: `images/` and `result_coco.json` with each box as a bbox
    /// (no segmentation), the converter's `info`.
    private static func brushCOCO(_ tasks: [JSONValue], project: Project, stamp: Date) -> Data {
        let labels = categories(of: project)
        var images: [OrderedJSON] = []
        var annotations: [OrderedJSON] = []
        for image in boxes(tasks) {
            images.append([
                "id": .int(image.task), "file_name": .string(image.file), "path": .string(image.url),
                "width": .int(image.boxes[0].imageWidth), "height": .int(image.boxes[0].imageHeight),
            ])
            for box in image.boxes {
                annotations.append([
                    "id": .int(annotations.count), "image_id": .int(image.task),
                    "category_id": .int((labels.firstIndex(of: box.label) ?? 0) + 1), "segmentation": [],
                    "area": .double(box.width * box.height),
                    "bbox": [.double(box.x), .double(box.y), .double(box.width), .double(box.height)], "iscrowd": 0,
                    "annotator": "1",
                ])
            }
        }
        let result: OrderedJSON = [
            "images": .array(images), "annotations": .array(annotations),
            "categories": .array(
                labels.enumerated().map {
                    [
                        "id": .int($0.offset + 1), "name": .string($0.element), "supercategory": "",
                        "color": "#3227fb", "metadata": [:],
                    ]
                }),
            "info": [
                "year": .int(LabelStudioFixtures.utc.component(.year, from: stamp)), "version": "1.0",
                "description": "Converted from Label Studio", "contributor": "Label Studio Converter",
                "date_created": .string(cocoDate(stamp)),
            ],
        ]
        return ZipArchive.make(
            [
                .init(path: "images/", contents: Data()),
                .init(path: "result_coco.json", contents: result.written(.indented(2))),
            ],
            modified: stamp)
    }

    private static func voc(_ tasks: [JSONValue], stamp: Date) -> Data {
        // The converter zips its folders as entries of their own.
        var entries: [ZipArchive.Entry] = [
            .init(path: "Annotations/", contents: Data()), .init(path: "images/", contents: Data()),
        ]
        for image in boxes(tasks) {
            let stem = image.file.split(separator: ".").dropLast().joined(separator: ".")
            var xml = """
                <?xml version="1.0" encoding="utf-8"?>
                <annotation>
                <folder>images</folder>
                <filename>\(image.file)</filename>
                <source><database>MyDatabase</database><annotation>COCO2017</annotation><image>flickr</image>\
                <flickrid>NULL</flickrid><annotator>1</annotator></source>
                <owner><flickrid>NULL</flickrid><name>Label Studio</name></owner>
                <size><width>\(image.boxes[0].imageWidth)</width><height>\(image.boxes[0].imageHeight)</height>\
                <depth>3</depth></size>
                <segmented>0</segmented>

                """
            for box in image.boxes {
                xml += "<object><name>\(box.label)</name><pose>Unspecified</pose><truncated>0</truncated>"
                xml += "<difficult>0</difficult><bndbox><xmin>\(Int(box.x.rounded()))</xmin>"
                xml += "<ymin>\(Int(box.y.rounded()))</ymin><xmax>\(Int((box.x + box.width).rounded()))</xmax>"
                xml += "<ymax>\(Int((box.y + box.height).rounded()))</ymax></bndbox></object>\n"
            }
            xml += "</annotation>\n"
            entries.append(.init(path: "Annotations/\(stem.isEmpty ? image.file : stem).xml", contents: Data(xml.utf8)))
        }
        return ZipArchive.make(entries, modified: stamp)
    }

    private static func yolo(_ tasks: [JSONValue], project: Project, stamp: Date, orientedBoxes: Bool) -> Data {
        let labels = categories(of: project)
        let notes: OrderedJSON = [
            "categories": .array(labels.enumerated().map { ["id": .int($0.offset), "name": .string($0.element)] }),
            "info": [
                "year": .int(LabelStudioFixtures.utc.component(.year, from: stamp)), "version": "1.0",
                "contributor": "Label Studio",
            ],
        ]
        var entries: [ZipArchive.Entry] = [
            .init(path: "images/", contents: Data()), .init(path: "labels/", contents: Data()),
            .init(path: "notes.json", contents: notes.written(.indented(2))),
            .init(path: "classes.txt", contents: Data(labels.map { $0 + "\n" }.joined().utf8)),
        ]
        func number(_ value: Double) -> String { String(format: "%.6f", value) }
        for image in boxes(tasks) {
            let stem = image.file.split(separator: ".").dropLast().joined(separator: ".")
            let lines = image.boxes.map { box -> String in
                let w = Double(box.imageWidth), h = Double(box.imageHeight)
                let category = labels.firstIndex(of: box.label) ?? 0
                if orientedBoxes {
                    let corners = [
                        (box.x, box.y), (box.x + box.width, box.y), (box.x + box.width, box.y + box.height),
                        (box.x, box.y + box.height),
                    ]
                    return "\(category) "
                        + corners.map { "\(number($0.0 / w)) \(number($0.1 / h))" }.joined(separator: " ")
                }
                return "\(category) \(number((box.x + box.width / 2) / w)) \(number((box.y + box.height / 2) / h)) "
                    + "\(number(box.width / w)) \(number(box.height / h))"
            }
            entries.append(
                .init(
                    path: "labels/\(stem.isEmpty ? image.file : stem).txt",
                    contents: Data(lines.map { $0 + "\n" }.joined().utf8)))
        }
        return ZipArchive.make(entries, modified: stamp)
    }
}
