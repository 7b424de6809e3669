import ExportGateway
import Foundation

extension LabelboxSimulator {
    /// Labelbox's shapes for injected faults: GraphQL `errors` that always carry
    /// `extensions.code`, except the rate limit, which the SDK recognizes only by a top-level
    /// `message` starting "You have exceeded"; the user's `createdTasks` list, tasks' `status`.
    static let faultShapes = VendorFaultShapes(
        refusal: { refusal in
            switch refusal {
            case .rateLimited:
                return .json(429, ["message": "You have exceeded the rate limit of 5000 requests per minute."])
            case .serverError:
                return GraphQLError(code: "INTERNAL_SERVER_ERROR", message: "Internal server error").response(
                    status: 500)
            case .unauthorized:
                return GraphQLError(code: "AUTHENTICATION_ERROR", message: "Invalid API key.").response(status: 401)
            case .fieldErrors:
                // The SDK reads a MALFORMED_REQUEST's own `errors` list, one message a field.
                var error = GraphQLError(
                    code: "MALFORMED_REQUEST", message: "The export input is invalid.", status: 400)
                error.members["errors"] = [
                    ["errorMessage": "filters.projectId: must be a project id"],
                    ["errorMessage": "params.mediaTypeOverride: \"SCAN\" is not a MediaType"],
                ]
                return error.response()
            }
        },
        edit: { edit, _, answer in
            switch edit {
            case .removeListField:
                answer.editingJSON(at: "data", "user") { $0.removing("createdTasks") }
            case .statusWord(let word):
                answer.editingJSON(at: "data", "user", "createdTasks") { $0.reportingStatus(word) }
            }
        })
}
