import ExportGateway
import Foundation

extension PictographSimulator {
    static let defaultPageSize = 100
    static let maxPageSize = 1000

    /// Which export a route names: by id, or by name within a dataset.
    enum ExportReference {
        case id(String)
        case name(dataset: String, export: String)
    }

    /// The path every route starts with: the API base URL's own path (normally empty),
    /// then `/api/v1/developer/exports`.
    var exportsPath: String {
        let base = host.apiBaseURL.path
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/api/v1/developer/exports"
    }

    /// Answers one API request the way Pictograph does: key and role first, then routing,
    /// validation and lookup; an `X-Request-Id` on every answer.
    func respond(to request: SimulatedRequest) -> HTTPResponse {
        var response = authenticatedRoute(request)
        response.headers["X-Request-Id"] = requestIDs.next()
        return response
    }

    private func authenticatedRoute(_ request: SimulatedRequest) -> HTTPResponse {
        let key = request.headers["X-API-Key"] ?? ""
        guard let caller = callers[key] else {
            return Self.error(
                401, "unauthorized",
                key.isEmpty ? "Missing API key: send it in the X-API-Key header." : "Invalid API key.")
        }
        // Split the raw path first, then decode each segment, so `%2F` stays inside a name.
        guard let segments = request.pathSegments(after: exportsPath) else {
            return Self.error(404, "not_found", "Not Found")
        }
        if request.method == .post, let idempotencyKey = request.headers["Idempotency-Key"], !idempotencyKey.isEmpty {
            return idempotent(request, caller: caller, idempotencyKey: idempotencyKey) {
                route(request, segments, caller)
            }
        }
        return route(request, segments, caller)
    }

    // MARK: Routing

    private func route(_ request: SimulatedRequest, _ path: [String], _ caller: Caller) -> HTTPResponse {
        let dataset = formValue(request, "dataset")
        if path.first == "by-name" {
            // The compound form was removed from the API.
            return Self.error(404, "not_found", "Not Found")
        }
        switch path.count {
        case 0:
            switch request.method {
            case .get: return listExports(request, caller)
            case .post: return createExport(request, caller)
            default: return methodNotAllowed(allow: "GET, POST")
            }
        case 1:
            if path[0] == "bulk-delete" && request.method == .post { return bulkDelete(request, caller) }
            switch request.method {
            case .get:
                return read(dataset.map { .name(dataset: $0, export: path[0]) } ?? .id(path[0]), caller)
            case .delete:
                guard caller.role >= .admin else { return Self.deleteForbidden }
                guard let dataset else {
                    return Self.validation([Self.fieldError(["query", "dataset"], "Field required", "missing")])
                }
                return delete(.name(dataset: dataset, export: path[0]), caller)
            default:
                return methodNotAllowed(allow: "GET, DELETE")
            }
        case 2:
            switch request.method {
            case .get where path[1] == "download":
                if let dataset { return download(.name(dataset: dataset, export: path[0]), caller) }
                if UUID(uuidString: path[0]) != nil { return download(.id(path[0]), caller) }
                // The docs' form, for an export named "download".
                return read(.name(dataset: path[0], export: path[1]), caller)
            case .get:
                return read(.name(dataset: path[0], export: path[1]), caller)
            case .delete:
                guard caller.role >= .admin else { return Self.deleteForbidden }
                return delete(.name(dataset: path[0], export: path[1]), caller)
            default:
                return methodNotAllowed(allow: "GET, DELETE")
            }
        case 3 where path[2] == "download":
            guard request.method == .get else { return methodNotAllowed(allow: "GET") }
            return download(.name(dataset: path[0], export: path[1]), caller)
        default:
            return Self.error(404, "not_found", "Not Found")
        }
    }

    // MARK: Exports

    private func listExports(_ request: SimulatedRequest, _ caller: Caller) -> HTTPResponse {
        var errors: [JSONValue] = []
        let limit = integer(
            request, "limit", default: Self.defaultPageSize, range: 1...Self.maxPageSize, errors: &errors)
        let offset = integer(request, "offset", default: 0, range: 0...Int.max, errors: &errors)
        let datasetName = formValue(request, "dataset_name") ?? formValue(request, "dataset")
        let status = formValue(request, "status")
        if let status, !Self.statuses.contains(status) {
            errors.append(
                Self.fieldError(["query", "status"], "Input should be \(Self.choices(Self.statuses))", "enum"))
        }
        guard errors.isEmpty else { return Self.validation(errors) }
        return state.withLock { state in
            // Newest first; ties cannot happen (every create takes its own sequence number).
            let visible = state.exports.reversed().filter { record in
                record.organization == caller.organization
                    && (datasetName.map { record.datasetName == $0 } ?? true)
                    && (status.map { record.status == $0 } ?? true)
            }
            let page = visible.dropFirst(offset).prefix(min(limit, state.listing.pageCap ?? limit))
            let data = JSONValue.array(page.map { json(of: $0) })
            var pagination: [String: JSONValue] = [
                "total": .int(Int64(visible.count)), "limit": .int(Int64(limit)), "offset": .int(Int64(offset)),
            ]
            switch state.listing.hasMore {
            case .truthful: pagination["has_more"] = .bool(offset + page.count < visible.count)
            case .absent: break
            case .always(let value): pagination["has_more"] = value
            }
            return state.listing.bareArray
                ? .json(200, data) : .json(200, ["data": data, "pagination": .object(pagination)])
        }
    }

    private func createExport(_ request: SimulatedRequest, _ caller: Caller) -> HTTPResponse {
        guard caller.role >= .member else {
            return Self.error(403, "forbidden", "Creating exports requires the member role or higher.")
        }
        var errors: [JSONValue] = []
        guard let (datasetName, create) = parseCreate(request.body, errors: &errors), errors.isEmpty else {
            return Self.validation(errors)
        }
        return state.withLock { state in
            guard
                let dataset = state.datasets.first(where: {
                    $0.name == datasetName && $0.organization == caller.organization
                })
            else { return Self.error(404, "not_found", "Dataset '\(datasetName)' not found") }
            guard !dataset.coldStorage else {
                return Self.error(
                    409, "conflict",
                    "Dataset '\(datasetName)' is in cold storage: uploads, exports, and auto-annotation are paused until it is restored."
                )
            }
            guard !state.exports.contains(where: { $0.datasetID == dataset.id && $0.request.name == create.name })
            else {
                return Self.error(409, "conflict", "Export '\(create.name)' already exists in dataset '\(datasetName)'")
            }
            let record = makeExport(in: &state, dataset: dataset, request: create)
            return .json(201, ["data": json(of: record, includeDownloadURL: false)])
        }
    }

    /// Reads one export: a poll, which moves it along its script.
    private func read(_ reference: ExportReference, _ caller: Caller) -> HTTPResponse {
        poll(reference, caller) { record in .json(200, ["data": json(of: record)]) }
    }

    /// A fresh signed URL for a completed export; 409 naming the status otherwise. Also a poll.
    private func download(_ reference: ExportReference, _ caller: Caller) -> HTTPResponse {
        poll(reference, caller) { record in
            guard let link = downloadLink(of: record) else {
                return Self.error(
                    409, "conflict",
                    "Export '\(record.request.name)' is not ready for download (status: \(record.status))",
                    details: ["status": .string(record.status)])
            }
            return .json(
                200,
                [
                    "data": [
                        "download_url": .string(link.url.absoluteString),
                        "expires_at": .string(ISO8601.string(from: link.expiresAt)),
                        "file_size": record.fileSize.map { .int(Int64($0)) } ?? .null,
                    ]
                ])
        }
    }

    /// Finds the export, moves it one poll along its script, and answers from the result.
    private func poll(
        _ reference: ExportReference, _ caller: Caller, answer: (ExportRecord) -> HTTPResponse
    ) -> HTTPResponse {
        state.withLock { state in
            switch locate(reference, caller, in: state) {
            case .missing(let response):
                return response
            case .found(let index):
                var record = state.exports[index]
                advance(&record, in: state)
                state.exports[index] = record
                return answer(record)
            }
        }
    }

    /// Deletes the row and its ZIP: 204 with no body.
    private func delete(_ reference: ExportReference, _ caller: Caller) -> HTTPResponse {
        state.withLock { state in
            switch locate(reference, caller, in: state) {
            case .missing(let response):
                return response
            case .found(let index):
                let record = state.exports.remove(at: index)
                if let object = record.resultObject { host.storage.remove(object) }
                return HTTPResponse(status: 204)
            }
        }
    }

    private func bulkDelete(_ request: SimulatedRequest, _ caller: Caller) -> HTTPResponse {
        guard caller.role >= .admin else { return Self.deleteForbidden }
        var errors: [JSONValue] = []
        let ids = parseBulkDelete(request.body, errors: &errors)
        guard errors.isEmpty else { return Self.validation(errors) }
        var seen = Set<String>()
        let unique = ids.filter { seen.insert($0).inserted }
        return state.withLock { state in
            var succeeded: [String] = []
            var notFound: [String] = []
            for id in unique {
                if let index = state.exports.firstIndex(where: { $0.id == id && $0.organization == caller.organization }
                ) {
                    let record = state.exports.remove(at: index)
                    if let object = record.resultObject { host.storage.remove(object) }
                    succeeded.append(id)
                } else {
                    notFound.append(id)
                }
            }
            return .json(
                200,
                [
                    "data": [
                        "succeeded": .array(succeeded.map(JSONValue.string)),
                        "not_found": .array(notFound.map(JSONValue.string)),
                        "count": .int(Int64(succeeded.count)),
                    ]
                ])
        }
    }

    // MARK: Lookup

    private enum Located {
        case found(Int)
        case missing(HTTPResponse)
    }

    /// The export `reference` names in the caller's organization, or the 404 to send
    /// (another organization's export or dataset is as unknown as a missing one).
    private func locate(_ reference: ExportReference, _ caller: Caller, in state: State) -> Located {
        switch reference {
        case .id(let id):
            guard let index = state.exports.firstIndex(where: { $0.id == id && $0.organization == caller.organization })
            else { return .missing(Self.error(404, "not_found", "Export '\(id)' not found")) }
            return .found(index)
        case .name(let datasetName, let name):
            guard
                let dataset = state.datasets.first(where: {
                    $0.name == datasetName && $0.organization == caller.organization
                })
            else { return .missing(Self.error(404, "not_found", "Dataset '\(datasetName)' not found")) }
            guard let index = state.exports.firstIndex(where: { $0.datasetID == dataset.id && $0.request.name == name })
            else {
                return .missing(Self.error(404, "not_found", "Export '\(name)' not found in dataset '\(datasetName)'"))
            }
            return .found(index)
        }
    }

    // MARK: Errors

    static let deleteForbidden = error(403, "forbidden", "Deleting exports requires the admin or owner role.")

    private func methodNotAllowed(allow: String) -> HTTPResponse {
        var response = Self.error(405, "method_not_allowed", "Method Not Allowed")
        response.headers["Allow"] = allow
        return response
    }
}
