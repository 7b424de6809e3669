import ExportGateway
import Foundation

extension AvalaSimulator {
    /// Avala's shapes for injected faults: Django REST Framework's `{"detail": …}` refusals
    /// and `{"field": ["message"]}` validation errors, list pages' `results`, exports' `status`.
    /// `apiPath` is the base URL's path, under which `exports/` lies.
    static func faultShapes(apiPath: String) -> VendorFaultShapes {
        VendorFaultShapes(
            refusal: { refusal in
                switch refusal {
                case .rateLimited(let seconds):
                    .json(429, ["detail": .string("Request was throttled. Expected available in \(seconds) seconds.")])
                case .serverError: .json(500, ["detail": "A server error occurred."])
                case .unauthorized: .json(401, ["detail": "Invalid API key."])
                case .fieldErrors:
                    .json(
                        400,
                        [
                            "name": ["This field is required."],
                            "format": ["\"avala-json-internal\" is not a valid choice."],
                        ])
                }
            },
            edit: { edit, request, answer in
                switch edit {
                case .removeListField:
                    return answer.editingJSON { $0.removing("results") }
                case .statusWord(let word):
                    // Items and sequences have status words too; only exports' are the fault's.
                    guard request.pathSegments(after: apiPath)?.first == "exports" else { return nil }
                    return answer.editingJSON(at: "results") { $0.reportingStatus(word) }
                        ?? answer.editingJSON { $0.reportingStatus(word) }
                }
            })
    }
}
