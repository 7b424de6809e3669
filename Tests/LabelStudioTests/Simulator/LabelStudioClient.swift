import ExportGateway
import ExportGatewayTesting
import Foundation
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

    init(_ simulator: LabelStudioSimulator = LabelStudioSimulator()) {
        self.simulator = simulator
        transport = simulator.transport
        baseURL = simulator.apiBaseURL
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
            let token = try #require(simulator.accessToken())
            request.headers["Authorization"] = "Bearer \(token)"
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

    /// Whether `response` is Label Studio's HTML 404 page.
    static func isHTMLNotFound(_ response: HTTPResponse) -> Bool {
        response.status == 404 && response.headers["Content-Type"] == "text/html; charset=utf-8"
            && response.body.count == 170_734 && (response.bodyText ?? "").contains("<title>404 | Label Studio</title>")
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
