import ExportGateway
import Foundation

extension PictographSimulator {
    /// Pictograph's shapes for injected faults: the `{"error": {"code", "message", "details"},
    /// "detail"}` envelope with an `X-Request-Id` from `requestIDs` (shared with the routes, so
    /// ids stay unique), FastAPI field errors, a listing's `data` list, exports' `status`.
    static func faultShapes(requestIDs: RequestIDs) -> VendorFaultShapes {
        VendorFaultShapes(
            refusal: { refusal in
                var response: HTTPResponse
                switch refusal {
                case .rateLimited(let seconds):
                    response = error(
                        429, "rate_limited", "Rate limit exceeded. Retry after \(seconds) seconds.",
                        details: ["retry_after": .int(Int64(seconds))])
                case .serverError: response = error(500, "internal_error", "Internal server error")
                case .unauthorized: response = error(401, "unauthorized", "Invalid API key.")
                case .fieldErrors:
                    response = validation(
                        [
                            fieldError(["body", "name"], "Field required", "missing"),
                            fieldError(
                                ["body", "format"], "Input should be \(choices(["pictograph", "coco", "yolo"]))",
                                "enum"),
                        ], status: 400)
                }
                response.headers["X-Request-Id"] = requestIDs.next()
                return response
            },
            edit: { edit, _, answer in
                switch edit {
                case .removeListField:
                    // Only a listing's `data` is a list: a read's is one export.
                    answer.editingJSON { $0["data"]?.arrayValue == nil ? nil : $0.removing("data") }
                case .statusWord(let word):
                    answer.editingJSON(at: "data") { $0.reportingStatus(word) }
                }
            })
    }
}
