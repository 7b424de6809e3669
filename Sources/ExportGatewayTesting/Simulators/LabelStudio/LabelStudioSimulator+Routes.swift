import ExportGateway
import Foundation

extension LabelStudioSimulator {
    /// Every route the simulator serves. Django defines most with a trailing slash; those
    /// answer both forms (the append-slash middleware retries a 404 with the slash added). A
    /// few are defined without one: they answer only without it, and any 404 of theirs comes
    /// out as the HTML page, because the retry with a slash finds no route.
    enum Route: Equatable {
        case health, version
        case projects, project(Int), projectTasks(Int), exports(Int)
        case tasks, task(Int)
        case token, tokenRefresh, tokenRotate, tokenBlacklist
        case export(Int, Int), download(Int, Int), convert(Int, Int), formats(Int), syncExport(Int), jwtSettings

        /// The routes matching `segments` with a trailing slash or without.
        init?(slashed segments: [String]) {
            switch segments.count {
            case 1 where segments[0] == "health": self = .health
            case 2 where segments == ["api", "version"]: self = .version
            case 2 where segments == ["api", "projects"]: self = .projects
            case 2 where segments == ["api", "tasks"]: self = .tasks
            case 2 where segments == ["api", "token"]: self = .token
            case 3 where segments[0...1] == ["api", "token"]:
                switch segments[2] {
                case "refresh": self = .tokenRefresh
                case "rotate": self = .tokenRotate
                case "blacklist": self = .tokenBlacklist
                default: return nil
                }
            case 3 where segments[0...1] == ["api", "projects"]:
                guard let id = Self.number(segments[2]) else { return nil }
                self = .project(id)
            case 3 where segments[0...1] == ["api", "tasks"]:
                guard let id = Self.number(segments[2]) else { return nil }
                self = .task(id)
            case 4 where segments[0...1] == ["api", "projects"] && segments[3] == "exports":
                guard let id = Self.number(segments[2]) else { return nil }
                self = .exports(id)
            case 4 where segments[0...1] == ["api", "projects"] && segments[3] == "tasks":
                guard let id = Self.number(segments[2]) else { return nil }
                self = .projectTasks(id)
            default: return nil
            }
        }

        /// The routes matching `segments` only without a trailing slash.
        init?(slashless segments: [String]) {
            if segments == ["api", "jwt", "settings"] {
                self = .jwtSettings
                return
            }
            guard segments.count >= 4, segments[0...1] == ["api", "projects"], let project = Self.number(segments[2])
            else { return nil }
            switch Array(segments[3...]) {
            case ["export"]: self = .syncExport(project)
            case ["export", "formats"]: self = .formats(project)
            case let rest where rest.count >= 2 && rest[0] == "exports":
                guard let export = Self.number(rest[1]) else { return nil }
                switch rest.count == 2 ? nil : rest[2...] {
                case nil: self = .export(project, export)
                case ["download"]?: self = .download(project, export)
                case ["convert"]?: self = .convert(project, export)
                default: return nil
                }
            default: return nil
            }
        }

        /// Django's `<int:…>`: ASCII digits only. A number too large for any row is no row.
        private static func number(_ text: String) -> Int? {
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else { return nil }
            return Int(text) ?? Int.max
        }

        var isSlashless: Bool {
            switch self {
            case .export, .download, .convert, .formats, .syncExport, .jwtSettings: true
            default: false
            }
        }

        /// Whether Django REST Framework serves it (authentication, `Allow`, the envelope).
        var isDRF: Bool { self != .health && self != .version }

        /// Whether it answers without a credential.
        var isOpen: Bool {
            switch self {
            case .health, .version, .tokenRefresh, .tokenBlacklist: true
            default: false
            }
        }

        /// The methods the view has (`HEAD` wherever `GET` is), as `Allow` lists them.
        var methods: [String] {
            switch self {
            case .health, .version, .download, .formats, .syncExport: ["GET", "HEAD", "OPTIONS"]
            case .project, .task: ["GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
            case .projectTasks: ["GET", "POST", "DELETE", "HEAD", "OPTIONS"]
            case .projects, .exports, .tasks, .token, .jwtSettings: ["GET", "POST", "HEAD", "OPTIONS"]
            case .tokenRefresh, .tokenRotate, .tokenBlacklist, .convert: ["POST", "OPTIONS"]
            case .export: ["GET", "DELETE", "HEAD", "OPTIONS"]
            }
        }

        /// The methods of ``methods`` the simulator carries out. The others (editing or
        /// deleting projects and tasks, creating tasks) find their object first, as the real
        /// views do, and answer its 404; on an object that exists they answer 405.
        var servedMethods: [String] {
            switch self {
            case .project, .task, .projectTasks, .tasks: ["GET", "HEAD", "OPTIONS"]
            default: methods
            }
        }
    }

    /// What authenticating a request came to.
    enum Authentication {
        case user(User)
        case refused(HTTPResponse)
    }

    /// Answers one request the way Label Studio's Django stack does: route (with the slash
    /// rules), authenticate, check the method, then the view; a session cookie on every
    /// answer below 500 and Django's security headers on all; `HEAD` as `GET` without the body.
    func respond(to request: SimulatedRequest) -> (HTTPResponse, ResponseDelivery) {
        var (response, delivery) = dispatch(request)
        let session = state.withLock { state in
            state.sessionsIssued += 1
            return state.sessionsIssued
        }
        var generator = SplitMix64(seed: UInt64(session) &* 0x5E55)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let cookie = String((0..<32).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        // Django's session middleware saves the session (and sets its cookie) only below 500.
        if response.status < 500 {
            let expires = Self.httpDate(host.time.now.addingTimeInterval(1_209_600))
            response.headers["Set-Cookie"] =
                "sessionid=\(cookie); expires=\(expires); HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"
        }
        response.headers["Vary"] = "Accept-Language, Cookie, origin"
        response.headers["Content-Language"] = "en-us"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Content-Security-Policy-Report-Only"] = Self.contentSecurityPolicy
        response.headers["Server"] = "WSGIServer/0.2 CPython/3.11.7"
        if request.method == .head {
            // A HEAD answer announces the length of the body it leaves out, unless that body
            // would have been delimited by the connection's close.
            if !ResponseHead.isCloseDelimited(response) {
                response.headers["Content-Length"] = String(response.body.count)
            }
            response.body = Data()
        }
        return (response, delivery)
    }

    /// The report-only policy 1.23.2 sends with every answer.
    static let contentSecurityPolicy =
        "img-src 'self' 'report-sample' data: https://*.google-analytics.com https://*.googletagmanager.com "
        + "https://*.google.com; script-src 'self' 'report-sample' 'unsafe-inline' blob: browser.sentry-cdn.com "
        + "https://*.googletagmanager.com; default-src 'self' 'report-sample'; connect-src 'self' 'report-sample' "
        + "https://*.google-analytics.com https://*.analytics.google.com https://analytics.google.com "
        + "https://*.googletagmanager.com https://*.g.doubleclick.net https://*.ingest.sentry.io; "
        + "style-src 'self' 'report-sample' 'unsafe-inline'"

    /// `date` as a cookie's `expires` (`Wed, 16 Dec 2026 14:05:55 GMT`).
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    private func dispatch(_ request: SimulatedRequest) -> (HTTPResponse, ResponseDelivery) {
        let raw = request.rawPath
        let base = host.apiBaseURL.path.hasSuffix("/") ? String(host.apiBaseURL.path.dropLast()) : host.apiBaseURL.path
        guard !raw.contains("//"), let segments = request.pathSegments(after: base) else {
            return (Self.htmlNotFound, .whole)
        }
        let slashed = raw.hasSuffix("/") && segments.count > 0
        guard let route = Route(slashed: segments) ?? (slashed ? nil : Route(slashless: segments)) else {
            return (Self.htmlNotFound, .whole)
        }
        var (response, delivery) = handle(route, request)
        if route.isDRF { response.headers["Allow"] = route.methods.joined(separator: ", ") }
        if route.isSlashless && response.status == 404 { return (Self.htmlNotFound, .whole) }
        return (response, delivery)
    }

    private func handle(_ route: Route, _ request: SimulatedRequest) -> (HTTPResponse, ResponseDelivery) {
        var caller: User?
        if !route.isOpen {
            switch authenticate(request) {
            case .user(let user): caller = user
            case .refused(let answer): return (answer, .whole)
            }
        }
        let method = request.method == .head ? "GET" : request.method.rawValue
        if method == "OPTIONS" {
            return (
                Self.drf(
                    200,
                    [
                        "name": "Label Studio API", "description": "",
                        "renders": ["application/json", "text/html"],
                        "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
                    ]), .whole
            )
        }
        let notAllowed = Self.envelope(405, "Method \"\(request.method.rawValue)\" not allowed.")
        guard route.methods.contains(method) else { return (notAllowed, .whole) }
        guard route.servedMethods.contains(method) else {
            return (unservedMethod(route) ?? notAllowed, .whole)
        }
        // Every route but the open ones has a caller here.
        let user = caller ?? User(id: 0, email: "", removed: true)
        switch route {
        case .health:
            return (.text(200, "{\"status\": \"UP\"}", contentType: "text/html; charset=utf-8"), .whole)
        case .version:
            return (versionInfo, .whole)
        case .projects:
            return (method == "GET" ? listProjects(request) : createProject(request), .whole)
        case .project(let id):
            return (readProject(id, user: user), .whole)
        case .projectTasks(let id):
            return (projectTasks(id, request, user: user), .whole)
        case .exports(let project):
            return method == "GET" ? (listExports(project), .whole) : createExport(project, request, user: user)
        case .export(let project, let export):
            return (
                method == "GET" ? readExport(project, export, user: user) : deleteExport(project, export, user: user),
                .whole
            )
        case .download(let project, let export):
            return (download(project, export, request, user: user), .whole)
        case .convert(let project, let export):
            return (convert(project, export, request), .whole)
        case .formats(let project):
            return (formats(project, user: user), .whole)
        case .syncExport(let project):
            return (synchronousExport(project, request, user: user), .whole)
        case .tasks:
            return (listTasks(request, user: user), .whole)
        case .task(let id):
            return (readTask(id, user: user), .whole)
        case .token:
            return (method == "GET" ? listTokens(user: user) : createToken(user: user), .whole)
        case .tokenRefresh:
            return (refreshRoute(request), .whole)
        case .tokenRotate:
            return (rotateToken(request), .whole)
        case .tokenBlacklist:
            return (blacklistToken(request), .whole)
        case .jwtSettings:
            return (jwtSettings(request, method: method, user: user), .whole)
        }
    }

    /// The 404 a method the simulator does not carry out gets before its view would act:
    /// the object it names does not exist; `nil` when it does.
    private func unservedMethod(_ route: Route) -> HTTPResponse? {
        switch route {
        case .project(let id), .projectTasks(let id):
            return state.withLock { $0.project(id) } == nil ? Self.envelope(404, Self.noProject) : nil
        case .task(let id):
            let known = state.withLock { state in state.projects.contains { $0.taskIDs.contains(id) } }
            return known ? nil : Self.envelope(404, "No Task matches the given query.")
        default:
            return nil
        }
    }

    /// `/api/version` as 1.23.2 answers it: Python's `json.dumps` text (`", "`, `": "`), not
    /// Django REST Framework's compact one, with the build's commits.
    private var versionInfo: HTTPResponse {
        let build: OrderedJSON = [
            "message": "fix: PLT-1331: Block SSRF in export media downloads", "commit": "df96d7",
            "date": "2026-09-25T09:13:03.000Z", "branch": "develop",
        ]
        let body: OrderedJSON = [
            "release": .string(Self.release),
            "label-studio-os-package": [
                "version": .string(Self.release), "short_version": "1.23", "latest_version_from_pypi": nil,
                "latest_version_upload_time": nil, "current_version_is_outdated": false,
            ],
            "label-studio-os-backend": [
                "message": "fix: PLT-1331: Block SSRF in export media downloads",
                "commit": "df96d79183156e556d91825d15fa7721f1145e1a", "date": "2026/09/25 23:22:13", "branch": "",
                "version": "1.23.2+0.gdf96d79.dirty",
            ],
            "label-studio-frontend": build, "dm2": build, "label-studio-converter": ["version": "2.1.2"],
            "edition": "Community", "lsf": build, "backend": ["commit": "df96d7"],
        ]
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: body.written(.python))
    }

    // MARK: Request data

    /// The request's body as Django REST Framework parses it: JSON, or a form as an object of
    /// strings; `nil` when there is none. A body it cannot parse is the refusal to answer.
    func requestData(_ request: SimulatedRequest) -> Result<JSONValue?, RequestRefusal> {
        guard !request.body.isEmpty else { return .success(nil) }
        let type = (request.headers["Content-Type"] ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        switch type ?? "" {
        case "application/json":
            // Python's scanner decides what is malformed, and its words say where.
            if let message = PythonJSONSyntax.error(in: String(decoding: request.body, as: UTF8.self)) {
                return .failure(RequestRefusal(Self.envelope(400, "JSON parse error - \(message)")))
            }
            do {
                return .success(try JSONValue(parsing: request.body))
            } catch {
                // Python reads it but the simulator cannot (a number beyond 64 bits).
                return .failure(RequestRefusal(Self.envelope(400, "JSON parse error - \(error)")))
            }
        case "application/x-www-form-urlencoded":
            var fields: [String: JSONValue] = [:]
            for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = Self.formDecode(parts[0]), value = parts.count > 1 ? Self.formDecode(parts[1]) : ""
                fields[name] = .string(value)
            }
            return .success(.object(fields))
        case "multipart/form-data":
            return .success(.object([:]))
        case let other:
            return .failure(RequestRefusal(Self.envelope(415, "Unsupported media type \"\(other)\" in request.")))
        }
    }

    /// The body as the object a serializer needs; a body of another shape is its field error.
    func requestObject(_ request: SimulatedRequest) -> Result<[String: JSONValue], RequestRefusal> {
        switch requestData(request) {
        case .failure(let refusal): return .failure(refusal)
        case .success(nil): return .success([:])
        case .success(.object(let members)?): return .success(members)
        case .success(.null?):
            return .failure(RequestRefusal(Self.validation(["non_field_errors": ["No data provided"]])))
        case .success(let other?):
            return .failure(
                RequestRefusal(
                    Self.validation([
                        "non_field_errors": [
                            .string("Invalid data. Expected a dictionary, but got \(other.pythonTypeName).")
                        ]
                    ])))
        }
    }

    /// A query parameter's values as Django reads them (`+` is a space), in order.
    static func queryValues(_ request: SimulatedRequest, _ name: String) -> [String] {
        guard let query = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.percentEncodedQuery else {
            return []
        }
        return query.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard formDecode(parts[0]) == name else { return nil }
            return parts.count > 1 ? formDecode(parts[1]) : ""
        }
    }

    /// The last value of a query parameter, as Django's `QueryDict.get` gives it.
    static func query(_ request: SimulatedRequest, _ name: String) -> String? {
        queryValues(request, name).last
    }

    private static func formDecode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// A query parameter's pairs, in order, `+` read as a space.
    static func queryPairs(_ request: SimulatedRequest) -> [(String, String)] {
        guard let query = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.percentEncodedQuery else {
            return []
        }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (formDecode(parts[0]), parts.count > 1 ? formDecode(parts[1]) : "")
        }
    }

    /// Python's `urlencode` of `pairs` (`quote_plus`: a space is `+`, all but `A-Za-z0-9_.-~` escaped).
    static func urlencode(_ pairs: [(String, String)]) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~ ")
        func quote(_ text: String) -> String {
            (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(
                of: " ", with: "+")
        }
        return pairs.map { "\(quote($0.0))=\(quote($0.1))" }.joined(separator: "&")
    }

    /// Python's `int(text)`, which every number in a query goes through: surrounding
    /// whitespace, a sign, underscores between digits (`" 7"`, `"+7"`, `"1_0"`); `nil` where
    /// Python raises `ValueError` (`""`, `"1.5"`, `"abc"`). A number beyond 64 bits is clamped.
    static func pythonInt(_ text: String) -> Int? {
        var digits = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard let first = digits.first, let last = digits.last, first != "_", last != "_", !digits.contains("__"),
            digits.allSatisfy({ $0 == "_" || ("0"..."9").contains($0) })
        else { return nil }
        let plain = digits.filter { $0 != "_" }
        guard let magnitude = Int(plain) else { return negative ? Int.min : Int.max }
        return negative ? -magnitude : magnitude
    }

    /// Django REST Framework's `BooleanField`: `nil` for a value it refuses.
    static func boolean(_ value: JSONValue) -> Bool? {
        switch value {
        case .bool(let flag): return flag
        case .int(1): return true
        case .int(0): return false
        case .string(let text):
            if ["t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1"].contains(text) {
                return true
            }
            if ["f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0"].contains(
                text)
            {
                return false
            }
            return nil
        default: return nil
        }
    }
}

/// An answer that refuses a request before its view runs (a body that does not parse).
struct RequestRefusal: Error {
    var response: HTTPResponse
    init(_ response: HTTPResponse) { self.response = response }
}
