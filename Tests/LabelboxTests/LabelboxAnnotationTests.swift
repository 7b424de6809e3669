import ExportGateway
import ExportGatewayLabelbox
import ExportGatewayTesting
import Foundation
import Testing

@Suite("Labelbox annotations")
struct LabelboxAnnotationTests {
    // MARK: Shapes

    @Test func boundingBoxBecomesATopLeftBoxWithTheObjectsIdentity() throws {
        let item = try Self.item(
            objects: """
                [{"feature_id": "ft1", "feature_schema_id": "sc1", "name": "car", "value": "car",
                  "annotation_kind": "ImageBoundingBox", "classifications": [],
                  "bounding_box": {"top": 48.0, "left": 16.5, "height": 32, "width": 64.25}}]
                """)
        #expect(item.id == ItemID(rawValue: "dr1"))
        #expect(item.key == "city/0001.png")
        #expect(item.imageSize == ImageSize(width: 640, height: 480))
        #expect(item.mediaURL == URL(string: "https://cdn.example.com/images/0001.png?sig=abc"))
        #expect(item.units == .pixels)
        let box = try #require(item.annotations.first)
        #expect(item.annotations.count == 1)
        #expect(box.id == "ft1")
        #expect(box.label == "car")
        #expect(box.geometry == .box(Box(x: 16.5, y: 48, width: 64.25, height: 32)))
        #expect(box.confidence == nil)
        #expect(box.source.setID == "lb1")
        #expect(box.source.kind == .annotation)
        #expect(box.providerFields["feature_schema_id"] == "sc1")
    }

    @Test func polygonDropsTheRepeatedClosingPoint() throws {
        let item = try Self.item(
            objects: """
                [{"feature_id": "ft1", "name": "vélo",
                  "polygon": [{"x": 1, "y": 2}, {"x": 5, "y": 2}, {"x": 5, "y": 9}, {"x": 1, "y": 2}]}]
                """)
        let expected = [Point(x: 1, y: 2), Point(x: 5, y: 2), Point(x: 5, y: 9)]
        #expect(item.annotations.map(\.geometry) == [.polygon([expected])])
        #expect(item.annotations.first?.label == "vélo")
    }

    @Test func polygonWithoutAClosingPointKeepsEveryVertex() throws {
        let item = try Self.item(
            objects: """
                [{"name": "a", "polygon": [{"x": 1, "y": 2}, {"x": 5, "y": 2}, {"x": 5, "y": 9}]}]
                """)
        #expect(
            item.annotations.map(\.geometry) == [.polygon([[Point(x: 1, y: 2), Point(x: 5, y: 2), Point(x: 5, y: 9)]])])
    }

    @Test func lineBecomesAnOpenPolylineAndPointAVisibleKeypoint() throws {
        let item = try Self.item(
            objects: """
                [{"name": "lane", "line": [{"x": 0, "y": 0}, {"x": 10, "y": 5}, {"x": 0, "y": 0}]},
                 {"name": "nose", "point": {"x": 3.5, "y": 7}}]
                """)
        #expect(
            item.annotations.map(\.geometry) == [
                .polyline([Point(x: 0, y: 0), Point(x: 10, y: 5), Point(x: 0, y: 0)]),
                .keypoints([Keypoint(point: Point(x: 3.5, y: 7), visibility: .visible)]),
            ])
        #expect(item.annotations.map(\.label) == ["lane", "nose"])
    }

    @Test func masksAreReferencesThatNeedTheVendorKey() throws {
        let item = try Self.item(
            objects: """
                [{"name": "road", "mask": {"url": "https://api.labelbox.com/api/v1/masks/1"}},
                 {"name": "sky", "composite_mask": {"url": "https://api.labelbox.com/c/2", "color_rgb": [255, 0, 12]}}]
                """)
        #expect(
            item.annotations.map(\.geometry) == [
                .mask(
                    .image(
                        MaskReference(location: "https://api.labelbox.com/api/v1/masks/1", needsVendorCredential: true))
                ),
                .mask(
                    .image(
                        MaskReference(
                            location: "https://api.labelbox.com/c/2", colorRGB: [255, 0, 12],
                            needsVendorCredential: true))),
            ])
    }

    @Test func unknownObjectKindsAreSkippedButStayInTheRow() throws {
        let item = try Self.item(
            objects: """
                [{"name": "entity", "annotation_kind": "TextEntity", "location": {"start": 1, "end": 4}},
                 {"name": "car", "bounding_box": {"top": 1, "left": 2, "height": 3, "width": 4}}]
                """)
        #expect(item.annotations.map(\.label) == ["car"])
        let objects = item.providerFields["projects"]?["pj1"]?["labels"]?[0]?["annotations"]?["objects"]
        #expect(objects?[0]?["annotation_kind"] == "TextEntity")
    }

    @Test func confidenceIsReadWhenStatedAndNeverDefaulted() throws {
        let item = try Self.item(
            objects: """
                [{"name": "car", "confidence": 0.75, "bounding_box": {"top": 1, "left": 2, "height": 3, "width": 4}},
                 {"name": "car", "bounding_box": {"top": 1, "left": 2, "height": 3, "width": 4}}]
                """)
        #expect(item.annotations.map(\.confidence) == [0.75, nil])
    }

    // MARK: Classifications

    @Test func radioAnswerNestsAChecklistAsChoiceChildren() throws {
        let item = try Self.item(
            classifications: """
                [{"feature_id": "ftw", "feature_schema_id": "scw", "name": "weather", "value": "weather",
                  "radio_answer": {"feature_id": "fts", "feature_schema_id": "scs", "name": "sunny", "value": "sunny",
                    "classifications": [{"feature_id": "ftg", "feature_schema_id": "scg", "name": "glare",
                      "checklist_answers": [
                        {"feature_schema_id": "sc1", "name": "windshield", "classifications": []},
                        {"feature_schema_id": "sc2", "name": "road", "confidence": 0.5}]}]}}]
                """)
        let annotation = try #require(item.annotations.first)
        #expect(item.annotations.count == 1)
        #expect(annotation.label == nil)
        #expect(annotation.geometry == .whole)
        #expect(annotation.id == "ftw")
        #expect(annotation.source.setID == "lb1")
        let glare = Attribute(
            name: "glare", id: "scg",
            value: .choices([Choice(name: "windshield", id: "sc1"), Choice(name: "road", id: "sc2", confidence: 0.5)]))
        #expect(
            annotation.attributes == [
                Attribute(
                    name: "weather", id: "scw", value: .choice(Choice(name: "sunny", id: "scs", children: [glare])))
            ])
    }

    @Test func textAnswerIsATextAttribute() throws {
        let item = try Self.item(
            classifications: """
                [{"feature_id": "ftn", "feature_schema_id": "scn", "name": "notes", "text_answer": {"content": "blurry"}}]
                """)
        #expect(item.annotations.map(\.attributes) == [[Attribute(name: "notes", id: "scn", value: .text("blurry"))]])
        #expect(item.annotations.map(\.geometry) == [.whole])
    }

    @Test func objectClassificationsBecomeTheObjectsAttributes() throws {
        let item = try Self.item(
            objects: """
                [{"feature_id": "ft1", "name": "car", "bounding_box": {"top": 1, "left": 2, "height": 3, "width": 4},
                  "classifications": [
                    {"feature_schema_id": "scc", "name": "colour", "radio_answer": {"name": "red", "classifications": []}},
                    {"feature_schema_id": "scp", "name": "plate", "text_answer": {"content": "AB-123"}}]}]
                """)
        #expect(item.annotations.count == 1)
        #expect(
            item.annotations.first?.attributes == [
                Attribute(name: "colour", id: "scc", value: .choice(Choice(name: "red"))),
                Attribute(name: "plate", id: "scp", value: .text("AB-123")),
            ])
    }

    // MARK: Labels and rows

    @Test func everyLabelOfEveryProjectIsReadWithItsOwnSet() throws {
        let row = try Self.parse(
            """
            {"data_row": {"id": "dr9", "global_key": "gk/9.png"},
             "projects": {
               "pjB": {"labels": [{"id": "lb3", "annotations": {"objects": [{"name": "c", "point": {"x": 1, "y": 1}}]}}]},
               "pjA": {"labels": [
                 {"id": "lb1", "label_details": {"created_by": "ann@example.com", "created_at": "2024-04-08T16:21:26.000+00:00"},
                  "annotations": {"objects": [{"name": "a", "point": {"x": 1, "y": 1}}], "classifications": []}},
                 {"id": "lb2", "annotations": {"objects": [{"name": "b", "point": {"x": 2, "y": 2}}]}}]}}}
            """)
        let item = try LabelboxAnnotations.item(fromRow: row)
        #expect(item.key == "gk/9.png")
        #expect(item.imageSize == nil)
        #expect(item.annotations.map(\.label) == ["a", "b", "c"])
        #expect(item.annotations.map(\.source.setID) == ["lb1", "lb2", "lb3"])
        #expect(item.annotations.first?.source.author == "ann@example.com")
        #expect(item.annotations.first?.source.createdAt == Date(timeIntervalSince1970: 1_712_593_286))
        #expect(item.annotations.last?.source.author == nil)
    }

    @Test func keyFallsBackToTheMediaFileNameWithoutItsQuery() throws {
        let row = try Self.parse(
            #"{"data_row": {"id": "dr1", "row_data": "https://cdn.example.com/a/b%20c.jpg?X-Amz-Signature=1"}}"#)
        let item = try LabelboxAnnotations.item(fromRow: row)
        #expect(item.key == "b c.jpg")
        #expect(item.annotations.isEmpty)
    }

    @Test func sizeIsUnknownWithoutWholePixelDimensionsAndAnErrorWhenNotANumber() throws {
        for attributes in [
            #"{"mime_type": "text/plain"}"#, #"{"width": 0, "height": 480}"#, #"{"width": 1.5, "height": 2}"#,
        ] {
            let row = try Self.parse(#"{"data_row": {"id": "dr1"}, "media_attributes": \#(attributes)}"#)
            #expect(try LabelboxAnnotations.item(fromRow: row).imageSize == nil, "\(attributes)")
        }
        let row = try Self.parse(#"{"data_row": {"id": "dr7"}, "media_attributes": {"width": "640", "height": 480}}"#)
        let error = try #require(throws: GatewayError.self) { try LabelboxAnnotations.item(fromRow: row) }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("dr7"))
        #expect(error.message.contains("media_attributes.width"))
    }

    @Test func malformedBoxIsADecodingErrorNamingTheRowAndFeature() throws {
        let row = try Self.row(
            objects: """
                [{"feature_id": "ftBad", "name": "car", "bounding_box": {"top": "12", "left": 2, "height": 3, "width": 4}}]
                """)
        let error = try #require(throws: GatewayError.self) { try LabelboxAnnotations.item(fromRow: row) }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("dr1"))
        #expect(error.message.contains("ftBad"))
        #expect(error.message.contains("bounding_box.top"))
    }

    @Test func rowWithoutADataRowIDIsADecodingError() throws {
        let row = try Self.parse(#"{"data_row": {"external_id": "a.png"}, "projects": {}}"#)
        let error = try #require(throws: GatewayError.self) { try LabelboxAnnotations.item(fromRow: row) }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("data_row.id"))
    }

    @Test func providerReadsRecordsAsAnnotatedItems() throws {
        #expect(LabelboxProvider().annotationRoute == .records)
        let row = try Self.row(
            objects: #"[{"name": "car", "bounding_box": {"top": 1, "left": 2, "height": 3, "width": 4}}]"#)
        let export = Export(
            id: ExportID(rawValue: "tk1"), provider: .labelbox, name: nil, status: .completed, rawStatus: "COMPLETE",
            format: .ndjson)
        let item = try LabelboxProvider().annotatedItem(from: RecordRow(value: row, export: export, offset: 0))
        #expect(item == (try LabelboxAnnotations.item(fromRow: row)))
    }

    // MARK: Simulator, end to end

    @Test(arguments: [LabelboxSimulator.ChunkBoundary.line, .byte])
    func seededProjectStreamsExactlyTheSeededAnnotations(boundary: LabelboxSimulator.ChunkBoundary) async throws {
        let labelbox = LabelboxFixture(chunkSize: 700, chunkBoundary: boundary)
        let gateway = labelbox.gateway(downloadChunkSize: 512)
        #expect(gateway.annotationRoute == .records)
        let created = try await gateway.createAnnotationExport(of: labelbox.simulator.seedAnnotatedSource())
        let export = try await gateway.wait(for: created, timeout: .seconds(600))
        var items: [AnnotatedItem] = []
        for try await item in gateway.annotations(of: export) { items.append(item) }
        try Self.expectSeeded(items)
        // The same rows read offline map to the same items.
        let offline = try await gateway.records(of: export).collect(upTo: 1000).map {
            try LabelboxAnnotations.item(fromRow: $0.providerFields)
        }
        #expect(offline == items)
    }

    @Test func seededProjectLeavesOtherProjectsRowsAlone() async throws {
        let labelbox = LabelboxFixture()
        let gateway = labelbox.gateway()
        _ = labelbox.simulator.seedAnnotatedSource()
        let project = labelbox.simulator.seedProject(named: "Plain", itemCount: 8)
        let created = try await gateway.createExport(ExportRequest(source: .project(project)))
        let export = try await gateway.wait(for: created, timeout: .seconds(600))
        let items = try await gateway.annotations(of: export).collect()
        #expect(items.count == 8)
        #expect(items.allSatisfy { $0.key?.hasPrefix("scène-") == true })
        // Computed rows: every row but those waiting for a label holds one box.
        #expect(items.map(\.annotations.count) == [0, 1, 1, 1, 0, 1, 1, 1])
    }

    // MARK: Helpers

    /// Checks `items` against ``SeededAnnotations/images``: same keys, sizes, and objects (class
    /// and shape) in order, plus the first image's weather question.
    static func expectSeeded(_ items: [AnnotatedItem]) throws {
        #expect(items.map(\.key) == SeededAnnotations.images.map(\.key))
        #expect(items.map(\.imageSize) == SeededAnnotations.images.map(\.size))
        for (item, image) in zip(items, SeededAnnotations.images) {
            let objects = item.annotations.filter { $0.geometry != .whole }
            #expect(objects.map(\.label) == image.objects.map(\.label), "\(image.key)")
            #expect(objects.map(\.geometry) == image.objects.map(\.geometry), "\(image.key)")
            #expect(Set(objects.compactMap(\.id)).count == objects.count, "\(image.key)")
            #expect(objects.allSatisfy { $0.source.setID != nil })
        }
        let whole = items.flatMap { $0.annotations.filter { $0.geometry == .whole } }
        #expect(whole.count == 1)
        let weather = try #require(whole.first?.attributes.first)
        #expect(weather.name == "weather")
        guard case .choice(let sunny) = weather.value else {
            Issue.record("weather is not one choice: \(weather.value)")
            return
        }
        #expect(sunny.name == "sunny")
        #expect(sunny.children.map(\.name) == ["glare"])
        guard case .choices(let glare)? = sunny.children.first?.value else {
            Issue.record("glare is not a checklist")
            return
        }
        #expect(glare.map(\.name) == ["windshield", "road"])
    }

    static func parse(_ text: String) throws -> JSONValue {
        try JSONValue(parsing: Data(text.utf8))
    }

    /// A row of data row `dr1` (640x480, `city/0001.png`) with one label `lb1` of project `pj1`.
    static func row(objects: String = "[]", classifications: String = "[]") throws -> JSONValue {
        try parse(
            """
            {"data_row": {"id": "dr1", "external_id": "city/0001.png", "global_key": "gk-1",
                          "row_data": "https://cdn.example.com/images/0001.png?sig=abc"},
             "media_attributes": {"width": 640, "height": 480, "mime_type": "image/png"},
             "projects": {"pj1": {"name": "P", "labels": [{"id": "lb1",
               "annotations": {"objects": \(objects), "classifications": \(classifications), "relationships": []}}]}}}
            """)
    }

    static func item(objects: String = "[]", classifications: String = "[]") throws -> AnnotatedItem {
        try LabelboxAnnotations.item(fromRow: row(objects: objects, classifications: classifications))
    }
}
