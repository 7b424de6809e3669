import ExportGateway
import ExportGatewayTesting
import Foundation
import Synchronization
import Testing

/// Raw HTTP against a ``LabelStudioSimulator`` through its in-process transport (or any
/// transport), the way a client of the real server sends it: paths from the server root,
/// `Authorization: Bearer <access token>` by default.
struct LabelStudioClient {
    /// How a request authenticates.
    enum Credential {
        /// A fresh access token for the simulator's owner.
        case bearer
        /// No credential at all.
        case none
        /// `Authorization: <value>`.
        case authorization(String)
        /// Any other header.
        case header(String, String)
    }

    let simulator: LabelStudioSimulator
    var transport: any HTTPTransport
    var baseURL: URL
    private let cache = AccessTokenCache()

    init(_ simulator: LabelStudioSimulator = LabelStudioSimulator()) {
        self.simulator = simulator
        transport = simulator.transport
        baseURL = simulator.apiBaseURL
    }

    /// The owner's access token, refreshed once it has expired on the simulator's clock, as
    /// the official SDK keeps one (and so the request log's list of tokens stays short).
    func accessToken() throws -> String {
        try cache.token(now: simulator.host.time.now) { try #require(simulator.accessToken()) }
    }

    /// Sends `method path` (a path from the server root, query included).
    func send(
        _ method: HTTPMethod = .get, _ path: String, credential: Credential = .bearer, headers: HTTPHeaders = [:],
        json: JSONValue? = nil, body: Data? = nil, contentType: String? = nil
    ) async throws -> HTTPResponse {
        let url = try #require(URL(string: baseURL.absoluteString + path))
        var request = HTTPRequest(method: method, url: url, headers: headers)
        switch credential {
        case .bearer:
            request.headers["Authorization"] = "Bearer \(try accessToken())"
        case .none: break
        case .authorization(let value): request.headers["Authorization"] = value
        case .header(let name, let value): request.headers[name] = value
        }
        if let json {
            request.body = json.serialized()
            request.headers["Content-Type"] = "application/json"
        }
        if let body { request.body = body }
        if let contentType { request.headers["Content-Type"] = contentType }
        return try await transport.send(request)
    }

    /// `GET path`, its body parsed.
    func get(_ path: String, credential: Credential = .bearer) async throws -> JSONValue {
        try Self.json(try await send(.get, path, credential: credential))
    }

    /// Creates an export of `project` and returns the answer's body.
    func createExport(_ project: String, json: JSONValue? = nil) async throws -> JSONValue {
        let response = try await send(.post, "/api/projects/\(project)/exports/", json: json)
        #expect(response.status == 201, "create answered \(response.status): \(response.bodyText ?? "")")
        return try Self.json(response)
    }

    static func json(_ response: HTTPResponse) throws -> JSONValue {
        try JSONValue(parsing: response.body)
    }

    /// Whether `response` is Label Studio's HTML 404 page (three blank lines, then
    /// `<!doctype html>`, as the real template begins).
    static func isHTMLNotFound(_ response: HTTPResponse) -> Bool {
        response.status == 404 && response.headers["Content-Type"] == "text/html; charset=utf-8"
            && response.body.count == 170_734 && (response.bodyText ?? "").hasPrefix("\n\n\n<!doctype html>\n")
            && (response.bodyText ?? "").contains("<title>404 | Label Studio</title>")
    }

    /// Checks `response` is the error envelope with `status` and `detail`.
    static func expectEnvelope(
        _ response: HTTPResponse, _ status: Int, _ detail: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(response.headers["Content-Type"] == "application/json", sourceLocation: sourceLocation)
        let body = try json(response)
        #expect(
            body["detail"]?.stringValue == detail, "detail: \(body["detail"] ?? nil)", sourceLocation: sourceLocation)
        #expect(body["status_code"]?.intValue == Int64(status), sourceLocation: sourceLocation)
        #expect(body["version"] == "1.23.2", sourceLocation: sourceLocation)
        #expect(body["exc_info"] == .null, sourceLocation: sourceLocation)
        let id = try #require(body["id"]?.stringValue, sourceLocation: sourceLocation)
        #expect(UUID(uuidString: id) != nil && id == id.lowercased(), sourceLocation: sourceLocation)
    }
}

/// One cached access token and when it expires.
final class AccessTokenCache: Sendable {
    private let state = Mutex<(token: String, expires: Date)?>(nil)

    func token(now: Date, mint: () throws -> String) throws -> String {
        try state.withLock { cached in
            if let cached, now < cached.expires { return cached.token }
            let token = try mint()
            // The payload's `exp`; a token that does not decode is used once.
            let payload = token.split(separator: ".").dropFirst().first.map(String.init) ?? ""
            var base64 = payload.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while base64.count % 4 != 0 { base64 += "=" }
            let exp = Data(base64Encoded: base64).flatMap { try? JSONValue(parsing: $0) }?["exp"]?.intValue
            cached = (token, exp.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? now)
            return token
        }
    }
}
