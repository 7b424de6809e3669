import ExportGateway
import Foundation

extension ExportFormat {
    /// Avala's native JSON with full metadata (`avala-json-external`), the same file
    /// ``ExportFormat/native`` asks Avala for. Exports read back from Avala carry this
    /// word, so it is accepted as a request format too.
    public static let avalaJSON = ExportFormat(rawValue: "avala-json-external")
}

/// A checked `POST /exports/` request: everything that can be refused is refused here,
/// before any request is sent.
///
/// Avala accepts two bodies. Its SDK sends `{"dataset": uid}` or `{"project": uid}`; its REST
/// docs describe `{"name", "format", "datasets", "projects", "slices", "filter_query_string"?}`.
/// The short SDK body is used unless the caller asks for something only the long one can say.
struct AvalaCreatePlan: Sendable {
    /// What to export.
    enum Target: Sendable {
        /// A dataset, by uid or `owner/slug` (the body needs the uid).
        case dataset(AvalaDatasetRef)
        /// A project, by uid.
        case project(String)
    }

    /// The fields of the documented REST body; `nil` for the SDK body.
    struct DocumentedFields: Sendable {
        var name: String
        var format: String
        var slices: JSONValue
        var filterQueryString: String?
    }

    /// The `providerOptions` keys Avala honors.
    static let optionKeys: Set<String> = ["slices", "filter_query_string"]
    /// The name sent when the REST body is needed but the caller gave none.
    static let defaultName = "ExportGateway export"

    var target: Target
    var documented: DocumentedFields?

    /// Checks `request` (the gateway has refused every filter, which Avala declares none of);
    /// throws `unsupported` for `includeMedia`, an unknown
    /// option or a format Avala lacks, and `invalidRequest` for a malformed source or option.
    init(_ request: ExportRequest) throws {
        if request.includeMedia != nil { throw Self.unsupported("includeMedia") }
        if let option = request.providerOptions.keys.sorted().first(where: { !Self.optionKeys.contains($0) }) {
            throw Self.unsupported("providerOptions.\(option)")
        }
        let vendorFormat = try request.format.map(Self.vendorFormat(for:))
        let slices = request.providerOptions["slices"] ?? []
        guard slices.arrayValue != nil else {
            throw Self.invalidOption("slices", "must be an array of slice uids, not \(slices)")
        }
        let filterQuery = request.providerOptions["filter_query_string"]
        if let filterQuery, !filterQuery.isNull, filterQuery.stringValue == nil {
            throw Self.invalidOption("filter_query_string", "must be a string, not \(filterQuery)")
        }

        switch request.source {
        case .dataset(let ref):
            target = .dataset(try AvalaDatasetRef(ref))
        case .project(let uid):
            guard !uid.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                let message = "The project uid is empty. Pass the uid of an Avala project."
                throw GatewayError.invalidRequest(message, fieldErrors: ["source": [message]])
            }
            target = .project(uid)
        }

        let needsDocumentedBody = request.name != nil || request.format != nil || !request.providerOptions.isEmpty
        documented =
            needsDocumentedBody
            ? DocumentedFields(
                name: request.name ?? Self.defaultName, format: vendorFormat ?? ExportFormat.avalaJSON.rawValue,
                slices: slices, filterQueryString: filterQuery?.stringValue)
            : nil
    }

    /// The JSON body, given the source's uid.
    func body(sourceUID: String) -> JSONValue {
        guard let documented else {
            switch target {
            case .dataset: return ["dataset": .string(sourceUID)]
            case .project: return ["project": .string(sourceUID)]
            }
        }
        var body: [String: JSONValue] = [
            "name": .string(documented.name),
            "format": .string(documented.format),
            "datasets": [],
            "projects": [],
            "slices": documented.slices,
        ]
        switch target {
        case .dataset: body["datasets"] = [.string(sourceUID)]
        case .project: body["projects"] = [.string(sourceUID)]
        }
        if let filterQueryString = documented.filterQueryString {
            body["filter_query_string"] = .string(filterQueryString)
        }
        return .object(body)
    }

    /// Avala's word for `format`: `avala-json-external` for native, `YOLO` for YOLO. The
    /// other common constants have no Avala equivalent; any other word is Avala's own and
    /// passes verbatim.
    static func vendorFormat(for format: ExportFormat) throws -> String {
        switch format {
        case .native, .avalaJSON: return ExportFormat.avalaJSON.rawValue
        case .yolo: return "YOLO"
        case .coco, .pascalVOC, .csv, .json, .ndjson: throw unsupported("format \(format)")
        default: return format.rawValue
        }
    }

    private static func unsupported(_ feature: String) -> GatewayError {
        AvalaProvider().unsupported(feature)
    }

    private static func invalidOption(_ key: String, _ problem: String) -> GatewayError {
        let field = "providerOptions.\(key)"
        return GatewayError.invalidRequest("Avala option `\(key)` \(problem).", fieldErrors: [field: [problem]])
    }
}
