import ExportGateway
import ExportGatewayLabelStudio
import ExportGatewayTesting
import Foundation
import Testing

/// Label Studio tasks, as its JSON export holds them, read as annotated items: each result
/// type on its own, then a snapshot of the simulator's seeded annotations through the gateway.
@Suite struct LabelStudioAnnotationTests {
    /// A task of one annotation (id 7, by user 1) whose results are `results`.
    private func task(_ results: String, id: Int = 9, extra: String = "") throws -> JSONValue {
        try JSONValue(
            parsing: Data(
                """
                {"id": \(id), "data": {"image": "https://img.example.invalid/city/0001.png?sig=abc"},
                 "annotations": [{"id": 7, "completed_by": 1, "was_cancelled": false, "ground_truth": false,
                                  "created_at": "2026-12-02T09:12:53.690284Z", "result": [\(results)]}],
                 "predictions": []\(extra)}
                """.utf8))
    }

    /// A region result of `type` on a `width`×`height` image.
    private func region(
        _ id: String, _ type: String, _ value: String, width: Int = 1920, height: Int = 1080, more: String = ""
    ) -> String {
        """
        {"id": "\(id)", "type": "\(type)", "from_name": "label", "to_name": "image", "original_width": \(width),
         "original_height": \(height), "image_rotation": 0, "value": \(value)\(more)}
        """
    }

    private func item(_ task: JSONValue) throws -> AnnotatedItem { try LabelStudioAnnotations.item(fromTask: task) }

    // MARK: Geometry

    @Test func percentBecomesExactPixelsMultiplyingFirst() throws {
        let box = region(
            "r1", "rectanglelabels",
            #"{"x": 0, "y": 83.33333333333333, "width": 50, "height": 16.666666666666668, "rotation": 0, "rectanglelabels": ["Car"]}"#
        )
        let item = try item(task(box))
        #expect(item.id == "9" && item.imageSize == ImageSize(width: 1920, height: 1080) && item.units == .pixels)
        #expect(item.key == "0001.png")
        #expect(item.mediaURL == URL(string: "https://img.example.invalid/city/0001.png?sig=abc"))
        let annotation = try #require(item.annotations.first)
        #expect(item.annotations.count == 1)
        #expect(annotation.geometry == .box(Box(x: 0, y: 900, width: 960, height: 180)))
        #expect(annotation.id == "r1" && annotation.label == "Car" && annotation.confidence == nil)
        #expect(annotation.source.kind == .annotation && annotation.source.setID == "7")
        #expect(annotation.source.author == "1")
        #expect(annotation.source.createdAt == ISO8601.date(from: "2026-12-02T09:12:53.690284Z"))
        #expect(annotation.providerFields["type"] == "rectanglelabels")
    }

    @Test func aTurnedBoxPivotsOnItsTopLeftCornerInPixels() throws {
        let box = region(
            "r1", "rectanglelabels",
            #"{"x": 50, "y": 20, "width": 10, "height": 20, "rotation": 30, "rectanglelabels": ["Car"]}"#)
        let annotation = try #require(try item(task(box)).annotations.first)
        guard case .rotatedBox(let turned) = annotation.geometry else {
            Issue.record("expected a rotated box, got \(annotation.geometry)")
            return
        }
        #expect(turned.width == 192 && turned.height == 216 && turned.degreesClockwise == 30)
        // The corner Label Studio pivots on stays where x and y put it: (960, 216) px.
        let corner = try #require(turned.corners.first)
        #expect(abs(corner.x - 960) < 1e-6 && abs(corner.y - 216) < 1e-6)
        // The envelope in pixels: x 852, width 274.3 (Label Studio's COCO says 768 and 358.3).
        let envelope = turned.enclosingBox
        #expect(abs(envelope.x - 852) < 1e-6 && abs(envelope.width - (192 * 3.0.squareRoot() / 2 + 108)) < 1e-6)
    }

    @Test func aPolygonIsOneRingInPixelsWithoutItsClosingPoint() throws {
        let polygon = region(
            "p1", "polygonlabels",
            #"{"points": [[25, 50], [50, 50], [50, 100], [25, 50]], "closed": true, "polygonlabels": ["vélo"]}"#,
            width: 256, height: 128)
        let annotation = try #require(try item(task(polygon)).annotations.first)
        #expect(annotation.label == "vélo")
        #expect(
            annotation.geometry == .polygon([[Point(x: 64, y: 64), Point(x: 128, y: 64), Point(x: 128, y: 128)]]))
    }

    @Test func aKeypointIsGroupedWithItsParentRegion() throws {
        let point = region(
            "k1", "keypointlabels", #"{"x": 10, "y": 20, "width": 0.5, "keypointlabels": ["nose"]}"#, width: 640,
            height: 480, more: #", "parentID": "r1""#)
        let annotation = try #require(try item(task(point)).annotations.first)
        #expect(annotation.geometry == .keypoints([Keypoint(name: "nose", point: Point(x: 64, y: 96))]))
        #expect(annotation.group == "r1" && annotation.label == "nose")
    }

    @Test func aBrushMaskKeepsItsRunLengthBytes() throws {
        let brush = region(
            "b1", "brushlabels", #"{"format": "rle", "rle": [0, 1, 2, 255], "brushlabels": ["road"]}"#, width: 4,
            height: 2)
        let annotation = try #require(try item(task(brush)).annotations.first)
        #expect(
            annotation.geometry == .mask(.packedRGBARunLengths([0, 1, 2, 255], size: ImageSize(width: 4, height: 2))))
        #expect(annotation.label == "road")
    }

    @Test func aRegionOfSeveralClassesIsOneAnnotationPerClass() throws {
        let box = region(
            "r1", "rectanglelabels", #"{"x": 0, "y": 0, "width": 10, "height": 10, "rectanglelabels": ["Car", "Taxi"]}"#
        )
        let annotations = try item(task(box)).annotations
        #expect(annotations.map(\.label) == ["Car", "Taxi"] && annotations.allSatisfy { $0.id == "r1" })
        #expect(annotations[0].geometry == annotations[1].geometry)
    }

    // MARK: Questions

    @Test func aPerRegionChoiceIsMergedIntoItsRegion() throws {
        let box = region(
            "r1", "rectanglelabels", #"{"x": 0, "y": 0, "width": 10, "height": 10, "rectanglelabels": ["Car"]}"#)
        let perRegion =
            #"{"id": "r1", "type": "choices", "from_name": "quality", "to_name": "image", "value": {"choices": ["good"]}}"#
        let annotations = try item(task(perRegion + ", " + box)).annotations
        #expect(annotations.count == 1)
        #expect(annotations.first?.attributes == [Attribute(name: "quality", value: .choice(Choice(name: "good")))])
    }

    @Test func wholeImageAnswersAreWholeAnnotationsWithAnAttribute() throws {
        let weather =
            #"{"id": "c1", "type": "choices", "from_name": "weather", "to_name": "image", "value": {"choices": ["sunny", "windy"]}}"#
        let caption =
            #"{"id": "t1", "type": "textarea", "from_name": "caption", "to_name": "image", "value": {"text": ["a street"]}}"#
        let item = try item(task(weather + ", " + caption))
        #expect(item.imageSize == nil)
        #expect(
            item.annotations.map(\.attributes) == [
                [Attribute(name: "weather", value: .choices([Choice(name: "sunny"), Choice(name: "windy")]))],
                [Attribute(name: "caption", value: .text("a street"))],
            ])
        #expect(item.annotations.allSatisfy { $0.geometry == .whole && $0.label == nil })
    }

    // MARK: Sets

    @Test func aPredictionCarriesItsModelScoreAndRegionConfidence() throws {
        let predicted = region(
            "p1", "rectanglelabels", #"{"x": 0, "y": 0, "width": 10, "height": 10, "rectanglelabels": ["Car"]}"#,
            more: #", "score": 0.9"#)
        let extra = #", "predictions": [{"id": 3, "model_version": "m1", "score": 0.5, "result": [\#(predicted)]}, 4]"#
        let task = try JSONValue(parsing: Data(#"{"id": 2, "annotations": []\#(extra)}"#.utf8))
        let annotations = try item(task).annotations
        #expect(annotations.count == 1)
        let annotation = try #require(annotations.first)
        #expect(annotation.source.kind == .prediction(model: "m1") && annotation.source.score == 0.5)
        #expect(annotation.source.setID == "3" && annotation.confidence == 0.9)
    }

    @Test func groundTruthIsMarkedAndCancelledAnnotationsAreSkipped() throws {
        let box = region(
            "r1", "rectanglelabels", #"{"x": 0, "y": 0, "width": 10, "height": 10, "rectanglelabels": ["Car"]}"#)
        let text = """
            {"id": 3, "data": {"image": "/data/upload/1/ec5cb336-0001.png"}, "annotations": [
              {"id": 1, "was_cancelled": true, "result": [\(box)]},
              {"id": 2, "ground_truth": true, "completed_by": {"id": 1, "email": "admin@example.com"}, "result": [\(box)]}]}
            """
        let item = try item(JSONValue(parsing: Data(text.utf8)))
        #expect(item.annotations.count == 1)
        #expect(item.annotations.first?.source.kind == .groundTruth && item.annotations.first?.source.setID == "2")
        #expect(item.annotations.first?.source.author == "admin@example.com")
        #expect(item.key == "ec5cb336-0001.png" && item.mediaURL == nil)
    }

    @Test func anEmptyTaskIsAnItemWithNothingOnIt() throws {
        let task: JSONValue = [
            "id": 5, "data": ["image": "https://img.example.invalid/empty_0004.png"], "annotations": [],
            "predictions": [],
        ]
        let item = try item(task)
        #expect(item.id == "5" && item.key == "empty_0004.png" && item.annotations.isEmpty && item.imageSize == nil)
        #expect(item.providerFields == task)
    }

    @Test func theKeyIsTheMediaPathsLastComponentAsGiven() throws {
        func key(_ image: String) throws -> String? {
            try item(["id": 1, "data": ["image": .string(image)]]).key
        }
        #expect(try key("https://img.example.invalid/a/b/0001.png?X-Amz-Signature=1#top") == "0001.png")
        #expect(try key("/data/upload/3/ec5cb336-0001.png") == "ec5cb336-0001.png")
        #expect(try key("s3://bucket/city/what?.png") == "what")
        #expect(try key("local/what?.png") == "what?.png")
        #expect(try key("a text\nover lines") == nil)
    }

    // MARK: Malformed

    @Test(arguments: [
        (#"{"x": "ten", "y": 0, "width": 1, "height": 1}"#, "value.x"),
        (#"{"x": 0, "y": 0, "width": 1}"#, "value.height"),
        (#"{"points": [[1, 2], "up"], "polygonlabels": ["a"]}"#, "points"),
        (#"{"x": 0, "y": 0, "width": 1, "height": 1, "rectanglelabels": "Car"}"#, "rectanglelabels"),
    ])
    func aValueOfTheWrongTypeIsADecodingErrorNamingTaskAndResult(value: String, field: String) throws {
        let type = value.contains("points") ? "polygonlabels" : "rectanglelabels"
        let error = try #require(throws: GatewayError.self) { try item(task(region("r7", type, value), id: 41)) }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("task 41") && error.message.contains("\"r7\"") && error.message.contains(field))
    }

    @Test func aRegionWithoutOriginalSizesCannotBecomePixels() throws {
        let box =
            #"{"id": "r1", "type": "rectanglelabels", "value": {"x": 1, "y": 1, "width": 1, "height": 1, "rectanglelabels": ["Car"]}}"#
        let error = try #require(throws: GatewayError.self) { try item(task(box)) }
        #expect(error.kind == .decoding && error.message.contains("original_width"))
    }

    @Test func aTaskThatIsNoObjectOrHasNoIdIsADecodingError() throws {
        #expect(throws: GatewayError.self) { try item(["a", "b"]) }
        let noID = try #require(throws: GatewayError.self) { try item(["data": [:], "annotations": []]) }
        #expect(noID.kind == .decoding && noID.message.contains("id"))
        let badAnnotations = try #require(throws: GatewayError.self) { try item(["id": 1, "annotations": 3]) }
        #expect(badAnnotations.kind == .decoding && badAnnotations.message.contains("task 1"))
    }

    // MARK: Through the gateway

    @Test func labelStudioReadsAnnotationsFromItsRecords() {
        #expect(LabelStudioProvider().annotationRoute == .records)
    }

    /// The seeded annotated project's tasks, read through the gateway from a snapshot whose
    /// predictions are expanded (or not).
    private func seededItems(expandingPredictions: Bool) async throws -> [AnnotatedItem] {
        let ls = LabelStudio()
        let gateway = ls.gateway(downloadChunkSize: 300)
        let options: [String: JSONValue] =
            expandingPredictions ? ["serialization_options": ["predictions": ["only_id": false]]] : [:]
        let created = try await gateway.createExport(
            ExportRequest(source: ls.simulator.seedAnnotatedSource(), providerOptions: options))
        let ready = try await gateway.wait(for: created, timeout: .seconds(600))
        var items: [AnnotatedItem] = []
        for try await item in gateway.annotations(of: ready) { items.append(item) }
        return items
    }

    @Test func theSeededAnnotationsComeBackExactlyInPixels() async throws {
        let items = try await seededItems(expandingPredictions: true)
        try #require(items.count == SeededAnnotations.images.count)
        for (item, image) in zip(items, SeededAnnotations.images) {
            #expect(item.key.map(DatasetPath.stem) == image.stem)
            #expect(item.units == .pixels)
            #expect(item.imageSize == (image.objects.isEmpty ? nil : image.size))
            let labels = item.annotations.filter { $0.source.kind == .annotation && $0.geometry != .whole }
            #expect(labels.map(\.label) == image.objects.map(\.label), "\(image.key)")
            #expect(labels.map(\.geometry) == image.objects.map(\.geometry), "\(image.key)")
        }
        let answers = items.flatMap(\.annotations).filter { $0.geometry == .whole }
        #expect(answers.map(\.attributes) == [[Attribute(name: "weather", value: .choice(Choice(name: "sunny")))]])
        let predictions = items.flatMap(\.annotations).filter { $0.source.kind == .prediction(model: "yolo-v1") }
        #expect(predictions.count == 1)
        #expect(predictions.first?.source.score == 0.87 && predictions.first?.confidence == 0.75)
        #expect(predictions.first?.geometry == SeededAnnotations.images[1].objects.first?.geometry)
    }

    @Test func anAnnotationExportIsTheStoredJSONReadTaskByTask() async throws {
        let ls = LabelStudio()
        let gateway = ls.gateway(downloadChunkSize: 256)
        let created = try await gateway.createAnnotationExport(of: ls.simulator.seedAnnotatedSource())
        let ready = try await gateway.wait(for: created, timeout: .seconds(600))
        let items = try await gateway.annotations(of: ready).collect()
        #expect(items.map { $0.key.map(DatasetPath.stem) } == SeededAnnotations.images.map(\.stem))
        #expect(Set(items.map(\.id)).count == SeededAnnotations.images.count)
        #expect(
            items.map { $0.annotations.filter { $0.geometry != .whole }.count }
                == SeededAnnotations.images.map(\.objects.count))
        #expect(ls.downloads.allSatisfy { $0.url.query == nil })
    }

    @Test func aDefaultSnapshotListsPredictionsByIdOnly() async throws {
        let items = try await seededItems(expandingPredictions: false)
        #expect(items.count == SeededAnnotations.images.count)
        #expect(!items.flatMap(\.annotations).contains { $0.source.kind != .annotation })
        #expect(items[1].providerFields["predictions"]?.arrayValue?.first?.intValue != nil)
    }
}
