import ExportGateway
import Foundation

/// The GraphQL operations the adapter sends, word for word as the official Python SDK
/// (labelbox 7.17.0) sends them, so the real server and our simulator see known documents.
///
/// Labelbox has one endpoint, `POST /graphql`, and no `operationName` field: the operation is
/// named inside the document. Everything is a POST, so reads are declared safe to repeat
/// (``VendorAPI/Retry/idempotent``) and mutations never are.
enum LabelboxGraphQL {
    static let exportProject =
        "mutation exportDataRowsInProjectPyApi($input: ExportDataRowsInProjectInput!){exportDataRowsInProject(input: $input){taskId isStreamable}}"
    static let exportCatalog =
        "mutation exportDataRowsInCatalogPyApi($input: ExportDataRowsInCatalogInput!){exportDataRowsInCatalog(input: $input){taskId isStreamable}}"
    static let currentUser =
        "query GetUserPyApi{user{createdAt email isExternalUser isViewer lastLoginAt nickname name picture id updatedAt}}"
    static let timezone = "query CurrentUserPyApi { user { timezone } }"
    static let taskFields = "completionPercentage createdAt errors metadata name result status status type id updatedAt"
    static let taskByID =
        "query GetUserCreatedTasksPyApi($param_0: ID!, $param_1: ID!){user(where: {id: $param_1}){createdTasks(where: {id: $param_0} skip: 0 first: 100){\(taskFields)}}}"
    static let streamHeader =
        "query GetExportMetadataHeaderPyApi($where: WhereUniqueIdInput, $streamType: TaskStreamType!){task(where: $where){exportMetadataHeader(streamType: $streamType){totalSize totalLines}}}"
    static let streamChunk =
        "query GetExportFileFromOffsetPyApi($where: WhereUniqueIdInput, $streamType: TaskStreamType!, $offset: UInt64!){task(where: $where){exportFileFromOffset(streamType: $streamType, offset: $offset){offsets {start end} lines {start end} file}}}"

    /// The caller's tasks, `first` of them after skipping `skip`, in the server's order (the
    /// SDK's relationship paging writes both numbers into the document).
    static func tasksPage(skip: Int, first: Int) -> String {
        "query GetUserCreatedTasksPyApi($param_0: ID!){user(where: {id: $param_0}){createdTasks(skip: \(skip) first: \(first)){\(taskFields)}}}"
    }

    /// Sends one operation and returns its `data` member. `variables` is whatever the SDK
    /// sends for that operation (`null` for `CurrentUserPyApi`, `{}` for `GetUserPyApi`).
    static func send(
        _ document: String, variables: JSONValue, api: VendorAPI, retry: VendorAPI.Retry
    ) async throws -> JSONValue {
        let request = try api.request(
            .post, api.path("graphql"), json: ["query": .string(document), "variables": variables])
        let response = try await api.send(request, retry: retry)
        let body = try api.json(from: response)
        guard let data = body["data"], !data.isNull else {
            throw GatewayError(
                .decoding, httpStatus: response.status,
                message: "Labelbox answered without `data` and without an error.")
        }
        return data
    }

    /// The API key's user id, asked once per gateway: every task read goes through the
    /// user who created it.
    static func userID(api: VendorAPI) async throws -> String {
        let id = try await api.remembered("labelbox.userID") {
            let data = try await send(currentUser, variables: [:], api: api, retry: .idempotent)
            guard let id = data["user"]?["id"]?.stringValue else {
                throw GatewayError(.decoding, message: "Labelbox did not say which user the API key belongs to.")
            }
            return .string(id)
        }
        return id.stringValue ?? ""
    }

    /// The user's profile timezone (the SDK's default for plain dates), `UTC` when unset.
    static func userTimezone(api: VendorAPI) async throws -> String {
        let zone = try await api.remembered("labelbox.timezone") {
            let data = try await send(timezone, variables: .null, api: api, retry: .idempotent)
            return data["user"]?["timezone"].flatMap { $0.isNull ? nil : $0 } ?? "UTC"
        }
        return zone.stringValue ?? "UTC"
    }
}
