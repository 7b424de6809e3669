import ExportGateway
import Foundation

/// The annotated project: one task per ``SeededAnnotations/images`` image, in order, its
/// boxes as `rectanglelabels` and its polygons as `polygonlabels`, in percent of
/// `original_width`/`original_height` (`100 * x / W`, exact for the seeded sizes).
///
/// Every image but the empty one has one annotation (never ground truth, never skipped).
/// The first task also answers the whole-image question `weather` (`sunny`), and the
/// second carries a prediction of model `yolo-v1` whose one region repeats the task's first
/// box, with a region `score`: everything a reader must tell apart from the labels.
extension LabelStudioFixtures {
    /// The annotated project's label config.
    static let annotatedConfig =
        "<View><Image name=\"image\" value=\"$image\"/><RectangleLabels name=\"label\" toName=\"image\">"
        + SeededAnnotations.classes.map { "<Label value=\"\($0)\"/>" }.joined()
        + "</RectangleLabels><PolygonLabels name=\"polygon\" toName=\"image\">"
        + SeededAnnotations.classes.map { "<Label value=\"\($0)\"/>" }.joined()
        + "</PolygonLabels><Choices name=\"weather\" toName=\"image\"><Choice value=\"sunny\"/>"
        + "<Choice value=\"rainy\"/></Choices></View>"

    /// The index of the task whose annotation also answers `weather`.
    static let answeredIndex = 0
    /// The index of the task with a prediction.
    static let predictedIndex = 1
    /// The prediction's score, and its region's.
    static let predictionScores = (set: 0.87, region: 0.75)

    /// Task `index` of the annotated project: image `index % 5` of ``SeededAnnotations/images``.
    static func annotatedTask(_ index: Int, of project: LabelStudioSimulator.Project) -> Task {
        let images = SeededAnnotations.images
        let image = images[index % images.count]
        let id = project.firstTaskID + index
        let created = project.createdAt.addingTimeInterval(1 + Double(index) * 0.001_237)
        let marked = project.createdAt.addingTimeInterval(3_600 + Double(index) + 0.125_5)
        var regions = image.objects.enumerated().compactMap { n, object in
            region(object, of: image, id: annotatedResultID(index, n), origin: "manual")
        }
        if index == answeredIndex {
            regions.append(
                [
                    "value": ["choices": ["sunny"]], "id": .string(annotatedResultID(index, 99)),
                    "from_name": "weather", "to_name": "image", "type": "choices", "origin": "manual",
                ])
        }
        let annotations =
            image.objects.isEmpty
            ? []
            : [Mark(id: id, result: regions, wasCancelled: false, createdAt: marked, leadTime: 2.5, score: 0)]
        var predictions: [Mark] = []
        if index == predictedIndex, let first = image.objects.first,
            let predicted = region(first, of: image, id: annotatedResultID(index, 50), origin: "prediction")
        {
            predictions.append(
                Mark(
                    id: id, result: [predicted.setting("score", .double(predictionScores.region))],
                    wasCancelled: false, createdAt: created.addingTimeInterval(0.5), leadTime: 0,
                    score: predictionScores.set))
        }
        return Task(
            id: id, index: index, project: project,
            data: ["image": .string("https://images.example.invalid/\(image.key)"), "seq": .int(index)],
            annotations: annotations, predictions: predictions, createdAt: created,
            updatedAt: annotations.isEmpty ? created.addingTimeInterval(0.000_038) : marked)
    }

    /// Annotations, skipped annotations and predictions of the annotated project's tasks.
    static func annotatedTotals(
        of project: LabelStudioSimulator.Project
    ) -> (
        annotations: Int, skipped: Int, predictions: Int
    ) {
        (0..<project.taskCount).reduce((0, 0, 0)) { totals, index in
            let task = annotatedTask(index, of: project)
            return (totals.0 + task.annotations.count, totals.1, totals.2 + task.predictions.count)
        }
    }

    /// One seeded object as a region result in percent; `nil` for a geometry the seeded
    /// images do not use.
    private static func region(
        _ object: SeededAnnotations.Object, of image: SeededAnnotations.Image, id: String, origin: String
    ) -> OrderedJSON? {
        let width = Double(image.size.width), height = Double(image.size.height)
        let value: OrderedJSON
        let type: String
        switch object.geometry {
        case .box(let box):
            type = "rectanglelabels"
            value = [
                "x": .double(100 * box.x / width), "y": .double(100 * box.y / height),
                "width": .double(100 * box.width / width), "height": .double(100 * box.height / height),
                "rotation": 0, "rectanglelabels": [.string(object.label)],
            ]
        case .polygon(let rings):
            guard let ring = rings.first else { return nil }
            type = "polygonlabels"
            value = [
                "points": .array(ring.map { [.double(100 * $0.x / width), .double(100 * $0.y / height)] }),
                "closed": true, "polygonlabels": [.string(object.label)],
            ]
        default:
            return nil
        }
        return [
            "original_width": .int(image.size.width), "original_height": .int(image.size.height),
            "image_rotation": 0, "value": value, "id": .string(id),
            "from_name": .string(type == "rectanglelabels" ? "label" : "polygon"), "to_name": "image",
            "type": .string(type), "origin": .string(origin),
        ]
    }

    /// A result id of the annotated project, fixed by task and region.
    private static func annotatedResultID(_ index: Int, _ region: Int) -> String {
        "seed\(index)r\(region)"
    }
}
