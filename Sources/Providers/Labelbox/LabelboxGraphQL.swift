import ExportGateway
import Foundation

/// The GraphQL operations the adapter sends, word for word as the official Python SDK
/// (labelbox 7.17.0) sends them, so the real server and our simulator see known documents.
///
/// Labelbox has one endpoint, `POST /graphql`, and no `operationName` field: the operation is
/// named inside the document. Everything is a POST, so reads are declared safe to repeat
/// (``VendorAPI/Retry/idempotent``) and mutations never are.
enum LabelboxGraphQL {
    /// An export mutation: its document, and the member of `data` that answers it.
    struct Mutation: Sendable {
        var document: String
        var field: String
    }

    static let exportProject = Mutation(
        document:
            "mutation exportDataRowsInProjectPyApi($input: ExportDataRowsInProjectInput!){exportDataRowsInProject(input: $input){taskId isStreamable}}",
        field: "exportDataRowsInProject")
    static let exportCatalog = Mutation(
        document:
            "mutation exportDataRowsInCatalogPyApi($input: ExportDataRowsInCatalogInput!){exportDataRowsInCatalog(input: $input){taskId isStreamable}}",
        field: "exportDataRowsInCatalog")
    /// What `GetUserPyApi` selects of the user.
    static let userFields = "createdAt email isExternalUser isViewer lastLoginAt nickname name picture id updatedAt"
    static let currentUser = "query GetUserPyApi{user{\(userFields)}}"
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

    /// Sends one operation and returns its `data` member, an object: an answer without one
    /// (or with `null`) and without an error is a decoding error, never an empty result.
    /// `variables` is whatever the SDK sends for that operation (`null` for
    /// `CurrentUserPyApi`, `{}` for `GetUserPyApi`).
    static func send(
        _ document: String, variables: JSONValue, api: VendorAPI, retry: VendorAPI.Retry
    ) async throws -> WireValue {
        let request = try api.request(
            .post, api.path("graphql"), json: ["query": .string(document), "variables": variables])
        let response = try await api.send(request, retry: retry)
        let data = try WireValue(answer: api.json(from: response)).required("data")
        _ = try data.members()
        return data
    }

    /// The API key's user id, asked once per gateway: every task read goes through the
    /// user who created it.
    static func userID(api: VendorAPI) async throws -> String {
        let id = try await api.remembered("labelbox.userID") {
            let user = try await send(currentUser, variables: [:], api: api, retry: .idempotent).required("user")
            try user.requireSelected(userFields)
            return .string(try user.required("id").string())
        }
        return id.stringValue ?? ""
    }

    /// The user's profile timezone (the SDK's default for plain dates), `UTC` when unset.
    static func userTimezone(api: VendorAPI) async throws -> String {
        let zone = try await api.remembered("labelbox.timezone") {
            let user = try await send(timezone, variables: .null, api: api, retry: .idempotent).required("user")
            // Selected, so present; `null` when the user never chose one.
            let zone = try user.required("timezone")
            return zone.json.isNull ? "UTC" : .string(try zone.string())
        }
        return zone.stringValue ?? "UTC"
    }
}

extension WireValue {
    /// Checks that every field `selection` names (`"taskId isStreamable"`) is present, as
    /// GraphQL promises and the SDK relies on (it indexes each one, protocol notes 2.5).
    /// Their values may be `null`; the readers of the fields used say what each must be.
    func requireSelected(_ selection: String) throws {
        for name in selection.split(separator: " ") {
            _ = try required(String(name))
        }
    }
}
