import ExportGateway
import Foundation

extension AvalaSimulator {
    static let defaultPageSize = 20
    static let maxPageSize = 1000

    /// Answers one API request the way Avala does: auth first, then routing, then lookup,
    /// then permission; `X-RateLimit-*` headers on every answer.
    func respond(to request: SimulatedRequest) -> HTTPResponse {
        var response = route(request)
        response.headers["X-RateLimit-Limit"] = "1000"
        response.headers["X-RateLimit-Remaining"] = "999"
        response.headers["X-RateLimit-Reset"] = String(Int(host.time.now.timeIntervalSince1970) + 60)
        return response
    }

    private func route(_ request: SimulatedRequest) -> HTTPResponse {
        let key = request.headers["X-Avala-Api-Key"] ?? ""
        guard !key.isEmpty, key == apiKey || key == restrictedAPIKey else {
            return detail(401, "Invalid API key.")
        }
        guard let path = request.pathSegments(after: host.apiBaseURL.path), request.rawPath.hasSuffix("/") else {
            return notFound
        }
        let restricted = key == restrictedAPIKey
        switch (path.first, path.count) {
        case ("exports", 1):
            switch request.method {
            case .get: return listExports(request, key: key)
            case .post: return createExport(request, key: key)
            default: return methodNotAllowed(request)
            }
        case ("exports", 2):
            guard request.method == .get else { return methodNotAllowed(request) }
            return readExport(path[1], key: key)
        case ("datasets", _):
            guard request.method == .get else { return methodNotAllowed(request) }
            return datasetRoute(Array(path.dropFirst()), request, restricted: restricted)
        case ("users", _) where path.count >= 3 && path[1] == "me" && path[2] == "projects":
            guard request.method == .get else { return methodNotAllowed(request) }
            return projectRoute(Array(path.dropFirst(3)), request, restricted: restricted)
        default:
            return notFound
        }
    }

    // MARK: Exports

    private func listExports(_ request: SimulatedRequest, key: String) -> HTTPResponse {
        guard let limit = pageLimit(request), let position = cursorPosition(request) else { return invalidCursor }
        return state.withLock { state in
            // Newest first; the cursor holds the sequence number the next page starts below,
            // so exports created while a client pages do not shift or repeat rows.
            let visible = state.exports.reversed().filter { $0.ownerKey == key && $0.sequence < (position ?? .max) }
            let page = visible.prefix(limit)
            let next =
                visible.count > limit ? page.last.map { cursorURL(request, position: $0.sequence, limit: limit) } : nil
            return .json(
                200,
                [
                    "next": next.map(JSONValue.string) ?? .null, "previous": .null,
                    "results": .array(page.map { json(of: $0) }),
                ])
        }
    }

    private func readExport(_ uid: String, key: String) -> HTTPResponse {
        state.withLock { state in
            guard let index = state.exports.firstIndex(where: { $0.uid == uid && $0.ownerKey == key }) else {
                return notFound
            }
            var record = state.exports[index]
            advance(&record, in: state)
            state.exports[index] = record
            return .json(200, json(of: record))
        }
    }

    /// Accepts the SDK's `{"project"|"dataset": uid}` and the REST page's full shape.
    private func createExport(_ request: SimulatedRequest, key: String) -> HTTPResponse {
        guard let body = request.json?.objectValue else {
            return detail(400, "JSON parse error - Expecting value: line 1 column 1 (char 0)")
        }
        let restShape = ["name", "format", "datasets", "projects", "slices"].contains { body[$0] != nil }
        return state.withLock { state in
            var errors: [String: [String]] = [:]
            var datasets: [String] = []
            var projects: [String] = []
            var name: String?
            var format: String?
            var slices: [JSONValue] = []
            var filter: String?
            func checkUIDs(_ field: String, _ value: JSONValue?, known: (String) -> Bool) -> [String] {
                guard let array = value?.arrayValue else {
                    errors[field] =
                        value == nil
                        ? ["This field is required."]
                        : ["Expected a list of items but got type \"\(value!.pythonTypeName)\"."]
                    return []
                }
                let uids = array.compactMap(\.stringValue)
                if let bad = uids.first(where: { !known($0) }) ?? (uids.count < array.count ? "\(array)" : nil) {
                    errors[field] = ["Invalid pk \"\(bad)\" - object does not exist."]
                }
                return uids
            }
            let datasetUIDs = Set(state.datasets.map(\.uid)), projectUIDs = Set(state.projects.map(\.uid))
            let isDataset = { (uid: String) in datasetUIDs.contains(uid) }
            let isProject = { (uid: String) in projectUIDs.contains(uid) }
            if restShape {
                switch body["name"] {
                case nil: errors["name"] = ["This field is required."]
                case .string(let text) where text.isEmpty: errors["name"] = ["This field may not be blank."]
                case .string(let text) where text.count > 255:
                    errors["name"] = ["Ensure this field has no more than 255 characters."]
                case .string(let text): name = text
                default: errors["name"] = ["Not a valid string."]
                }
                switch body["format"] {
                case nil: errors["format"] = ["This field is required."]
                case .string(let text) where ["avala-json-external", "YOLO"].contains(text): format = text
                case let value?: errors["format"] = ["\"\(value.stringValue ?? "\(value)")\" is not a valid choice."]
                }
                datasets = checkUIDs("datasets", body["datasets"], known: isDataset)
                projects = checkUIDs("projects", body["projects"], known: isProject)
                if let value = body["slices"], let array = value.arrayValue {
                    slices = array
                } else {
                    errors["slices"] =
                        body["slices"] == nil ? ["This field is required."] : ["Expected a list of items."]
                }
                filter = body["filter_query_string"]?.stringValue
            } else {
                if let value = body["dataset"] {
                    if let uid = value.stringValue, isDataset(uid) {
                        datasets = [uid]
                    } else {
                        errors["dataset"] = [
                            "Invalid pk \"\(value.stringValue ?? "\(value)")\" - object does not exist."
                        ]
                    }
                }
                if let value = body["project"] {
                    if let uid = value.stringValue, isProject(uid) {
                        projects = [uid]
                    } else {
                        errors["project"] = [
                            "Invalid pk \"\(value.stringValue ?? "\(value)")\" - object does not exist."
                        ]
                    }
                }
            }
            guard errors.isEmpty else {
                return .json(400, .object(errors.mapValues { .array($0.map(JSONValue.string)) }))
            }
            if key == restrictedAPIKey && !(datasets.isEmpty && projects.isEmpty) {
                return detail(403, "You do not have permission to perform this action.")
            }
            let record = makeExport(
                in: &state, name: name, format: format, datasets: datasets, projects: projects, slices: slices,
                filterQueryString: filter, ownerKey: key)
            return .json(201, json(of: record))
        }
    }

    // MARK: Datasets, items, sequences

    private func datasetRoute(_ path: [String], _ request: SimulatedRequest, restricted: Bool) -> HTTPResponse {
        let datasets = state.withLock { $0.datasets }
        if path.isEmpty {
            let visible = restricted ? [] : datasets
            return offsetPage(request, count: visible.count) { datasetJSON(visible[$0]) }
        }
        if path.count == 1 {
            guard let dataset = datasets.first(where: { $0.uid == path[0] }) else { return notFound }
            return restricted ? forbidden : .json(200, datasetJSON(dataset))
        }
        guard let dataset = datasets.first(where: { $0.owner == path[0] && $0.slug == path[1] }) else {
            return notFound
        }
        let rest = Array(path.dropFirst(2))
        switch (rest.first, rest.count) {
        case (nil, _):
            return restricted ? forbidden : .json(200, datasetJSON(dataset))
        case ("items", 1):
            return restricted
                ? forbidden
                : offsetPage(request, count: dataset.itemCount, cachedAs: "items of \(dataset.number)") {
                    AvalaFixtures.item($0, of: dataset)
                }
        case ("items", 2):
            guard let index = index(of: rest[1], namespace: Namespace.items(of: dataset), count: dataset.itemCount)
            else { return notFound }
            return restricted ? forbidden : .json(200, AvalaFixtures.item(index, of: dataset))
        case ("sequences", 1):
            return restricted
                ? forbidden
                : offsetPage(request, count: dataset.sequenceCount) {
                    AvalaFixtures.sequence($0, of: dataset, detail: false)
                }
        case ("sequences", 2):
            guard
                let index = index(
                    of: rest[1], namespace: Namespace.sequences(of: dataset), count: dataset.sequenceCount)
            else {
                return notFound
            }
            return restricted ? forbidden : .json(200, AvalaFixtures.sequence(index, of: dataset, detail: true))
        default:
            return notFound
        }
    }

    private func projectRoute(_ path: [String], _ request: SimulatedRequest, restricted: Bool) -> HTTPResponse {
        let projects = restricted ? [] : state.withLock { $0.projects }
        func json(_ project: Project) -> JSONValue {
            [
                "uid": .string(project.uid), "name": .string(project.name), "status": "active",
                "created_at": .string(ISO8601.string(from: project.createdAt)),
                "updated_at": .string(ISO8601.string(from: project.createdAt)),
            ]
        }
        switch path.count {
        case 0: return offsetPage(request, count: projects.count) { json(projects[$0]) }
        case 1: return projects.first { $0.uid == path[0] }.map { .json(200, json($0)) } ?? notFound
        default: return notFound
        }
    }

    private func datasetJSON(_ dataset: Dataset) -> JSONValue {
        [
            "uid": .string(dataset.uid), "name": .string(dataset.name), "slug": .string(dataset.slug),
            "owner_name": .string(dataset.owner), "item_count": .int(Int64(dataset.itemCount)),
            "status": "created", "data_type": .string(dataset.sequenceCount > 0 ? "lidar" : "image"),
            "is_sequence": .bool(dataset.sequenceCount > 0), "predefined_labels": .null,
            "created_at": .string(ISO8601.string(from: dataset.createdAt)),
            "updated_at": .string(ISO8601.string(from: dataset.createdAt)),
        ]
    }

    private func index(of uid: String, namespace: UInt32, count: Int) -> Int? {
        guard let parsed = SimulatedID.parse(uid), parsed.namespace == namespace, parsed.index < count else {
            return nil
        }
        return parsed.index
    }

    // MARK: Paging

    /// A cursor page over `count` rows whose cursor is the offset of the page's first row.
    ///
    /// With `cachedAs` (rows fixed once seeded, such as a dataset's items), the page's rows are
    /// encoded once and kept in ``pageBodies`` under that name and the page's bounds: reading
    /// a dataset again costs only the envelope (the cursor URLs follow each request's own).
    private func offsetPage(
        _ request: SimulatedRequest, count: Int, cachedAs name: String? = nil, row: (Int) -> JSONValue
    ) -> HTTPResponse {
        guard let limit = pageLimit(request), let position = cursorPosition(request) else { return invalidCursor }
        let start = min(position ?? 0, count)
        let end = min(start + limit, count)
        let next = end < count ? cursorURL(request, position: end, limit: limit) : nil
        let previous = start > 0 ? cursorURL(request, position: max(0, start - limit), limit: limit) : nil
        var envelope: [String: JSONValue] = [
            "next": next.map(JSONValue.string) ?? .null, "previous": previous.map(JSONValue.string) ?? .null,
        ]
        guard let name else {
            envelope["results"] = .array((start..<end).map(row))
            return .json(200, .object(envelope))
        }
        let results = pageBodies.body(for: "\(name) \(start)..<\(end)") {
            JSONValue.array((start..<end).map(row)).serialized()
        }
        // "results" sorts last, so the envelope ends `[]}`: the rows go in its place.
        envelope["results"] = []
        var page = HTTPResponse.json(200, .object(envelope))
        page.body.removeLast(3)
        page.body.append(results)
        page.body.append(UInt8(ascii: "}"))
        return page
    }

    /// The `limit` in effect: the request's when it is a positive integer, clamped.
    private func pageLimit(_ request: SimulatedRequest) -> Int? {
        guard let text = request.query("limit"), let limit = Int(text), limit > 0 else { return Self.defaultPageSize }
        return min(limit, Self.maxPageSize)
    }

    /// `.some(nil)` without a cursor, `.some(position)` for a valid one, `nil` for garbage.
    private func cursorPosition(_ request: SimulatedRequest) -> Int?? {
        guard let token = request.query("cursor") else { return .some(nil) }
        guard let position = CursorToken.decode(token) else { return nil }
        return .some(position)
    }

    /// The absolute URL of the page at `position`: same path, other query items kept,
    /// the cursor percent-encoded (it contains `+`, `/` and `=`).
    private func cursorURL(_ request: SimulatedRequest, position: Int, limit: Int) -> String {
        var components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)!
        var items = (components.queryItems ?? []).filter { $0.name != "cursor" && $0.name != "limit" }
        items.append(URLQueryItem(name: "cursor", value: CursorToken.encode(position: position)))
        items.append(URLQueryItem(name: "limit", value: String(limit)))
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        components.percentEncodedQuery = items.map {
            "\($0.name)=\($0.value?.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        return components.url!.absoluteString
    }

    // MARK: Errors (Django REST Framework shapes)

    private func detail(_ status: Int, _ message: String) -> HTTPResponse {
        .json(status, ["detail": .string(message)])
    }
    private var notFound: HTTPResponse { detail(404, "Not found.") }
    private var forbidden: HTTPResponse { detail(403, "You do not have permission to perform this action.") }
    private var invalidCursor: HTTPResponse { detail(404, "Invalid cursor") }
    private func methodNotAllowed(_ request: SimulatedRequest) -> HTTPResponse {
        detail(405, "Method \"\(request.method.rawValue)\" not allowed.")
    }
}
