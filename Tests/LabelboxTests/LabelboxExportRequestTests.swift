import ExportGateway
import ExportGatewayLabelbox
import ExportGatewayTesting
import Foundation
import Testing

@Suite("Labelbox export requests")
struct LabelboxExportRequestTests {
    /// The `input` variable of the one export mutation sent.
    private func sentInput(
        _ labelbox: LabelboxFixture, _ operation: String = "exportDataRowsInCatalogPyApi"
    ) throws -> JSONValue {
        let bodies = labelbox.bodies(of: operation)
        try #require(bodies.count == 1)
        return try #require(bodies[0]["variables"]?["input"])
    }

    @Test func datasetExportSendsTheSDKInputWithTheDatasetFilterLast() async throws {
        let labelbox = LabelboxFixture()
        let dataset = labelbox.simulator.seedDataset(named: "wire", itemCount: 3)
        _ = try await labelbox.gateway().createExport(
            ExportRequest(
                source: .dataset(DatasetRef(rawValue: dataset)), filters: ExportFilters(itemIDs: ["dr-1"]),
                providerOptions: ["attachments": true, "project_ids": ["p1"]]))
        let input = try sentInput(labelbox)
        #expect(input["isStreamableReady"] == true && input["streamable"] == true)
        #expect(input["taskName"] == .null)
        let query = try #require(input["filters"]?["searchQuery"]?["query"]?.arrayValue)
        #expect(query.first == ["ids": ["dr-1"], "operator": "is", "type": "data_row_id"])
        #expect(query.last == ["ids": [.string(dataset)], "operator": "is", "type": "dataset"])
        #expect(input["filters"]?["searchQuery"]?["scope"] == .null)
        let params = try #require(input["params"]?.objectValue)
        #expect(params["includeAttachments"] == true && params["includeEmbeddings"] == false)
        #expect(params["projectIds"] == ["p1"] && params["modelRunIds"] == .null)
        #expect(params["mediaTypeOverride"] == .null)
        #expect(params.count == 14)
        #expect(
            labelbox.operations.prefix(3) == [
                "exportDataRowsInCatalogPyApi", "GetUserPyApi", "GetUserCreatedTasksPyApi",
            ])
    }

    @Test func projectExportSendsProjectIdAndWorkflowFilters() async throws {
        let labelbox = LabelboxFixture()
        let project = labelbox.simulator.seedProject(named: "labels", itemCount: 8)
        let created = try await labelbox.gateway().createExport(
            ExportRequest(
                source: .project(project), name: "review queue",
                providerOptions: ["workflow_status": "InReview", "batch_ids": ["b1"], "label_details": true]))
        #expect(created.name == "review queue")
        let input = try sentInput(labelbox, "exportDataRowsInProjectPyApi")
        #expect(input["taskName"] == "review queue")
        #expect(input["filters"]?["projectId"] == .string(project))
        #expect(
            input["filters"]?["searchQuery"]?["query"] == [
                ["ids": ["b1"], "operator": "is", "type": "batch"],
                ["type": "task_queue_status", "status": "InReview"],
            ])
        #expect(input["params"]?["includeLabelDetails"] == true)
        #expect(input["params"]?.objectValue?.count == 9)
    }

    @Test func toLabelIsTheTaskQueueNotExistFilter() async throws {
        let labelbox = LabelboxFixture()
        let project = labelbox.simulator.seedProject(named: "todo", itemCount: 4)
        _ = try await labelbox.gateway().createExport(
            ExportRequest(source: .project(project), providerOptions: ["workflow_status": "ToLabel"]))
        let input = try sentInput(labelbox, "exportDataRowsInProjectPyApi")
        #expect(input["filters"]?["searchQuery"]?["query"] == [["type": "task_queue_not_exist"]])
    }

    @Test func activityIntervalIsSentAsExactUTCInstants() async throws {
        let labelbox = LabelboxFixture()
        let dataset = labelbox.simulator.seedDataset(named: "activity", itemCount: 3)
        let start = Date(timeIntervalSince1970: 1_684_852_200)  // 2023-05-23T14:30:00Z
        _ = try await labelbox.gateway().createExport(
            ExportRequest(
                source: .dataset(DatasetRef(rawValue: dataset)),
                filters: ExportFilters(activity: DateInterval(start: start, duration: 3600))))
        let query = try #require(try sentInput(labelbox)["filters"]?["searchQuery"]?["query"]?.arrayValue)
        #expect(
            query.first == [
                "type": "data_row_last_activity_at",
                "value": [
                    "operator": "BETWEEN", "timezone": "UTC",
                    "value": ["min": "2023-05-23T14:30:00+0000", "max": "2023-05-23T15:30:00+0000"],
                ],
            ])
        #expect(!labelbox.operations.contains("CurrentUserPyApi"))
    }

    @Test func isoDatesAreConvertedToUTCNotStrippedOfTheirOffset() async throws {
        let labelbox = LabelboxFixture()
        let dataset = labelbox.simulator.seedDataset(named: "iso", itemCount: 3)
        _ = try await labelbox.gateway().createExport(
            ExportRequest(
                source: .dataset(DatasetRef(rawValue: dataset)),
                providerOptions: ["label_created_at": [.null, "2023-05-23T14:30:00+0530"]]))
        let query = try #require(try sentInput(labelbox)["filters"]?["searchQuery"]?["query"]?.arrayValue)
        #expect(
            query.first == [
                "type": "labeled_at",
                "value": ["operator": "LESS_THAN_OR_EQUAL", "timezone": "UTC", "value": "2023-05-23T09:00:00+0000"],
            ])
    }

    @Test func fractionalBoundsWidenToWholeSeconds() async throws {
        let labelbox = LabelboxFixture()
        let dataset = labelbox.simulator.seedDataset(named: "fractions", itemCount: 3)
        _ = try await labelbox.gateway().createExport(
            ExportRequest(
                source: .dataset(DatasetRef(rawValue: dataset)),
                providerOptions: ["label_created_at": ["2023-05-23T14:30:00.750Z", "2023-05-23T15:00:00.250+01:00"]]))
        let query = try #require(try sentInput(labelbox)["filters"]?["searchQuery"]?["query"]?.arrayValue)
        #expect(
            query.first?["value"]?["value"] == ["min": "2023-05-23T14:30:00+0000", "max": "2023-05-23T14:00:01+0000"])
    }

    @Test func plainDatesUseTheUsersTimezoneAskedOnce() async throws {
        let labelbox = LabelboxFixture()
        let gateway = labelbox.gateway()
        let dataset = DatasetRef(rawValue: labelbox.simulator.seedDataset(named: "plain", itemCount: 3))
        for _ in 0..<2 {
            _ = try await gateway.createExport(
                ExportRequest(
                    source: .dataset(dataset),
                    providerOptions: ["last_activity_at": ["2000-01-01", "2000-01-02 12:00:00"]]))
        }
        #expect(labelbox.operations.filter { $0 == "CurrentUserPyApi" }.count == 1)
        #expect(labelbox.operations.filter { $0 == "GetUserPyApi" }.count == 1)
        let sent = labelbox.bodies(of: "exportDataRowsInCatalogPyApi")[0]["variables"]?["input"]?["filters"]?[
            "searchQuery"]?["query"]?[0]
        #expect(sent?["value"]?["operator"] == "BETWEEN")
        #expect(sent?["value"]?["value"] == ["min": "2000-01-01", "max": "2000-01-02 12:00:00"])
        #expect(sent?["value"]?["timezone"]?.stringValue?.isEmpty == false)
    }

    @Test(
        "Rules the SDK checks (and some it forgets) are refused before any request",
        arguments: [
            (
                "providerOptions.data_row_ids", ["data_row_ids": JSONValue.array(Array(repeating: "id", count: 2001))],
                false
            ),
            ("providerOptions.global_keys", ["global_keys": []], false),
            ("providerOptions.global_keys", ["global_keys": ["k"], "data_row_ids": ["d"]], false),
            ("providerOptions.batch_ids", ["batch_ids": "b1"], true),
            ("providerOptions.workflow_status", ["workflow_status": "Reviewing"], true),
            ("providerOptions.workflow_status", ["workflow_status": "InReview"], false),
            ("providerOptions.project_ids", ["project_ids": JSONValue.array(Array(repeating: "p", count: 31))], false),
            ("providerOptions.predictions", ["predictions": true], true),
            ("providerOptions.last_activity_at", ["last_activity_at": ["2023-05-23T14:30:00", .null]], false),
            ("providerOptions.last_activity_at", ["last_activity_at": ["yesterday", .null]], false),
            ("providerOptions.label_created_at", ["label_created_at": ["2000-01-01"]], false),
            ("providerOptions.label_created_at", ["label_created_at": ["2000-02-30", .null]], false),
            ("providerOptions.attachments", ["attachments": "yes"], false),
            ("providerOptions.media_type_override", ["media_type_override": "HOLOGRAM"], false),
        ] as [(String, [String: JSONValue], Bool)])
    func invalidOptionsAreRefusedByField(field: String, options: [String: JSONValue], project: Bool) async throws {
        let labelbox = LabelboxFixture()
        let source: ExportSource = project ? .project("some-project") : .dataset("some-dataset")
        do {
            _ = try await labelbox.gateway().createExport(ExportRequest(source: source, providerOptions: options))
            Issue.record("an invalid request was accepted")
        } catch let error as GatewayError {
            guard error.kind == .invalidRequest, case let fields = error.fieldErrors else {
                Issue.record("expected invalidRequest, got \(error)")
                return
            }
            #expect(fields[field]?.isEmpty == false, "\(fields)")
        }
        #expect(labelbox.simulator.requestLog.requests.isEmpty)
    }

    @Test func emptyNameIsRefusedOnTheNameField() async throws {
        let labelbox = LabelboxFixture()
        do {
            _ = try await labelbox.gateway().createExport(ExportRequest(source: .dataset("d"), name: " "))
            Issue.record("an empty task name was sent")
        } catch let error as GatewayError {
            guard error.kind == .invalidRequest, case let fields = error.fieldErrors else { throw error }
            #expect(fields["name"]?.isEmpty == false)
        }
        #expect(labelbox.simulator.requestLog.requests.isEmpty)
    }

    @Test(
        "What Labelbox cannot honor is refused by name, before any request",
        arguments: [
            ("format coco", ExportRequest(source: .dataset("d"), format: .coco)),
            ("includeMedia", ExportRequest(source: .dataset("d"), includeMedia: true)),
            ("filters.classes", ExportRequest(source: .dataset("d"), filters: ExportFilters(classes: ["car"]))),
            (
                "filters.itemStatuses",
                ExportRequest(source: .dataset("d"), filters: ExportFilters(itemStatuses: [.completed]))
            ),
            (
                "providerOptions.include_labels",
                ExportRequest(source: .dataset("d"), providerOptions: ["include_labels": true])
            ),
        ])
    func unsupportedFieldsAreNamed(feature: String, request: ExportRequest) async throws {
        let labelbox = LabelboxFixture()
        do {
            _ = try await labelbox.gateway().createExport(request)
            Issue.record("an unsupported request was sent")
        } catch let error as GatewayError {
            #expect(error.kind == .unsupported && error.feature == feature)
        }
        #expect(labelbox.simulator.requestLog.requests.isEmpty)
    }

    @Test func tooManyRunningExportsIsRefusedByLabelbox() async throws {
        let labelbox = LabelboxFixture()
        let gateway = labelbox.gateway()
        let dataset = DatasetRef(rawValue: labelbox.simulator.seedDataset(named: "busy", itemCount: 2))
        for _ in 0..<10 {
            labelbox.simulator.scriptNextExport(.hangs(rawStatus: nil))
            _ = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
        }
        do {
            _ = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
            Issue.record("an eleventh running export was accepted")
        } catch let error as GatewayError {
            #expect(error.kind == .invalidRequest)
            #expect(error.message.contains("OPERATION_NOT_ALLOWED"))
        }
    }

    @Test func listingPagesCoverEveryExportOnce() async throws {
        let labelbox = LabelboxFixture()
        let gateway = labelbox.gateway()
        let dataset = DatasetRef(rawValue: labelbox.simulator.seedDataset(named: "list", itemCount: 2))
        var created: [ExportID] = []
        for _ in 0..<7 { created.append(try await gateway.createExport(ExportRequest(source: .dataset(dataset))).id) }
        let listed = try await gateway.exports(pageSize: 3).collect(upTo: 100_000).map(\.id)
        #expect(listed.count == 7 && Set(listed) == Set(created))
        #expect(try await gateway.exports(pageSize: 7).collect(upTo: 100_000).count == 7)
    }
}
