import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// Checklist points 12 (`/convert`) and 13 (`/export/formats`).
@Suite("Label Studio simulator: formats and conversions")
struct LabelStudioFormatTests {
    let client = LabelStudioClient()
    var simulator: LabelStudioSimulator { client.simulator }

    func names(_ formats: JSONValue, disabled: Bool) -> [String] {
        (formats.arrayValue ?? []).filter { ($0["disabled"] == true) == disabled }.compactMap {
            $0["name"]?.stringValue
        }
    }

    @Test func formatsFollowTheLabelConfigEnabledFirst() async throws {
        let image = simulator.seedDataset(named: "Boxes", itemCount: 1)
        let text = simulator.seedTextProject(named: "Sentiment", itemCount: 1)
        let boxes = try await client.get("/api/projects/\(image)/export/formats")
        #expect(
            names(boxes, disabled: false) == [
                "JSON", "JSON_MIN", "CSV", "TSV", "COCO", "COCO_WITH_IMAGES", "VOC", "YOLO", "YOLO_WITH_IMAGES",
                "YOLO_OBB", "YOLO_OBB_WITH_IMAGES",
            ])
        #expect(
            names(boxes, disabled: true) == [
                "CONLL2003", "BRUSH_TO_NUMPY", "BRUSH_TO_PNG", "ASR_MANIFEST", "BRUSH_TO_COCO", "DOCLANG",
            ])
        let all = try #require(boxes.arrayValue)
        let firstDisabled = try #require(all.firstIndex { $0["disabled"] == true })
        #expect(all[firstDisabled...].allSatisfy { $0["disabled"] == true }, "enabled formats come first")
        #expect(all[0]["title"] == "JSON" && all[0]["link"]?.stringValue?.hasPrefix("https://labelstud.io/") == true)
        #expect(all.first { $0["name"] == "COCO" }?["tags"] == ["image segmentation", "object detection", "keypoints"])
        #expect(all[0]["disabled"] == nil, "only disabled formats carry the flag")

        let sentiment = try await client.get("/api/projects/\(text)/export/formats")
        #expect(names(sentiment, disabled: false) == ["JSON", "JSON_MIN", "CSV", "TSV"])
        #expect(names(sentiment, disabled: true).count == 13)
    }

    /// Seen on 1.23.2: the converter's order (YOLO's four before the brush formats), its
    /// own links and tags (not one made from the title), `name` before `disabled`.
    @Test func formatsAreTheRealCatalogueInItsOrderWithItsWords() async throws {
        let text = simulator.seedTextProject(named: "Catalogue", itemCount: 1)
        let response = try await client.send(.get, "/api/projects/\(text)/export/formats")
        let formats = try #require(try LabelStudioClient.json(response).arrayValue)
        #expect(
            formats.compactMap { $0["name"]?.stringValue } == [
                "JSON", "JSON_MIN", "CSV", "TSV", "CONLL2003", "COCO", "COCO_WITH_IMAGES", "VOC", "YOLO",
                "YOLO_WITH_IMAGES", "YOLO_OBB", "YOLO_OBB_WITH_IMAGES", "BRUSH_TO_NUMPY", "BRUSH_TO_PNG",
                "ASR_MANIFEST", "BRUSH_TO_COCO", "DOCLANG",
            ])
        let byName = Dictionary(
            uniqueKeysWithValues: formats.compactMap { f in f["name"]?.stringValue.map { ($0, f) } })
        #expect(byName["VOC"]?["link"] == "https://labelstud.io/guide/export.html#Pascal-VOC-XML")
        #expect(byName["YOLO_OBB"]?["link"] == "https://labelstud.io/guide/export.html#YOLO")
        #expect(byName["YOLO"]?["tags"] == ["image segmentation", "object detection", "keypoints"])
        #expect(byName["BRUSH_TO_COCO"]?["tags"] == ["image segmentation", "brush annotations"])
        #expect(byName["DOCLANG"]?["title"] == "DocLang (.dclx)")
        #expect(byName["JSON"]?["tags"] == nil)
        #expect(
            response.bodyText?.contains(
                "\"tags\":[\"document\",\"doclang\"],\"name\":\"DOCLANG\",\"disabled\":true}") == true)
    }

    /// Seen on 1.23.2: `export_type` is a CharField: trimmed, null and blank refused as such,
    /// a non-scalar is "Not a valid string.", a number is its text.
    @Test func convertReadsExportTypeAsACharField() async throws {
        let project = simulator.seedDataset(named: "CharField", itemCount: 3)
        let id = try #require(try await client.createExport(project)["id"]?.intValue)
        let path = "/api/projects/\(project)/exports/\(id)/convert"
        let cases: [(JSONValue, String)] = [
            (nil, "This field may not be null."), ("", "This field may not be blank."),
            ("  ", "This field may not be blank."), (true, "Not a valid string."), ([1], "Not a valid string."),
            (1.5, "1.5 is not supported export format"), (5, "5 is not supported export format"),
        ]
        for (value, message) in cases {
            let response = try await client.send(.post, path, json: ["export_type": value])
            try LabelStudioClient.expectEnvelope(response, 400, "Validation error")
            #expect(try LabelStudioClient.json(response)["validation_errors"] == ["export_type": [.string(message)]])
        }
        let trimmed = try await client.send(.post, path, json: ["export_type": " VOC "])
        #expect(trimmed.status == 200)
        #expect(try LabelStudioClient.json(trimmed)["export_type"] == "VOC")
    }

    @Test func convertRecordsAnEntryOnceAndRefusesRepeatsAndUnknownFormats() async throws {
        let project = simulator.seedDataset(named: "Convert", itemCount: 10)
        let id = try #require(try await client.createExport(project)["id"]?.intValue)
        let path = "/api/projects/\(project)/exports/\(id)/convert"
        let first = try await client.send(.post, path, json: ["export_type": "YOLO", "download_resources": false])
        #expect(first.status == 200)
        let answer = try LabelStudioClient.json(first)
        #expect(answer["export_type"] == "YOLO")
        let entry = try #require(answer["converted_format"]?.intValue)
        let export = try await client.get("/api/projects/\(project)/exports/\(id)")
        #expect(
            export["converted_formats"] == [
                ["id": .int(entry), "status": "completed", "export_type": "YOLO", "traceback": nil]
            ])

        let again = try await client.send(.post, path, json: ["export_type": "YOLO"])
        try LabelStudioClient.expectEnvelope(again, 400, "Validation error")
        #expect(
            try LabelStudioClient.json(again)["validation_errors"] == [
                "non_field_errors": ["Conversion to YOLO already started"]
            ])
        let bogus = try await client.send(.post, path, json: ["export_type": "BOGUS"])
        #expect(
            try LabelStudioClient.json(bogus)["validation_errors"] == [
                "export_type": ["BOGUS is not supported export format"]
            ])
        let missing = try await client.send(.post, path, json: ["exportType": "CSV"])
        #expect(
            try LabelStudioClient.json(missing)["validation_errors"] == ["export_type": ["This field is required."]])
        #expect(
            LabelStudioClient.isHTMLNotFound(
                try await client.send(
                    .post, "/api/projects/\(project)/exports/999/convert", json: ["export_type": "CSV"])))
        // The export is found by its id alone, whatever project the path names.
        let other = simulator.seedDataset(named: "Elsewhere", itemCount: 1)
        let elsewhere = try await client.send(
            .post, "/api/projects/\(other)/exports/\(id)/convert", json: ["export_type": "CSV"])
        #expect(elsewhere.status == 200)
    }

    @Test func conversionThatYieldsNoFileCrashesAndStaysInProgress() async throws {
        let project = simulator.seedDataset(named: "Crash", itemCount: 3)
        let id = try #require(try await client.createExport(project)["id"]?.intValue)
        let path = "/api/projects/\(project)/exports/\(id)/convert"
        let crashed = try await client.send(.post, path, json: ["export_type": "BRUSH_TO_PNG"])
        try LabelStudioClient.expectEnvelope(
            crashed, 500, "set_convert_background_failure() missing 1 required positional argument: 'traceback_obj'")
        // Seen on 1.23.2: NumPy and DocLang crash too; ASR and brush-to-COCO make a file.
        for format in ["BRUSH_TO_NUMPY", "DOCLANG"] {
            #expect(try await client.send(.post, path, json: ["export_type": .string(format)]).status == 500)
        }
        for format in ["ASR_MANIFEST", "BRUSH_TO_COCO"] {
            #expect(try await client.send(.post, path, json: ["export_type": .string(format)]).status == 200)
        }
        simulator.failNextConversion()
        _ = try await client.send(.post, path, json: ["export_type": "COCO"])
        #expect(try await client.send(.post, path, json: ["export_type": "VOC"]).status == 200, "the knob fires once")
        for _ in 0..<3 {
            let entries = try #require(
                try await client.get("/api/projects/\(project)/exports/\(id)")["converted_formats"]?.arrayValue)
            #expect(
                entries.map { $0["status"] } == [
                    "in_progress", "in_progress", "in_progress", "completed", "completed", "in_progress", "completed",
                ])
        }
    }

    @Test func convertingARunningOrFailedSnapshot() async throws {
        let project = simulator.seedDataset(named: "Unfinished", itemCount: 3)
        simulator.scriptNextExport(.hangs(rawStatus: nil))
        let running = try #require(try await client.createExport(project)["id"]?.intValue)
        let started = try await client.send(
            .post, "/api/projects/\(project)/exports/\(running)/convert", json: ["export_type": "CSV"])
        #expect(started.status == 200)
        let entry = try await client.get("/api/projects/\(project)/exports/\(running)")["converted_formats"]?[0]
        #expect(entry?["status"] == "created")
        simulator.scriptNextExport(.fails(afterPolls: 0, reason: "storage"))
        let failed = try #require(try await client.createExport(project)["id"]?.intValue)
        let crashed = try await client.send(
            .post, "/api/projects/\(project)/exports/\(failed)/convert", json: ["export_type": "CSV"])
        #expect(crashed.status == 500)
    }
}
