import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The production transport, on URLSession.
///
/// Set up for an API client: ephemeral (no cookies, no cache), redirects NOT followed (the
/// core follows them itself so it can drop credentials on a cross-origin hop; URLSession on
/// Linux would forward them), and every response returned whatever its status.
public final class URLSessionTransport: HTTPTransport {
    /// A shared transport with default settings.
    public static let shared = URLSessionTransport()

    private let session: URLSession

    /// Creates a transport.
    /// - Parameter idleTimeout: how long a request may see no bytes before it fails.
    public init(idleTimeout: TimeInterval = 60) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeout
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method.rawValue
        urlRequest.httpBody = request.body
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }
        let (data, response) = try await session.data(for: urlRequest)
        guard let http = response as? HTTPURLResponse else {
            throw URLError(.badServerResponse)
        }
        var headers = HTTPHeaders()
        for case (let name as String, let value as String) in http.allHeaderFields {
            headers.add(name: name, value: value)
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: data)
    }

    /// Hands every redirect back to the caller as a response.
    private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }
}
