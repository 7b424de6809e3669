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
            return Self.error(401, "unauthorized", key.isEmpty ? "Missing API key: send it in the X-API-Key header." : "Invalid API key.")
        }
        // Split the raw path first, then decode each segment, so `%2F` stays inside a name.
        guard let segments = request.pathSegments(after: exportsPath) else { return Self.error(404, "not_found", "Not Found") }
        if request.method == .post, let idempotencyKey = request.headers["Idempotency-Key"], !idempotencyKey.isEmpty {
            return idempotent(request, caller: caller, idempotencyKey: idempotencyKey) { route(request, segments, caller) }
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

    /// The last value of query parameter `name`, form-decoded (`+` is a space).
    func formValue(_ request: SimulatedRequest, _ name: String) -> String? {
        guard let query = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.percentEncodedQuery else { return nil }
        func decode(_ text: Substring) -> String {
            let spaced = text.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
        var value: String?
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if decode(parts[0]) == name { value = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return value
    }

    // MARK: Idempotency

    /// Runs `handle` once per `(API key, Idempotency-Key)` within ``idempotencyWindow`` and
    /// replays its status and body, byte for byte, for every repeat. A repeat with another
    /// path or body is refused with 422; one that arrives while the first is still being
    /// handled gets 409. 5xx answers are not stored, so a retry runs again.
    private func idempotent(
        _ request: SimulatedRequest, caller: Caller, idempotencyKey: String, handle: () -> HTTPResponse
    ) -> HTTPResponse {
        enum Found { case fresh, replay(HTTPResponse), mismatch, busy }
        let id = IdempotencyKey(apiKey: caller.key, key: idempotencyKey)
        let body = request.json.map { String(decoding: $0.serialized(), as: UTF8.self) } ?? request.body.base64EncodedString()
        let fingerprint = request.rawPath + "\n" + body
        let found: Found = state.withLock { state in
            let now = host.time.now
            state.idempotency = state.idempotency.filter { $0.value.expiresAt > now }
            guard let stored = state.idempotency[id] else {
                state.idempotency[id] = StoredResponse(
                    fingerprint: fingerprint, expiresAt: now.addingTimeInterval(idempotencyWindow), response: nil)
                return .fresh
            }
            guard stored.fingerprint == fingerprint else { return .mismatch }
            return stored.response.map(Found.replay) ?? .busy
        }
        switch found {
        case .replay(var response):
            response.headers["Idempotent-Replayed"] = "true"
            return response
        case .mismatch:
            return Self.validation([Self.fieldError(
                ["header", "Idempotency-Key"],
                "Idempotency-Key was already used with a different request", "idempotency_key_reused")])
        case .busy:
            return Self.error(409, "conflict", "A request with this Idempotency-Key is still being processed.")
        case .fresh:
            let response = handle()
            state.withLock { state in
                if response.status >= 500 {
                    state.idempotency[id] = nil
                } else {
                    state.idempotency[id]?.response = response
                }
            }
            return response
        }
    }

    // MARK: Exports

    private func listExports(_ request: SimulatedRequest, _ caller: Caller) -> HTTPResponse {
        var errors: [JSONValue] = []
        let limit = integer(request, "limit", default: Self.defaultPageSize, range: 1...Self.maxPageSize, errors: &errors)
        let offset = integer(request, "offset", default: 0, range: 0...Int.max, errors: &errors)
        let datasetName = formValue(request, "dataset_name") ?? formValue(request, "dataset")
        let status = formValue(request, "status")
        if let status, !Self.statuses.contains(status) {
            errors.append(Self.fieldError(["query", "status"], "Input should be \(Self.choices(Self.statuses))", "enum"))
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
            return state.listing.bareArray ? .json(200, data) : .json(200, ["data": data, "pagination": .object(pagination)])
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
            guard let dataset = state.datasets.first(where: { $0.name == datasetName && $0.organization == caller.organization })
            else { return Self.error(404, "not_found", "Dataset '\(datasetName)' not found") }
            guard !dataset.coldStorage else {
                return Self.error(
                    409, "conflict",
                    "Dataset '\(datasetName)' is in cold storage: uploads, exports, and auto-annotation are paused until it is restored.")
            }
            guard !state.exports.contains(where: { $0.datasetID == dataset.id && $0.name == create.name }) else {
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
                    409, "conflict", "Export '\(record.name)' is not ready for download (status: \(record.status))",
                    details: ["status": .string(record.status)])
            }
            return .json(200, [
                "data": [
                    "download_url": .string(link.url.absoluteString),
                    "expires_at": .string(ISO8601.string(from: link.expiresAt)),
                    "file_size": record.fileSize.map { .int(Int64($0)) } ?? .null,
                ],
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
        var ids: [String] = []
        if let object = bodyObject(request.body, errors: &errors) {
            var reader = BodyReader(object: object)
            ids = reader.stringList("export_ids", required: true) ?? []
            errors = reader.errors
            if errors.isEmpty && ids.isEmpty {
                errors.append(Self.fieldError(["body", "export_ids"], "List should have at least 1 item after validation, not 0", "too_short"))
            }
        }
        guard errors.isEmpty else { return Self.validation(errors) }
        var seen = Set<String>()
        let unique = ids.filter { seen.insert($0).inserted }
        return state.withLock { state in
            var succeeded: [String] = []
            var notFound: [String] = []
            for id in unique {
                if let index = state.exports.firstIndex(where: { $0.id == id && $0.organization == caller.organization }) {
                    let record = state.exports.remove(at: index)
                    if let object = record.resultObject { host.storage.remove(object) }
                    succeeded.append(id)
                } else {
                    notFound.append(id)
                }
            }
            return .json(200, [
                "data": [
                    "succeeded": .array(succeeded.map(JSONValue.string)), "not_found": .array(notFound.map(JSONValue.string)),
                    "count": .int(Int64(succeeded.count)),
                ],
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
            guard let dataset = state.datasets.first(where: { $0.name == datasetName && $0.organization == caller.organization })
            else { return .missing(Self.error(404, "not_found", "Dataset '\(datasetName)' not found")) }
            guard let index = state.exports.firstIndex(where: { $0.datasetID == dataset.id && $0.name == name }) else {
                return .missing(Self.error(404, "not_found", "Export '\(name)' not found in dataset '\(datasetName)'"))
            }
            return .found(index)
        }
    }

    // MARK: Validation

    /// The create body's dataset name and settings, or `nil` with `errors` filled in.
    private func parseCreate(_ body: Data, errors: inout [JSONValue]) -> (String, CreateRequest)? {
        guard let object = bodyObject(body, errors: &errors) else { return nil }
        var reader = BodyReader(object: object)
        let datasetName = reader.string("dataset_name", required: true)
        let name = reader.string("name", required: true)
        if let name {
            let length = name.unicodeScalars.count  // as Python's len() counts
            if length < 1 {
                reader.fail("name", "String should have at least 1 character", "string_too_short")
            } else if length > 100 {
                reader.fail("name", "String should have at most 100 characters", "string_too_long")
            }
        }
        var format = "pictograph"
        if let value = object["format"] {
            if let word = value.stringValue, Self.formats.contains(word) {
                format = word
            } else {
                reader.fail("format", "Input should be \(Self.choices(Self.formats))", "enum")
            }
        }
        let includeImages = reader.bool("include_images")
        let classFilter = reader.stringList("class_filter", required: false)
        let statusFilter = reader.string("status_filter", required: false)
        let organizeBySplit = reader.bool("organize_by_split", nullable: true)
        errors = reader.errors
        guard errors.isEmpty, let datasetName, let name else { return nil }
        return (datasetName, CreateRequest(
            name: name, format: format, includeImages: includeImages, classFilter: classFilter,
            statusFilter: statusFilter, organizeBySplit: organizeBySplit))
    }

    /// The body as a JSON object, or `nil` with the FastAPI error for a missing, malformed
    /// or non-object body.
    private func bodyObject(_ body: Data, errors: inout [JSONValue]) -> [String: JSONValue]? {
        guard !body.isEmpty else {
            errors.append(Self.fieldError(["body"], "Field required", "missing"))
            return nil
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            let offset = (error as? JSONParseError)?.offset ?? 0
            errors.append(Self.fieldError(["body", .int(Int64(offset))], "JSON decode error", "json_invalid"))
            return nil
        }
        guard let object = json.objectValue else {
            errors.append(Self.fieldError(
                ["body"], "Input should be a valid dictionary or object to extract fields from", "model_attributes_type"))
            return nil
        }
        return object
    }

    /// An integer query parameter within `range`, or its default; a FastAPI error otherwise.
    private func integer(
        _ request: SimulatedRequest, _ name: String, default fallback: Int, range: ClosedRange<Int>, errors: inout [JSONValue]
    ) -> Int {
        guard let text = formValue(request, name) else { return fallback }
        guard let value = Int(text) else {
            errors.append(Self.fieldError(["query", .string(name)], "Input should be a valid integer, unable to parse string as an integer", "int_parsing"))
            return fallback
        }
        if value < range.lowerBound {
            errors.append(Self.fieldError(["query", .string(name)], "Input should be greater than or equal to \(range.lowerBound)", "greater_than_equal"))
        } else if value > range.upperBound {
            errors.append(Self.fieldError(["query", .string(name)], "Input should be less than or equal to \(range.upperBound)", "less_than_equal"))
        }
        return value
    }

    /// Pydantic's wording for an enum: `'a', 'b' or 'c'`.
    static func choices(_ words: [String]) -> String {
        let quoted = words.map { "'\($0)'" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }

    // MARK: Errors

    static let deleteForbidden = error(403, "forbidden", "Deleting exports requires the admin or owner role.")

    private func methodNotAllowed(allow: String) -> HTTPResponse {
        var response = Self.error(405, "method_not_allowed", "Method Not Allowed")
        response.headers["Allow"] = allow
        return response
    }
}

/// Reads a JSON body's fields the way Pydantic validates a model, collecting every error.
private struct BodyReader {
    let object: [String: JSONValue]
    var errors: [JSONValue] = []

    mutating func fail(_ field: String, _ message: String, _ type: String, index: Int? = nil) {
        var loc: [JSONValue] = ["body", .string(field)]
        if let index { loc.append(.int(Int64(index))) }
        errors.append(PictographSimulator.fieldError(loc, message, type))
    }

    /// A string field; `null` is allowed only when the field is optional.
    mutating func string(_ field: String, required: Bool) -> String? {
        switch object[field] {
        case nil:
            if required { fail(field, "Field required", "missing") }
            return nil
        case .null where !required:
            return nil
        case .string(let text)?:
            return text
        default:
            fail(field, "Input should be a valid string", "string_type")
            return nil
        }
    }

    /// A Boolean field that defaults to `false` when absent (and when `null`, if `nullable`).
    mutating func bool(_ field: String, nullable: Bool = false) -> Bool {
        switch object[field] {
        case nil: return false
        case .null where nullable: return false
        case .bool(let flag)?: return flag
        default:
            fail(field, "Input should be a valid boolean", "bool_type")
            return false
        }
    }

    /// A list of strings; `null` or absent is `nil` unless `required`.
    mutating func stringList(_ field: String, required: Bool) -> [String]? {
        switch object[field] {
        case nil:
            if required { fail(field, "Field required", "missing") }
            return nil
        case .null where !required:
            return nil
        case .array(let elements)?:
            var strings: [String] = []
            for (index, element) in elements.enumerated() {
                if let text = element.stringValue {
                    strings.append(text)
                } else {
                    fail(field, "Input should be a valid string", "string_type", index: index)
                }
            }
            return strings
        default:
            fail(field, "Input should be a valid list", "list_type")
            return nil
        }
    }
}
