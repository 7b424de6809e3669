import ExportGateway
import Foundation

/// A request as a simulated vendor sees it: the parts a route needs, already parsed.
public struct SimulatedRequest: Sendable {
    /// The method.
    public var method: HTTPMethod
    /// The full URL.
    public var url: URL
    /// The headers as sent.
    public var headers: HTTPHeaders
    /// The body, empty when none was sent.
    public var body: Data

    /// Creates a simulated request from one the gateway sent.
    public init(_ request: HTTPRequest) {
        method = request.method
        url = request.url
        headers = request.headers
        body = request.body ?? Data()
    }

    /// The path's segments after `prefix` (percent-decoded), or `nil` when the path lies
    /// outside it. A trailing `/` yields no empty last segment.
    public func pathSegments(after prefix: String) -> [String]? {
        let path = rawPath
        let base = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        guard path == base || path.hasPrefix(base + "/") else { return nil }
        let rest = path.dropFirst(base.count)
        return rest.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
    }

    /// The path exactly as sent, percent-escapes and trailing `/` kept (`URL.path` drops both).
    public var rawPath: String { Self.rawPath(of: url) }

    /// `url`'s path exactly as sent, percent-escapes and trailing `/` kept.
    public static func rawPath(of url: URL) -> String {
        URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? url.path
    }

    /// The first value of query parameter `name`, percent-decoded.
    public func query(_ name: String) -> String? {
        URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == name }?.value
    }

    /// The body parsed as JSON, or `nil` when it is empty or not JSON.
    public var json: JSONValue? {
        guard !body.isEmpty else { return nil }
        return try? JSONValue(parsing: body)
    }
}

extension HTTPResponse {
    /// A JSON response with `Content-Type: application/json`, keys sorted for stable output.
    public static func json(_ status: Int, _ value: JSONValue, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return HTTPResponse(status: status, headers: headers, body: value.serialized())
    }

    /// A plain-text response, as a proxy in front of a vendor sends on a bad day.
    public static func text(
        _ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8"
    ) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Data(text.utf8))
    }
}
