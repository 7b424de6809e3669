import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayLabelStudio

/// What a create sends, and what it refuses by name before sending anything.
@Suite struct LabelStudioCreatePlanTests {
    @Test func aBareRequestSendsAnEmptyBodyForTheStoredJSON() throws {
        let plan = try LabelStudioCreatePlan(ExportRequest(source: .dataset("12")))
        #expect(plan.project == 12 && plan.format == nil && plan.body == [:])
        #expect(try LabelStudioCreatePlan(ExportRequest(source: .project("7"), format: .native)).project == 7)
    }

    @Test func theNameIsTheTitleAndFiltersAndOptionsGoVerbatim() throws {
        let plan = try LabelStudioCreatePlan(
            ExportRequest(
                source: .dataset("12"), name: "nightly", format: .coco,
                filters: ExportFilters(itemStatuses: [.completed]), includeMedia: false,
                providerOptions: [
                    "task_filter_options": ["annotated": "only"],
                    "annotation_filter_options": ["usual": true, "ground_truth": true],
                ]))
        #expect(plan.format == "COCO")
        #expect(
            plan.body == [
                "title": "nightly", "task_filter_options": ["annotated": "only", "finished": "only"],
                "annotation_filter_options": ["usual": true, "ground_truth": true],
            ])
    }

    @Test(arguments: [
        ([ItemStatus.completed], "only" as String?), ([.notStarted], "exclude"), ([.completed, .notStarted], nil),
    ])
    func itemStatusesAreLabeledOrNot(statuses: [ItemStatus], finished: String?) throws {
        let plan = try LabelStudioCreatePlan(
            ExportRequest(source: .dataset("3"), filters: ExportFilters(itemStatuses: statuses)))
        #expect(plan.body["task_filter_options"]?["finished"]?.stringValue == finished)
    }

    @Test(arguments: [
        (ExportFormat.native, nil as String?), (.json, nil), ("JSON", nil), (.coco, "COCO"), (.yolo, "YOLO"),
        (.pascalVOC, "VOC"), (.csv, "CSV"), ("JSON_MIN", "JSON_MIN"), ("YOLO_OBB", "YOLO_OBB"),
    ])
    func formatsMapToLabelStudiosWords(format: ExportFormat, word: String?) throws {
        #expect(try LabelStudioFormats.conversion(for: format) == word)
    }

    @Test(
        arguments: [
            (ExportRequest(source: .dataset("1"), includeMedia: true), "includeMedia"),
            (ExportRequest(source: .dataset("1"), format: .ndjson), "format ndjson"),
            (ExportRequest(source: .dataset("1"), format: "COCO json"), "format COCO json"),
            (
                ExportRequest(source: .dataset("1"), providerOptions: ["compression": "zip"]),
                "providerOptions.compression"
            ),
        ])
    func whatLabelStudioCannotHonorIsRefusedByName(request: ExportRequest, feature: String) throws {
        let error = try #require(throws: GatewayError.self) { try LabelStudioCreatePlan(request) }
        #expect(error.kind == .unsupported && error.feature == feature && error.provider == .labelStudio)
        #expect(error.message.hasPrefix("Label Studio does not support \(feature)."))
    }

    @Test(
        arguments: [
            (ExportRequest(source: .dataset("street scenes")), "source"),
            (ExportRequest(source: .project("0")), "source"),
            (ExportRequest(source: .dataset("1"), name: ""), "name"),
            (ExportRequest(source: .dataset("1"), name: "  "), "name"),
            (ExportRequest(source: .dataset("1"), name: String(repeating: "n", count: 2049)), "name"),
            (
                ExportRequest(source: .dataset("1"), filters: ExportFilters(itemStatuses: [.inReview])),
                "filters.itemStatuses"
            ),
            (ExportRequest(source: .dataset("1"), filters: ExportFilters(itemStatuses: [])), "filters.itemStatuses"),
            (
                ExportRequest(source: .dataset("1"), providerOptions: ["task_filter_options": "only"]),
                "providerOptions.task_filter_options"
            ),
            (
                ExportRequest(
                    source: .dataset("1"), filters: ExportFilters(itemStatuses: [.completed]),
                    providerOptions: ["task_filter_options": ["finished": "exclude"]]), "filters.itemStatuses"
            ),
        ])
    func malformedValuesAreInvalidNamingTheField(request: ExportRequest, field: String) throws {
        let error = try #require(throws: GatewayError.self) { try LabelStudioCreatePlan(request) }
        #expect(error.kind == .invalidRequest)
        #expect(!(error.fieldErrors[field] ?? []).isEmpty, "\(error.fieldErrors)")
    }

    @Test func everyMalformedFieldIsNamedAtOnce() throws {
        let error = try #require(throws: GatewayError.self) {
            try LabelStudioCreatePlan(
                ExportRequest(
                    source: .dataset("1"), name: "", filters: ExportFilters(itemStatuses: [.approved]),
                    providerOptions: ["serialization_options": 3]))
        }
        #expect(
            Set(error.fieldErrors.keys) == ["name", "filters.itemStatuses", "providerOptions.serialization_options"])
    }
}
