import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayLabelStudio

/// Snapshots and tasks as Label Studio 1.23.2 sends them, to exports and items.
@Suite struct LabelStudioMappingTests {
    private static let completed = #"""
        {"title": "Images-bbox-at-2026-12-02-09-12", "id": 1,
         "created_by": {"id": 1, "first_name": "", "last_name": "", "email": "admin@example.com", "avatar": null},
         "created_at": "2026-12-02T09:12:53.690284Z", "finished_at": "2026-12-02T09:12:54.105815Z",
         "status": "completed", "md5": "16008bc9c27f51b6dc7a94be3f9e40d7", "counters": {"task_number": 250},
         "converted_formats": [{"id": 1, "status": "completed", "export_type": "YOLO", "traceback": null}]}
        """#

    private func wire(_ text: String) throws -> LabelStudioExportWire {
        try LabelStudioExportWire(WireValue(answer: JSONValue(parsing: Data(text.utf8))))
    }

    private func locate(_ id: LabelStudioExportID) -> DownloadLocation {
        DownloadLocation(url: URL(fileURLWithPath: "/\(id)"), isByteStable: id.format == nil)
    }

    @Test func aCompletedSnapshotIsACompletedExportWithItsDownload() throws {
        let export = try wire(Self.completed).export(project: 3, format: nil, locate: locate)
        #expect(
            export.id == "3/1" && export.provider == .labelStudio && export.name == "Images-bbox-at-2026-12-02-09-12")
        #expect(export.status == .completed && export.rawStatus == "completed" && export.format == "JSON")
        #expect(export.source == .dataset("3"))
        #expect(export.createdAt == ISO8601.date(from: "2026-12-02T09:12:53.690284Z"))
        #expect(export.updatedAt == ISO8601.date(from: "2026-12-02T09:12:54.105815Z"))
        #expect(export.progress == Export.Progress(completed: 250, total: 250))
        #expect(export.downloadLocation?.isByteStable == true)
        #expect(export.providerFields["md5"]?.stringValue == "16008bc9c27f51b6dc7a94be3f9e40d7")

        let yolo = try wire(Self.completed).export(project: 3, format: "YOLO", locate: locate)
        #expect(yolo.id == "3/1/YOLO" && yolo.format == "YOLO" && yolo.downloadLocation?.isByteStable == false)
    }

    @Test func aRunningSnapshotHasNoLocationYet() throws {
        let running = try wire(
            #"{"id": 4, "title": "t", "status": "in_progress", "created_at": "2026-12-02T09:12:53Z", "finished_at": null, "md5": "", "counters": {}, "converted_formats": []}"#
        ).export(project: 3, format: nil, locate: locate)
        #expect(running.status == .running && running.downloadLocation == nil && running.progress == nil)
        #expect(running.updatedAt == nil)
    }

    @Test func aFailedConversionGivesTheLastLineOfItsTraceback() throws {
        let failed = try wire(
            #"{"id": 5, "status": "failed", "converted_formats": [{"id": 2, "status": "failed", "export_type": "COCO", "traceback": "Traceback (most recent call last):\n  File \"x.py\", line 1\nValueError: no images\n"}]}"#
        )
        #expect(try failed.export(project: 1, format: "COCO", locate: locate).failureReason == "ValueError: no images")
        #expect(try failed.export(project: 1, format: nil, locate: locate).failureReason == nil)
    }

    @Test(arguments: [
        (#"{"title": "x", "status": "completed"}"#, "id"), (#"{"id": "1", "status": "completed"}"#, "id"),
        (#"{"id": 1}"#, "status"), (#"{"id": 1, "status": 3}"#, "status"),
        (#"{"id": 1, "status": "completed", "counters": {"task_number": "9"}}"#, "counters.task_number"),
    ])
    func aSnapshotWithoutWhatItMustHaveIsADecodingError(text: String, field: String) throws {
        let error = try #require(throws: GatewayError.self) { try wire(text) }
        #expect(error.kind == .decoding && error.message.contains("`\(field)`"))
    }

    @Test func aTaskIsAnItemKeyedByItsMedia() throws {
        let task = try LabelStudioTaskWire(
            WireValue(
                answer: JSONValue(
                    parsing: Data(
                        #"{"id": 17, "data": {"seq": 0, "image": "https://images.example.invalid/img_00000.jpg", "caption": "a car"}, "meta": {}, "created_at": "2026-12-02T09:25:31.817342Z", "is_labeled": true, "project": 3, "total_annotations": 1}"#
                            .utf8))))
        let item = task.item(dataset: "3")
        #expect(item.id == "17" && item.kind == .item && item.dataset == "3")
        #expect(item.key == "https://images.example.invalid/img_00000.jpg")
        #expect(item.mediaURL?.host == "images.example.invalid")
        #expect(item.status == .completed && item.rawStatus == "labeled")
        #expect(item.metadata == [:] && item.annotations == nil)
        #expect(item.providerFields["total_annotations"]?.intValue == 1)
    }

    @Test func anExportedTaskIsARecordOfItsProject() throws {
        let export = Export(id: "3/9/COCO", provider: .labelStudio, status: .completed, rawStatus: "completed")
        let row = RecordRow(
            value: ["id": 5, "data": ["text": "hello"], "annotations": [["id": 1, "result": []]], "project": 3],
            export: export, offset: 1)
        let item = try LabelStudioProvider().record(from: row)
        #expect(item.id == "5" && item.dataset == "3" && item.key == "hello" && item.status == nil)
        #expect(item.annotations?[0]?["id"]?.intValue == 1)
        #expect(throws: GatewayError.self) {
            try LabelStudioProvider().record(from: RecordRow(value: ["data": [:]], export: export, offset: 1))
        }
    }

    @Test func aKeyIsTheUsualMediaMemberElseTheFirstStringByName() {
        #expect(LabelStudioMapping.key(in: ["text": "hello", "author": "x"]) == "hello")
        #expect(LabelStudioMapping.key(in: ["zeta": "z", "alpha": 1, "beta": "b"]) == "b")
        #expect(LabelStudioMapping.key(in: ["n": 1]) == nil)
        #expect(LabelStudioMapping.key(in: nil) == nil)
    }

    @Test(arguments: [
        (#"{"id": 1, "is_labeled": "yes"}"#, "is_labeled"), (#"{"id": 1, "data": []}"#, "data"),
        (#"{"data": {}}"#, "id"),
    ])
    func aTaskOfTheWrongShapeIsADecodingError(text: String, field: String) throws {
        let error = try #require(throws: GatewayError.self) {
            try LabelStudioTaskWire(WireValue(answer: JSONValue(parsing: Data(text.utf8))))
        }
        #expect(error.kind == .decoding && error.message.contains("`\(field)`"))
    }

    @Test func listsAndFormatsNeedTheirLists() throws {
        let page = try LabelStudioTasksPageWire(
            WireValue(answer: JSONValue(parsing: Data(#"{"total": 2, "tasks": [{"id": 1}, {"id": 2}]}"#.utf8))))
        #expect(page.tasks.map(\.id) == [1, 2] && page.total == 2)
        #expect(throws: GatewayError.self) {
            try LabelStudioTasksPageWire(WireValue(answer: JSONValue(parsing: Data(#"{"total": 2}"#.utf8))))
        }
        let formats = try LabelStudioFormatsWire(
            WireValue(
                answer: JSONValue(
                    parsing: Data(
                        #"[{"name": "JSON", "title": "JSON"}, {"name": "COCO", "tags": []}, {"name": "CONLL2003", "disabled": true}]"#
                            .utf8))))
        #expect(formats.offered == ["JSON", "COCO"])
        let projects = try LabelStudioProjectsPageWire(
            WireValue(
                answer: JSONValue(
                    parsing: Data(
                        #"{"count": 3, "next": "http://h/api/projects/?page=2", "previous": null, "results": [{"id": 2}, {"id": 5}]}"#
                            .utf8))))
        #expect(projects.ids == [2, 5] && projects.hasNext)
        #expect(throws: GatewayError.self) {
            try LabelStudioAccessWire(WireValue(answer: JSONValue(parsing: Data(#"{"access": ""}"#.utf8))))
        }
    }
}
