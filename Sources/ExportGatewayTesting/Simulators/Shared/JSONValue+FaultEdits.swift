import ExportGateway
import Foundation

/// The small JSON surgery the answer-editing faults perform (``SimulatedFault/missingListField``,
/// ``SimulatedFault/unknownStatusWord(_:)``), each vendor naming where its fields live. Every
/// edit is `nil` when there is nothing to edit, so the fault waits for an answer that has it.
extension JSONValue {
    /// This value with the member at `path` (object keys, outermost first) replaced by what
    /// `edit` makes of it.
    func editing(_ path: ArraySlice<String>, _ edit: (JSONValue) -> JSONValue?) -> JSONValue? {
        guard let key = path.first else { return edit(self) }
        guard case .object(var members) = self, let edited = members[key]?.editing(path.dropFirst(), edit) else {
            return nil
        }
        members[key] = edited
        return .object(members)
    }

    /// This object without its member `key`.
    func removing(_ key: String) -> JSONValue? {
        guard case .object(var members) = self, members.removeValue(forKey: key) != nil else { return nil }
        return .object(members)
    }

    /// This export (an object with a `status`) reporting `word`, or each export of a
    /// non-empty list doing so.
    func reportingStatus(_ word: String) -> JSONValue? {
        switch self {
        case .object(var members) where members["status"] != nil:
            members["status"] = .string(word)
            return .object(members)
        case .array(let exports) where !exports.isEmpty:
            let edited = exports.compactMap { $0.reportingStatus(word) }
            return edited.count == exports.count ? .array(edited) : nil
        default:
            return nil
        }
    }
}

extension HTTPResponse {
    /// This successful answer with the JSON member at `path` replaced by what `edit` makes of
    /// it (keys sorted, as simulators write them), status and headers kept.
    func editingJSON(at path: String..., edit: (JSONValue) -> JSONValue?) -> HTTPResponse? {
        guard isSuccess, let json = try? JSONValue(parsing: body), let edited = json.editing(path[...], edit) else {
            return nil
        }
        var response = self
        response.body = edited.serialized()
        return response
    }
}
