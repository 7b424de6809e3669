import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// Wire-level checks of the Labelbox simulator against the protocol note's checklist
/// (`shared/protocols/labelbox.md`, section 9): the adapter's tests are only as good as the
/// simulator is faithful.
@Suite("LabelboxSimulator (wire level)")
struct LabelboxSimulatorTests {
    // The SDK 7.17.0 documents, verbatim.
    static let projectExport =
        "mutation exportDataRowsInProjectPyApi($input: ExportDataRowsInProjectInput!){exportDataRowsInProject(input: $input){taskId isStreamable}}"
    static let catalogExport =
        "mutation exportDataRowsInCatalogPyApi($input: ExportDataRowsInCatalogInput!){exportDataRowsInCatalog(input: $input){taskId isStreamable}}"
    static let getUser =
        "query GetUserPyApi{user{createdAt email isExternalUser isViewer lastLoginAt nickname name picture id updatedAt}}"
    static let currentUser = "query CurrentUserPyApi { user { timezone } }"
    static let taskFields = "completionPercentage createdAt errors metadata name result status status type id updatedAt"
    static let getTask =
        "query GetUserCreatedTasksPyApi($param_0: ID!, $param_1: ID!){user(where: {id: $param_1}){createdTasks(where: {id: $param_0} skip: 0 first: 100){\(taskFields)}}}"
    static let getTaskByID =
        "query GetUserCreatedTasksPyApi($userId: ID!, $taskId: ID!){user(where: {id: $userId}){createdTasks(where: {id: $taskId} skip: 0 first: 1){\(taskFields)}}}"
    static let header =
        "query GetExportMetadataHeaderPyApi($where: WhereUniqueIdInput, $streamType: TaskStreamType!){task(where: $where){exportMetadataHeader(streamType: $streamType){totalSize totalLines}}}"
    static let fileFromOffset =
        "query GetExportFileFromOffsetPyApi($where: WhereUniqueIdInput, $streamType: TaskStreamType!, $offset: UInt64!){task(where: $where){exportFileFromOffset(streamType: $streamType, offset: $offset){offsets {start end} lines {start end} file}}}"
    static let fileFromLine =
        "query GetExportFileFromLinePyApi($where: WhereUniqueIdInput, $streamType: TaskStreamType!, $line: UInt64!){task(where: $where){exportFileFromLine(streamType: $streamType, line: $line){offsets {start end} lines {start end} file}}}"
    static let cancel = "mutation CancelTaskPyApi($id: ID!){cancelBulkOperationJob(id: $id){success}}"
    static let taskFieldSet: Set<String> = [
        "completionPercentage", "createdAt", "errors", "metadata", "name", "result", "status", "type", "id",
        "updatedAt",
    ]

    let sim = LabelboxSimulator()

    // MARK: Helpers

    /// POSTs a GraphQL document to `simulator` with `key` (the full-access key by default; `""` sends none).
    func post(
        _ query: String, _ variables: JSONValue = [:], key: String? = nil, headers: [String: String] = [:],
        to simulator: LabelboxSimulator? = nil
    ) async throws -> HTTPResponse {
        let simulator = simulator ?? sim
        var request = HTTPRequest(method: .post, url: URL(string: simulator.apiBaseURL.absoluteString + "/graphql")!)
        request.headers["Content-Type"] = "application/json"
        request.headers["Accept"] = "application/json"
        let key = key ?? simulator.apiKey
        if !key.isEmpty { request.headers["Authorization"] = "Bearer \(key)" }
        for (name, value) in headers { request.headers[name] = value }
        request.body = JSONValue.object(["query": .string(query), "variables": variables]).serialized()
        return try await simulator.transport.send(request)
    }

    /// The `data` of a successful answer (HTTP 200, no `errors`).
    func data(
        _ query: String, _ variables: JSONValue = [:], key: String? = nil, to simulator: LabelboxSimulator? = nil
    ) async throws -> JSONValue {
        let response = try await post(query, variables, key: key, to: simulator)
        #expect(response.status == 200, "\(response.bodyText ?? "")")
        let body = try JSONValue(parsing: response.body)
        #expect(body["errors"] == nil, "\(body)")
        return try #require(body["data"])
    }

    /// The first error object of an answer, with its HTTP status.
    func error(
        _ query: String, _ variables: JSONValue = [:], key: String? = nil, to simulator: LabelboxSimulator? = nil
    ) async throws -> (status: Int, error: JSONValue) {
        let response = try await post(query, variables, key: key, to: simulator)
        let body = try JSONValue(parsing: response.body)
        #expect(body["data"] == .null)
        let error = try #require(body["errors"]?[0], "\(body)")
        #expect(error["extensions"]?["code"]?.stringValue != nil)
        return (response.status, error)
    }

    /// The SDK's export input: all params present, unset ones `false`.
    static func input(
        projectID: String? = nil, filters: [JSONValue] = [], params: [String: JSONValue] = [:],
        taskName: JSONValue = .null
    ) -> JSONValue {
        var allParams: [String: JSONValue] = ["mediaTypeOverride": .null]
        for flag in [
            "includeAttachments", "includeEmbeddings", "includeMetadata", "includeDataRowDetails",
            "includeProjectDetails",
            "includePerformanceDetails", "includeLabelDetails", "includeInterpolatedFrames",
        ] { allParams[flag] = false }
        allParams.merge(params) { _, new in new }
        var filterObject: [String: JSONValue] = ["searchQuery": ["scope": .null, "query": .array(filters)]]
        if let projectID { filterObject["projectId"] = .string(projectID) }
        return [
            "input": [
                "taskName": taskName, "isStreamableReady": true, "filters": .object(filterObject),
                "params": .object(allParams),
                "streamable": true,
            ]
        ]
    }

    static func datasetFilter(_ id: String) -> JSONValue {
        ["ids": [.string(id)], "operator": "is", "type": "dataset"]
    }

    static func idFilter(_ type: String, _ ids: [String]) -> JSONValue {
        ["ids": .array(ids.map(JSONValue.string)), "operator": "is", "type": .string(type)]
    }

    static func dateFilter(_ type: String, _ op: String, _ value: JSONValue, timezone: String = "UTC") -> JSONValue {
        ["type": .string(type), "value": ["operator": .string(op), "timezone": .string(timezone), "value": value]]
    }

    /// Starts a project export and returns its task id.
    func exportProject(
        _ projectID: String, filters: [JSONValue] = [], params: [String: JSONValue] = [:], taskName: JSONValue = .null,
        key: String? = nil, on simulator: LabelboxSimulator? = nil
    ) async throws -> String {
        let data = try await data(
            Self.projectExport, Self.input(projectID: projectID, filters: filters, params: params, taskName: taskName),
            key: key,
            to: simulator)
        #expect(data["exportDataRowsInProject"]?["isStreamable"] == true)
        return try #require(data["exportDataRowsInProject"]?["taskId"]?.stringValue)
    }

    /// Starts a dataset export (the dataset filter appended last, as `dataset.export()` does).
    func exportDataset(
        _ datasetID: String, filters: [JSONValue] = [], params: [String: JSONValue] = [:],
        on simulator: LabelboxSimulator? = nil
    ) async throws -> String {
        let data = try await data(
            Self.catalogExport, Self.input(filters: filters + [Self.datasetFilter(datasetID)], params: params),
            to: simulator)
        return try #require(data["exportDataRowsInCatalog"]?["taskId"]?.stringValue)
    }

    /// One poll: the task as `GetUserCreatedTasksPyApi` returns it.
    func poll(_ taskID: String, key: String? = nil, on simulator: LabelboxSimulator? = nil) async throws -> JSONValue {
        let simulator = simulator ?? sim
        let user = try await data(Self.getUser, key: key, to: simulator)["user"]?["id"]?.stringValue ?? ""
        let data = try await data(
            Self.getTask, ["param_0": .string(taskID), "param_1": .string(user)], key: key, to: simulator)
        let tasks = try #require(data["user"]?["createdTasks"]?.arrayValue)
        try #require(tasks.count == 1)
        return tasks[0]
    }

    /// Polls until the task leaves `IN_PROGRESS`; returns the last task seen.
    @discardableResult
    func finish(_ taskID: String, on simulator: LabelboxSimulator? = nil) async throws -> JSONValue {
        for _ in 0..<10 {
            let task = try await poll(taskID, on: simulator)
            if task["status"] != "IN_PROGRESS" { return task }
        }
        Issue.record("task \(taskID) never finished")
        return .null
    }

    func header(
        _ taskID: String, _ stream: String = "RESULT", on simulator: LabelboxSimulator? = nil
    ) async throws -> JSONValue {
        let data = try await data(
            Self.header, ["where": ["id": .string(taskID)], "streamType": .string(stream)], to: simulator)
        return try #require(data["task"]?["exportMetadataHeader"])
    }

    func chunk(
        _ taskID: String, offset: JSONValue, _ stream: String = "RESULT", on simulator: LabelboxSimulator? = nil
    ) async throws -> JSONValue {
        let data = try await data(
            Self.fileFromOffset, ["where": ["id": .string(taskID)], "streamType": .string(stream), "offset": offset],
            to: simulator)
        return try #require(data["task"]?["exportFileFromOffset"])
    }

    func get(
        _ url: String, headers: [String: String] = [:], on simulator: LabelboxSimulator? = nil
    ) async throws -> HTTPResponse {
        var request = HTTPRequest(method: .get, url: URL(string: url)!)
        for (name, value) in headers { request.headers[name] = value }
        return try await (simulator ?? sim).transport.send(request)
    }

    /// Reads a whole stream the SDK's way (offset = previous end + 1 until totalSize), checking
    /// every chunk's start and byte count; returns the joined bytes and the chunks.
    func stream(
        _ taskID: String, _ type: String = "RESULT", on simulator: LabelboxSimulator? = nil
    ) async throws -> (bytes: Data, chunks: [JSONValue]) {
        let header = try await header(taskID, type, on: simulator)
        let total = try #require(header["totalSize"]?.intValue)
        var offset: Int64 = 0
        var bytes = Data()
        var chunks: [JSONValue] = []
        while offset < total {
            let chunk = try await chunk(taskID, offset: .string(String(offset)), type, on: simulator)
            let start = try #require(chunk["offsets"]?["start"]?.intValue)
            let end = try #require(chunk["offsets"]?["end"]?.intValue)
            #expect(start == offset)
            let file = try await get(try #require(chunk["file"]?.stringValue), on: simulator)
            #expect(file.status == 200)
            #expect(Int64(file.body.count) == end - start + 1)
            bytes.append(file.body)
            chunks.append(chunk)
            offset = end + 1
        }
        #expect(Int64(bytes.count) == total)
        return (bytes, chunks)
    }

    /// The parsed lines of a complete NDJSON stream (no blank lines allowed).
    func lines(_ bytes: Data) throws -> [JSONValue] {
        let text = try #require(String(data: bytes, encoding: .utf8))
        #expect(text.hasSuffix("\n"))
        return try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            try JSONValue(parsing: Data(line.utf8))
        }
    }

    /// The exported rows' external ids' numbers, in order.
    func rowNumbers(_ taskID: String, on simulator: LabelboxSimulator? = nil) async throws -> [Int] {
        if try await header(taskID, on: simulator) == .null { return [] }
        return try lines(try await stream(taskID, on: simulator).bytes).map { row in
            let external = row["data_row"]?["external_id"]?.stringValue ?? ""
            return Int(external.dropFirst("scène-".count).prefix(8)) ?? -1
        }
    }

    /// Exports `project` with `filters` on a one-poll simulator and returns the row numbers.
    func filtered(
        _ simulator: LabelboxSimulator, _ sourceID: String, _ filters: [JSONValue], dataset: Bool = false
    ) async throws -> [Int] {
        let task =
            dataset
            ? try await exportDataset(sourceID, filters: filters, on: simulator)
            : try await exportProject(sourceID, filters: filters, on: simulator)
        #expect(try await finish(task, on: simulator)["status"] == "COMPLETE")
        return try await rowNumbers(task, on: simulator)
    }

    /// A one-poll simulator cutting `boundary` chunks of `chunkSize`, and the id of a completed
    /// export of a new `itemCount`-row project on it.
    func completedProjectExport(
        itemCount: Int, chunkSize: Int = 64 * 1024, boundary: LabelboxSimulator.ChunkBoundary = .line
    ) async throws -> (sim: LabelboxSimulator, task: String) {
        let sim = LabelboxSimulator(pollsToComplete: 1, chunkSize: chunkSize, chunkBoundary: boundary)
        let project = sim.seedProject(named: "P", itemCount: itemCount)
        let task = try await exportProject(project, on: sim)
        #expect(try await finish(task, on: sim)["status"] == "COMPLETE")
        return (sim, task)
    }

    // MARK: Auth

    @Test func missingOrUnknownKeyIs401WithAuthenticationError() async throws {
        for key in ["", "lb_not_a_key"] {
            let response = try await post(Self.getUser, key: key)
            #expect(response.status == 401)
            let body = try JSONValue(parsing: response.body)
            #expect(body["data"] == .null)
            #expect(body["errors"]?[0]?["extensions"]?["code"] == "AUTHENTICATION_ERROR")
            #expect(body["errors"]?[0]?["message"]?.stringValue?.isEmpty == false)
        }
        var request = HTTPRequest(method: .post, url: URL(string: sim.apiBaseURL.absoluteString + "/graphql")!)
        request.headers["Authorization"] = sim.apiKey  // no "Bearer "
        request.body = JSONValue.object(["query": .string(Self.getUser), "variables": [:]]).serialized()
        #expect(try await sim.transport.send(request).status == 401)
    }

    @Test func sdkHeadersAreAccepted() async throws {
        let response = try await post(
            Self.getUser,
            headers: [
                "X-User-Agent": "python-sdk 7.17.0", "X-Python-Version": "3.11.7-final",
                "X-SDK-Method": "Project:export",
            ])
        #expect(response.status == 200)
    }

    @Test func restrictedKeyReadsButMayNotExport() async throws {
        let project = sim.seedProject(named: "P", itemCount: 4)
        let dataset = sim.seedDataset(named: "D", itemCount: 4)
        #expect(try await data(Self.getUser, key: sim.restrictedAPIKey)["user"]?["isViewer"] == true)
        let projectError = try await error(
            Self.projectExport, Self.input(projectID: project), key: sim.restrictedAPIKey)
        #expect(projectError.status == 200)
        #expect(projectError.error["extensions"]?["code"] == "AUTHORIZATION_ERROR")
        let datasetError = try await error(
            Self.catalogExport, Self.input(filters: [Self.datasetFilter(dataset)]), key: sim.restrictedAPIKey)
        #expect(datasetError.error["extensions"]?["code"] == "AUTHORIZATION_ERROR")
    }

    @Test func otherUserDoesNotSeeTasksCreatedByOthers() async throws {
        let project = sim.seedProject(named: "P", itemCount: 4)
        let task = try await exportProject(project)
        let other = try await data(Self.getUser, key: sim.otherUserAPIKey)["user"]?["id"]?.stringValue ?? ""
        #expect(other != sim.userID)
        let own = try await data(
            Self.getTask, ["param_0": .string(task), "param_1": .string(other)], key: sim.otherUserAPIKey)
        #expect(own["user"]?["createdTasks"] == [])
        let foreignUser = try await data(
            Self.getTask, ["param_0": .string(task), "param_1": .string(sim.userID)], key: sim.otherUserAPIKey)
        #expect(foreignUser["user"] == .null)
        let headerError = try await error(
            Self.header, ["where": ["id": .string(task)], "streamType": "RESULT"], key: sim.otherUserAPIKey)
        #expect(headerError.error["extensions"]?["code"] == "RESOURCE_NOT_FOUND")
        // The other user's own exports are visible to them.
        let theirs = try await exportProject(project, key: sim.otherUserAPIKey)
        #expect(try await poll(theirs, key: sim.otherUserAPIKey)["id"] == .string(theirs))
    }

    // MARK: Operations and field sets

    @Test func userQueriesReturnEverySelectedField() async throws {
        let user = try #require(try await data(Self.getUser)["user"]?.objectValue)
        #expect(
            Set(user.keys) == [
                "createdAt", "email", "isExternalUser", "isViewer", "lastLoginAt", "nickname", "name", "picture", "id",
                "updatedAt",
            ])
        #expect(user["id"] == .string(sim.userID))
        #expect(user["lastLoginAt"] == .null && user["nickname"] == .null && user["picture"] == .null)
        let zone = try await data(Self.currentUser, .null)
        #expect(zone == ["user": ["timezone": .null]])
        #expect(
            try await data(Self.currentUser, .null, key: sim.otherUserAPIKey)["user"]?["timezone"] == "America/New_York"
        )
    }

    @Test func projectAndDatasetReadsReturnEverySelectedField() async throws {
        let project = sim.seedProject(named: "Street scenes", itemCount: 3)
        let dataset = sim.seedDataset(named: "Raw", itemCount: 3)
        let read = try await data(
            "query GetProjectPyApi($param_0: ID!){project(where: {id: $param_0}){id name description createdAt updatedAt mediaType autoAuditPercentage}}",
            ["param_0": .string(project)], key: sim.otherUserAPIKey)
        let object = try #require(read["project"]?.objectValue)
        #expect(object.count == 7 && object["name"] == "Street scenes" && object["autoAuditPercentage"] == .null)
        let datasetRead = try await data(
            "query GetDatasetPyApi($param_0: ID!){dataset(where: {id: $param_0}){id name rowCount}}",
            ["param_0": .string(dataset)])
        #expect(datasetRead["dataset"] == ["id": .string(dataset), "name": "Raw", "rowCount": 3])
        let missing = try await error(
            "query GetDatasetPyApi($param_0: ID!){dataset(where: {id: $param_0}){id}}", ["param_0": .string(project)])
        #expect(missing.error["extensions"]?["code"] == "RESOURCE_NOT_FOUND")
    }

    @Test func exportMutationsCreateTasksSynchronously() async throws {
        let project = sim.seedProject(named: "Street scenes", itemCount: 8)
        let dataset = sim.seedDataset(named: "Raw images", itemCount: 8)
        let projectTask = try await exportProject(project)
        let datasetTask = try await exportDataset(dataset)
        let named = try await exportProject(project, taskName: "nightly")
        #expect(Set([projectTask, datasetTask, named]).count == 3)
        #expect(try await poll(projectTask)["name"] == "Export v2: project - Street scenes")
        #expect(try await poll(datasetTask)["name"] == "Export v2: dataset - Raw images")
        #expect(try await poll(named)["name"] == "nightly")
    }

    @Test(arguments: ["../../etc/passwd", "clds_nope", "clpj000010000000000000000", ""])
    func exportOfAnUnknownProjectOrDatasetIsResourceNotFoundNamingTheID(_ id: String) async throws {
        let dataset = sim.seedDataset(named: "Known", itemCount: 2)
        let project = try await error(Self.projectExport, Self.input(projectID: id))
        let datasets = try await error(
            Self.catalogExport, Self.input(filters: [Self.datasetFilter(dataset), Self.datasetFilter(id)]))
        for (kind, answer) in [("project", project), ("dataset", datasets)] {
            #expect(answer.status == 200)
            #expect(answer.error["extensions"]?["code"] == "RESOURCE_NOT_FOUND", "\(kind)")
            #expect(answer.error["message"] == .string("\(kind.capitalized) not found: no \(kind) has id \"\(id)\"."))
        }
        // No task was made: the key's user has created none.
        let tasks = try await data(
            "query GetUserCreatedTasksPyApi($param_0: ID!){user(where: {id: $param_0}){createdTasks(skip: 0 first: 100){id}}}",
            ["param_0": .string(sim.userID)])
        #expect(tasks["user"]?["createdTasks"] == [])
    }

    @Test func exportWithoutAProjectIDIsResourceNotFound() async throws {
        let answer = try await error(Self.projectExport, Self.input())
        #expect(answer.error["extensions"]?["code"] == "RESOURCE_NOT_FOUND")
        #expect(answer.error["message"] == "Project not found: no id given.")
    }

    @Test func taskReadReturnsEveryFieldAndAcceptsTheDuplicatedStatus() async throws {
        let project = sim.seedProject(named: "P", itemCount: 4)
        let task = try await exportProject(project)
        let object = try #require(try await poll(task).objectValue)
        #expect(Set(object.keys) == Self.taskFieldSet)
        #expect(object["type"] == "export-data-rows")
        #expect(object["result"] == .null && object["errors"] == .null && object["metadata"] == .null)
        #expect(object["status"] == "IN_PROGRESS")
        if case .double = object["completionPercentage"] {} else { Issue.record("completionPercentage is not a float") }
        let created = try #require(object["createdAt"]?.stringValue)
        #expect(created.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil)
    }

    @Test func bothTaskReadVariantsResolveByArgumentPosition() async throws {
        let project = sim.seedProject(named: "P", itemCount: 4)
        let task = try await exportProject(project)
        // Variable names swapped relative to meaning: userId first, taskId second.
        let data = try await data(Self.getTaskByID, ["userId": .string(sim.userID), "taskId": .string(task)])
        let tasks = try #require(data["user"]?["createdTasks"]?.arrayValue)
        #expect(tasks.count == 1 && tasks[0]["id"] == .string(task))
        // Literal arguments work too.
        let literal = try await self.data(
            "query GetUserCreatedTasksPyApi{user(where: {id: \"\(sim.userID)\"}){createdTasks(where: {id: \"\(task)\"}){id status}}}"
        )
        #expect(literal["user"]?["createdTasks"]?[0]?.objectValue?.keys.sorted() == ["id", "status"])
        let unknown = try await self.data(
            Self.getTask, ["param_0": "cltk000000000000000999999", "param_1": .string(sim.userID)])
        #expect(unknown["user"]?["createdTasks"] == [])
    }

    @Test func listingPagesTheCallersTasksNewestFirst() async throws {
        let project = sim.seedProject(named: "P", itemCount: 1)
        var ids: [String] = []
        for _ in 0..<5 { ids.append(try await exportProject(project)) }
        _ = try await exportProject(project, key: sim.otherUserAPIKey)
        let literal =
            "query GetUserCreatedTasksPyApi($param_0: ID!){user(where: {id: $param_0}){createdTasks(skip: 1 first: 3){\(Self.taskFields)}}}"
        let page = try await data(literal, ["param_0": .string(sim.userID)])["user"]?["createdTasks"]?.arrayValue ?? []
        #expect(page.map { $0["id"]?.stringValue ?? "" } == [ids[3], ids[2], ids[1]])
        #expect(page.allSatisfy { $0.objectValue.map { Set($0.keys) == Self.taskFieldSet } ?? false })
        let variables =
            "query GetUserCreatedTasksPyApi($param_0: ID!, $skip: Int, $first: Int){user(where: {id: $param_0}){createdTasks(skip: $skip first: $first){id}}}"
        let last = try await data(variables, ["param_0": .string(sim.userID), "skip": 4, "first": 20])["user"]?[
            "createdTasks"]
        #expect(last == [["id": .string(ids[0])]])
        // Listing is not a poll.
        #expect(try await poll(ids[0])["status"] == "IN_PROGRESS")
    }

    @Test func defaultExportRunsForPollsThenCompletes() async throws {
        let project = sim.seedProject(named: "P", itemCount: 4)
        let task = try await exportProject(project)
        #expect(try await header(task) == .null)  // not complete yet
        var statuses: [String] = []
        for _ in 0..<4 { statuses.append(try await poll(task)["status"]?.stringValue ?? "") }
        #expect(statuses == ["IN_PROGRESS", "IN_PROGRESS", "COMPLETE", "COMPLETE"])
        #expect(try await poll(task)["completionPercentage"] == 100.0)
        #expect(try await header(task)["totalLines"] == 4)
    }

    @Test func scriptsFailCancelAndHang() async throws {
        #expect(sim.canCancelExports)
        let project = sim.seedProject(named: "P", itemCount: 4)
        sim.scriptNextExport(.fails(afterPolls: 2, reason: "Export timed out"))
        sim.scriptNextExport(.cancels(afterPolls: 1))
        sim.scriptNextExport(.hangs(rawStatus: nil))
        sim.scriptNextExport(.hangs(rawStatus: "QUEUED"))
        sim.scriptNextExport(.completes(afterPolls: 1))
        let failing = try await exportProject(project)
        let canceling = try await exportProject(project)
        let hanging = try await exportProject(project)
        let odd = try await exportProject(project)
        let quick = try await exportProject(project)
        #expect(try await poll(failing)["status"] == "IN_PROGRESS")
        let failed = try await poll(failing)
        #expect(failed["status"] == "FAILED" && failed["errors"] == "Export timed out")
        #expect(try await poll(canceling)["status"] == "CANCELED")
        for _ in 0..<5 { #expect(try await poll(hanging)["status"] == "IN_PROGRESS") }
        #expect(try await poll(odd)["status"] == "QUEUED")
        #expect(try await poll(quick)["status"] == "COMPLETE")
        #expect(try await header(failing) == .null)
    }

    @Test func cancelMutationCancelsARunningTask() async throws {
        let project = sim.seedProject(named: "P", itemCount: 4)
        let task = try await exportProject(project)
        #expect(try await data(Self.cancel, ["id": .string(task)])["cancelBulkOperationJob"] == ["success": true])
        #expect(try await poll(task)["status"] == "CANCELED")
        #expect(try await data(Self.cancel, ["id": .string(task)])["cancelBulkOperationJob"] == ["success": false])
        let foreign = try await error(Self.cancel, ["id": .string(task)], key: sim.otherUserAPIKey)
        #expect(foreign.error["extensions"]?["code"] == "RESOURCE_NOT_FOUND")
    }

    @Test func documentErrorsCarryCodes() async throws {
        let unknown = try await error("query GetProjectsPyApi{projects{id}}")
        #expect(unknown.status == 400 && unknown.error["extensions"]?["code"] == "GRAPHQL_VALIDATION_FAILED")
        let badField = try await error("query GetUserPyApi{user{id shoeSize}}")
        #expect(badField.error["extensions"]?["code"] == "GRAPHQL_VALIDATION_FAILED")
        let syntax = try await error("query GetUserPyApi{user{id")
        #expect(syntax.error["extensions"]?["code"] == "GRAPHQL_PARSE_FAILED")
        var request = HTTPRequest(method: .post, url: URL(string: sim.apiBaseURL.absoluteString + "/graphql")!)
        request.headers["Authorization"] = "Bearer \(sim.apiKey)"
        request.body = Data("{not json".utf8)
        let body = try JSONValue(parsing: try await sim.transport.send(request).body)
        #expect(body["errors"]?[0]?["extensions"]?["code"] == "GRAPHQL_PARSE_FAILED")
        let range = try await error(Self.header, ["where": ["id": "nope"], "streamType": "RESULT"])
        #expect(range.status == 200 && range.error["extensions"]?["code"] == "RESOURCE_NOT_FOUND")
    }

    // MARK: Streams

    @Test func headerIsNullForEmptyStreamsAndCountsErrorLines() async throws {
        let sim = LabelboxSimulator(pollsToComplete: 1)
        let project = sim.seedProject(named: "P", itemCount: 10)
        let clean = try await exportProject(project, on: sim)
        try await finish(clean, on: sim)
        #expect(try await header(clean, "ERRORS", on: sim) == .null)
        #expect(try await header(clean, on: sim)["totalLines"] == 10)
        let empty = try await exportProject(project, filters: [Self.idFilter("data_row_id", ["cldr_unknown"])], on: sim)
        #expect(try await finish(empty, on: sim)["status"] == "COMPLETE")
        #expect(try await header(empty, on: sim) == .null)
        sim.scriptNextExportErrors(count: 3)
        let erring = try await exportProject(project, on: sim)
        try await finish(erring, on: sim)
        let errorHeader = try await header(erring, "ERRORS", on: sim)
        #expect(errorHeader["totalLines"] == 3)
        let errors = try lines(try await stream(erring, "ERRORS", on: sim).bytes)
        #expect(
            errors.count == 3 && errors.allSatisfy { $0["data_row_id"]?.stringValue != nil && $0["message"] != nil })
        let offsetError = try await error(
            Self.fileFromOffset,
            [
                "where": ["id": .string(erring)], "streamType": "ERRORS",
                "offset": .int(errorHeader["totalSize"]?.intValue ?? 0),
            ],
            to: sim)
        #expect(offsetError.error["extensions"]?["code"] == "MALFORMED_REQUEST")
        #expect(offsetError.error["errors"]?.arrayValue?.isEmpty == false)
    }

    @Test func chunksAreFoundAtAndInsideTheirRangeAndJoinToTheStream() async throws {
        let (sim, task) = try await completedProjectExport(itemCount: 50, chunkSize: 2048)
        let header = try await header(task, on: sim)
        let (bytes, chunks) = try await stream(task, on: sim)
        #expect(chunks.count > 3)
        #expect(header["totalSize"]?.intValue == Int64(bytes.count))
        let rows = try lines(bytes)
        #expect(header["totalLines"]?.intValue == Int64(rows.count) && rows.count == 50)
        // Line-cut chunks hold whole lines; line ranges are inclusive and contiguous.
        var nextLine: Int64 = 0
        for chunk in chunks {
            #expect(chunk["lines"]?["start"]?.intValue == nextLine)
            nextLine = (chunk["lines"]?["end"]?.intValue ?? -2) + 1
            let start = Int(chunk["offsets"]?["start"]?.intValue ?? 0)
            #expect(start == 0 || bytes[start - 1] == 0x0A)
        }
        #expect(nextLine == 50)
        // An offset inside the second chunk returns that chunk, with its real start; a number works.
        let second = chunks[1]
        let inside = try await chunk(task, offset: .int((second["offsets"]?["start"]?.intValue ?? 0) + 7), on: sim)
        #expect(inside["offsets"] == second["offsets"] && inside["lines"] == second["lines"])
        let first = try await chunk(task, offset: 0, on: sim)
        #expect(first["offsets"]?["start"] == 0)
    }

    /// Exports a 30-row project cut at `boundary` into 97-byte chunks; returns each chunk file's body.
    func chunkBodies(_ boundary: LabelboxSimulator.ChunkBoundary) async throws -> [Data] {
        let (sim, task) = try await completedProjectExport(itemCount: 30, chunkSize: 97, boundary: boundary)
        let (bytes, chunks) = try await stream(task, on: sim)
        #expect(try lines(bytes).count == 30)
        var bodies: [Data] = []
        for chunk in chunks { bodies.append(try await get(try #require(chunk["file"]?.stringValue), on: sim).body) }
        return bodies
    }

    @Test func legacyLineLookupReturnsTheChunkHoldingTheLine() async throws {
        let (sim, task) = try await completedProjectExport(itemCount: 20, chunkSize: 1000, boundary: .byte)
        let (bytes, _) = try await stream(task, on: sim)
        let lineStarts = [0] + bytes.indices.filter { bytes[$0] == 0x0A }.dropLast().map { $0 + 1 - bytes.startIndex }
        for line in [0, 7, 19] {
            let data = try await data(
                Self.fileFromLine, ["where": ["id": .string(task)], "streamType": "RESULT", "line": .int(Int64(line))],
                to: sim)
            let chunk = try #require(data["task"]?["exportFileFromLine"])
            let start = try #require(chunk["offsets"]?["start"]?.intValue),
                end = try #require(chunk["offsets"]?["end"]?.intValue)
            #expect(start <= lineStarts[line] && Int64(lineStarts[line]) <= end)
            #expect(try #require(chunk["lines"]?["start"]?.intValue) <= line)
        }
        let beyond = try await error(
            Self.fileFromLine, ["where": ["id": .string(task)], "streamType": "RESULT", "line": 20], to: sim)
        #expect(beyond.error["extensions"]?["code"] == "MALFORMED_REQUEST")
    }

    @Test func characterBoundaryCutsLinesButNeverCharacters() async throws {
        let bodies = try await chunkBodies(.character)
        for body in bodies {
            #expect(String(data: body, encoding: .utf8) != nil, "a chunk split a character")
            // A cut moves back off continuation bytes (at most 3), so a chunk may run a little long.
            #expect(body.count <= 97 + 3)
        }
        #expect(bodies.contains { $0.last != 0x0A })
    }

    @Test func byteBoundaryMaySplitACharacter() async throws {
        let bodies = try await chunkBodies(.byte)
        #expect(bodies.dropLast().allSatisfy { $0.count == 97 })
        #expect(bodies.contains { String(data: $0, encoding: .utf8) == nil })
    }

    @Test func singleBoundaryServesOneFile() async throws {
        let (sim, task) = try await completedProjectExport(itemCount: 20, chunkSize: 10, boundary: .single)
        let (bytes, chunks) = try await stream(task, on: sim)
        #expect(chunks.count == 1 && chunks[0]["lines"] == ["start": 0, "end": 19])
        #expect(try lines(bytes).count == 20)
    }

    @Test func millionRowDatasetServesItsLastChunkWithoutTheRest() async throws {
        let sim = LabelboxSimulator(pollsToComplete: 1)
        let dataset = sim.seedDataset(named: "Huge", itemCount: 1_000_000)
        let task = try await exportDataset(dataset, params: ["includeDataRowDetails": true], on: sim)
        try await finish(task, on: sim)
        let header = try await header(task, on: sim)
        #expect(header["totalLines"] == 1_000_000)
        let total = try #require(header["totalSize"]?.intValue)
        #expect(total > 100_000_000)
        let last = try await chunk(task, offset: .string(String(total - 1)), on: sim)
        #expect(last["offsets"]?["end"]?.intValue == total - 1)
        #expect(last["lines"]?["end"] == 999_999)
        let body = try await get(try #require(last["file"]?.stringValue), on: sim).body
        #expect(Int64(body.count) == total - (last["offsets"]?["start"]?.intValue ?? 0))
        let rows = try lines(body)
        #expect(rows.last?["data_row"]?["external_id"] == "scène-00999999.jpg")
        #expect(rows.last?["data_row"]?["details"]?["dataset_name"] == "Huge")
        // A filter over the million rows stays lazy too.
        let filtered = try await exportDataset(
            dataset,
            filters: [
                Self.dateFilter("data_row_last_activity_at", "GREATER_THAN_OR_EQUAL", "2025-11-25 10:38:00")
            ], on: sim)
        try await finish(filtered, on: sim)
        #expect(try await self.header(filtered, on: sim)["totalLines"] == 2)
    }

    @Test func linesHaveTheDocumentedShapeAndAFixedWidthPerResidue() async throws {
        let sim = LabelboxSimulator(pollsToComplete: 1)
        let project = sim.seedProject(named: "Café", itemCount: 12)
        let task = try await exportProject(project, on: sim)
        try await finish(task, on: sim)
        let bytes = try await stream(task, on: sim).bytes
        let text = try #require(String(data: bytes, encoding: .utf8))
        let raw = text.split(separator: "\n")
        #expect(raw.allSatisfy { $0.contains("è") })
        for index in 0..<8 { #expect(raw[index].utf8.count == raw[index + 4].utf8.count) }
        let rows = try lines(bytes)
        for (index, row) in rows.enumerated() {
            let object = try #require(row.objectValue)
            #expect(Set(object.keys) == ["data_row", "media_attributes", "projects"])
            #expect(
                row["data_row"]?.objectValue.map { Set($0.keys) } == ["id", "row_data", "global_key", "external_id"])
            #expect(row["data_row"]?["id"] == sim.dataRowID(index, of: project).map(JSONValue.string))
            #expect(row["data_row"]?["global_key"] == sim.globalKey(index, of: project).map(JSONValue.string))
            #expect(row["media_attributes"]?["mime_type"] == "image/jpeg")
            let entry = try #require(row["projects"]?[project])
            #expect(entry.objectValue.map { Set($0.keys) } == ["name", "labels"])
            #expect(entry["name"] == "Café")
            #expect(entry["labels"]?.arrayValue?.count == (index % 4 == 0 ? 0 : 1))
        }
        // Dataset rows carry no projects.
        let dataset = sim.seedDataset(named: "D", itemCount: 2)
        let datasetTask = try await exportDataset(dataset, on: sim)
        try await finish(datasetTask, on: sim)
        let datasetRows = try lines(try await stream(datasetTask, on: sim).bytes)
        #expect(
            datasetRows.allSatisfy { $0["projects"] == nil && $0["data_row"] != nil && $0["media_attributes"] != nil })
    }

    @Test func everyIncludeFlagAddsItsField() async throws {
        let sim = LabelboxSimulator(pollsToComplete: 1)
        let project = sim.seedProject(named: "P", itemCount: 2)
        func row(_ params: [String: JSONValue]) async throws -> JSONValue {
            let task = try await exportProject(project, params: params, on: sim)
            try await finish(task, on: sim)
            return try lines(try await stream(task, on: sim).bytes)[1]
        }
        let plain = try await row([:])
        for (flag, path) in [
            ("includeDataRowDetails", ["data_row", "details"]), ("includeAttachments", ["attachments"]),
            ("includeMetadata", ["metadata_fields"]), ("includeEmbeddings", ["embeddings"]),
            ("includeProjectDetails", ["projects", project, "project_details"]),
            ("includeLabelDetails", ["projects", project, "labels", "0", "label_details"]),
            ("includePerformanceDetails", ["projects", project, "labels", "0", "performance_details"]),
        ] {
            func lookup(_ value: JSONValue) -> JSONValue? {
                path.reduce(Optional(value)) { value, key in Int(key).flatMap { value?[$0] } ?? value?[key] }
            }
            #expect(lookup(plain) == nil, "\(flag) off")
            let included = try await row([flag: true])
            #expect(lookup(included) != nil, "\(flag) on")
        }
        let details = try await row(["includeProjectDetails": true])
        #expect(details["projects"]?[project]?["project_details"]?["workflow_status"] == "IN_REVIEW")
    }

    // MARK: Filters

    @Test func idFiltersSelectExactlyTheNamedRows() async throws {
        let sim = LabelboxSimulator(pollsToComplete: 1)
        let project = sim.seedProject(named: "P", itemCount: 300)
        let other = sim.seedProject(named: "Q", itemCount: 300)
        let ids =
            [7, 3, 250, 3].compactMap { sim.dataRowID($0, of: project) } + [sim.dataRowID(5, of: other)!, "clunknown"]
        #expect(try await filtered(sim, project, [Self.idFilter("data_row_id", ids)]) == [3, 7, 250])
        let keys = [12, 299, 300].compactMap { sim.globalKey($0, of: project) }
        #expect(try await filtered(sim, project, [Self.idFilter("global_key", keys)]) == [12, 299])
        let batches = [2, 0].compactMap { sim.batchID($0, of: project) }
        #expect(
            try await filtered(sim, project, [Self.idFilter("batch", batches)]) == Array(0..<100) + Array(200..<300))
        // Filters combine: batch 1 and IN_REVIEW rows.
        let review: JSONValue = ["type": "task_queue_status", "status": "InReview"]
        let combined = try await filtered(
            sim, project, [Self.idFilter("batch", [sim.batchID(1, of: project)!]), review])
        #expect(combined == Array(stride(from: 101, to: 200, by: 4)))
    }

    @Test func datasetFilterChoosesTheCatalogRows() async throws {
        let sim = LabelboxSimulator(pollsToComplete: 1)
        _ = sim.seedDataset(named: "A", itemCount: 3)
        let b = sim.seedDataset(named: "B", itemCount: 5)
        #expect(try await filtered(sim, b, [], dataset: true) == [0, 1, 2, 3, 4])
        let keys = [1, 4].compactMap { sim.globalKey($0, of: b) }
        #expect(try await filtered(sim, b, [Self.idFilter("global_key", keys)], dataset: true) == [1, 4])
    }

    @Test func workflowStatusFiltersSelectByTaskQueue() async throws {
        let sim = LabelboxSimulator(pollsToComplete: 1)
        let project = sim.seedProject(named: "P", itemCount: 16)
        #expect(try await filtered(sim, project, [["type": "task_queue_not_exist"]]) == [0, 4, 8, 12])
        #expect(
            try await filtered(sim, project, [["type": "task_queue_status", "status": "InRework"]]) == [2, 6, 10, 14])
        #expect(try await filtered(sim, project, [["type": "task_queue_status", "status": "Done"]]) == [3, 7, 11, 15])
        let bad = try await error(
            Self.projectExport,
            Self.input(projectID: project, filters: [["type": "task_queue_status", "status": "Nope"]]), to: sim)
        #expect(bad.error["extensions"]?["code"] == "MALFORMED_REQUEST")
    }

    @Test func dateFiltersHonorOperatorsFormatsAndTimezones() async throws {
        let sim = LabelboxSimulator(pollsToComplete: 1)
        let project = sim.seedProject(named: "P", itemCount: 200)
        // Row i's last activity is 2024-01-01T00:00:00Z + i minutes.
        let activity = "data_row_last_activity_at"
        #expect(
            try await filtered(
                sim, project,
                [
                    Self.dateFilter(
                        activity, "BETWEEN", ["min": "2024-01-01 01:00:00", "max": "2024-01-01 01:09:59"])
                ]) == Array(60..<70))
        #expect(
            try await filtered(
                sim, project,
                [
                    Self.dateFilter(
                        activity, "GREATER_THAN_OR_EQUAL", "2024-01-01T04:00:00+01:00")
                ]) == Array(180..<200))
        #expect(
            try await filtered(
                sim, project,
                [
                    Self.dateFilter(
                        activity, "GREATER_THAN_OR_EQUAL", "2024-01-01T03:10:00+0000")
                ]) == Array(190..<200))
        #expect(
            try await filtered(sim, project, [Self.dateFilter(activity, "LESS_THAN_OR_EQUAL", "2024-01-01")]).count
                == 200)
        #expect(
            try await filtered(
                sim, project,
                [
                    Self.dateFilter(
                        activity, "LESS_THAN_OR_EQUAL", "2023-12-31 19:02:00", timezone: "America/New_York")
                ]) == [0, 1, 2])
        #expect(
            try await filtered(sim, project, [Self.dateFilter(activity, "GREATER_THAN_OR_EQUAL", "2030-01-01")]) == [])
        // Labels are created 30 minutes before their row's last activity; TO_LABEL rows have none.
        #expect(
            try await filtered(
                sim, project,
                [
                    Self.dateFilter(
                        "labeled_at", "BETWEEN", ["min": "2024-01-01 00:30:00", "max": "2024-01-01 00:39:59"])
                ]) == [61, 62, 63, 65, 66, 67, 69])
        let bad = try await error(
            Self.projectExport,
            Self.input(
                projectID: project, filters: [Self.dateFilter(activity, "GREATER_THAN_OR_EQUAL", "2024-01-01T00:00:00")]
            ), to: sim)
        #expect(bad.error["extensions"]?["code"] == "MALFORMED_REQUEST")
    }

    @Test func moreThan2000IDsAreRejectedByTheServer() async throws {
        let project = sim.seedProject(named: "P", itemCount: 10)
        let ids = (0..<2001).map { "id-\($0)" }
        for type in ["data_row_id", "global_key", "batch"] {
            let rejected = try await error(
                Self.projectExport, Self.input(projectID: project, filters: [Self.idFilter(type, ids)]))
            #expect(rejected.error["extensions"]?["code"] == "MALFORMED_REQUEST")
            #expect(rejected.error["errors"]?[0]?["errorMessage"]?.stringValue?.contains("2000") == true)
        }
        _ = try await exportProject(project, filters: [Self.idFilter("data_row_id", Array(ids.prefix(2000)))])
    }

    @Test func runningExportLimitsArePerSourceAndPerOrganization() async throws {
        let first = sim.seedProject(named: "A", itemCount: 1)
        let second = sim.seedProject(named: "B", itemCount: 1)
        let third = sim.seedProject(named: "C", itemCount: 1)
        var running: [String] = []
        for _ in 0..<10 { running.append(try await exportProject(first)) }
        let perProject = try await error(Self.projectExport, Self.input(projectID: first))
        #expect(perProject.error["extensions"]?["code"] == "OPERATION_NOT_ALLOWED")
        for _ in 0..<10 { _ = try await exportProject(second) }
        let perOrganization = try await error(Self.projectExport, Self.input(projectID: third))
        #expect(perOrganization.error["extensions"]?["code"] == "OPERATION_NOT_ALLOWED")
        // A finished export frees its slot.
        try await finish(running[0])
        _ = try await exportProject(first)
    }

    // MARK: Storage

    @Test func chunkFilesAreSignedExpiringAndCredentialFree() async throws {
        let project = sim.seedProject(named: "P", itemCount: 10)
        let task = try await exportProject(project)
        try await finish(task)
        let url = try #require(try await chunk(task, offset: "0")["file"]?.stringValue)
        #expect(url.hasPrefix(sim.storageBaseURL.absoluteString))
        let file = try await get(url)
        #expect(file.status == 200 && file.headers["Content-Type"] == "application/x-ndjson")
        let ranged = try await get(url, headers: ["Range": "bytes=10-19"])
        #expect(ranged.status == 206 && ranged.body == file.body.subdata(in: 10..<20))
        #expect(ranged.headers["Content-Range"] == "bytes 10-19/\(file.body.count)")
        #expect(try await get(url, headers: ["Range": "bytes=\(file.body.count)-"]).status == 416)
        #expect(try await get(url, headers: ["Authorization": "Bearer \(sim.apiKey)"]).status == 400)
        #expect(try await get(url.replacingOccurrences(of: "sig=", with: "sig=0")).status == 403)
        sim.advanceTime(by: 3601)
        let expired = try await get(url)
        #expect(expired.status == 403 && expired.bodyText?.contains("AccessDenied") == true)
        #expect(try await get(try #require(try await chunk(task, offset: "0")["file"]?.stringValue)).status == 200)
        #expect(!sim.requestLog.requests(to: sim.storageBaseURL).contains { $0.carriedCredential && $0.status == 200 })
    }

    // MARK: Faults

    @Test func faultsUseLabelboxShapes() async throws {
        sim.injectFault(.rateLimited(retryAfterSeconds: 7))
        let limited = try await post(Self.getUser)
        #expect(limited.status == 429 && limited.headers["Retry-After"] == "7")
        #expect(try JSONValue(parsing: limited.body)["message"]?.stringValue?.hasPrefix("You have exceeded") == true)
        sim.injectFault(.serverError)
        let failed = try await post(Self.getUser)
        #expect(failed.status == 500)
        #expect(try JSONValue(parsing: failed.body)["errors"]?[0]?["extensions"]?["code"] == "INTERNAL_SERVER_ERROR")
        sim.injectFault(.badGateway)
        #expect(try await post(Self.getUser).status == 502)
        sim.injectGraphQLError(code: "INTERNAL_SERVER_ERROR", message: "try again", exceptionStatus: 503, count: 2)
        for _ in 0..<2 {
            let injected = try await error(Self.getUser)
            #expect(injected.status == 200)
            #expect(injected.error["extensions"]?["exception"]?["status"] == 503)
        }
        #expect(try await post(Self.getUser).status == 200)
    }

    @Test func unauthorizedAndFieldErrorFaultsUseGraphQLErrors() async throws {
        sim.injectFault(.unauthorized, count: 1)
        let refused = try await error(Self.getUser)
        #expect(refused.status == 401 && refused.error["extensions"]?["code"] == "AUTHENTICATION_ERROR")
        let project = sim.seedProject(named: "P", itemCount: 1)
        sim.injectFault(.fieldErrors, count: 1)
        let invalid = try await error(Self.projectExport, Self.input(projectID: project))
        #expect(invalid.status == 400 && invalid.error["extensions"]?["code"] == "MALFORMED_REQUEST")
        let messages = try #require(invalid.error["errors"]?.arrayValue).compactMap { $0["errorMessage"]?.stringValue }
        #expect(messages.count == 2 && messages[0].hasPrefix("filters.projectId:"))
        // In the vendor's place: no task was made.
        let tasks = try await data(
            "query GetUserCreatedTasksPyApi($param_0: ID!){user(where: {id: $param_0}){createdTasks(skip: 0 first: 100){id}}}",
            ["param_0": .string(sim.userID)])
        #expect(tasks["user"]?["createdTasks"] == [])
    }

    @Test func missingListFieldAndUnknownStatusWordEditTheCreatedTasks() async throws {
        let project = sim.seedProject(named: "P", itemCount: 1)
        sim.injectFault(.missingListField, count: 1)
        sim.injectFault(.unknownStatusWord("QUARANTINED"), count: 1)
        // The mutation's answer has neither a task list nor a status: both faults wait.
        let task = try await exportProject(project)
        let read = try await post(
            Self.getTask, ["param_0": .string(task), "param_1": .string(sim.userID)])
        let user = try #require(try JSONValue(parsing: read.body)["data"]?["user"]?.objectValue)
        #expect(read.status == 200 && user.isEmpty)
        #expect(try await poll(task)["status"] == "QUARANTINED")
        #expect(try await poll(task)["status"] == "COMPLETE")
    }
}
