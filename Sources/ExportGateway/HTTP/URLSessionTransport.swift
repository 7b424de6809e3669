import Dispatch
import Foundation
import Synchronization

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
        let (data, response) = try await data(for: urlRequest)
        guard let http = response as? HTTPURLResponse else {
            throw URLError(.badServerResponse)
        }
        var headers = HTTPHeaders()
        for case (let name as String, let value as String) in http.allHeaderFields {
            headers.add(name: name, value: value)
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: data)
    }

    /// `session.data(for:)`, but safe to cancel on Linux.
    ///
    /// FoundationNetworking's own `data(for:)` cancels its task synchronously (a
    /// `DispatchQueue.sync` onto the session's work queue) from inside the Swift task's
    /// cancellation handler, which runs holding that task's status lock. When the transfer
    /// completes at the same moment, the work queue waits for the same lock to resume the
    /// task: both sides wait forever, and the whole process stops. Here the cancel hops to
    /// another queue first, so the handler returns at once.
    private func data(for request: URLRequest) async throws -> (Data, URLResponse) {
        let pending = PendingTask()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<(Data, URLResponse), any Error>) in
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let data, let response {
                        continuation.resume(returning: (data, response))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }
                pending.start(task)
            }
        } onCancel: {
            pending.cancel()
        }
    }

    /// The data task of one request, and whether its Swift task was cancelled (possibly
    /// before the data task existed).
    private final class PendingTask: Sendable {
        private let state = Mutex<(task: URLSessionDataTask?, canceled: Bool)>((nil, false))

        func start(_ task: URLSessionDataTask) {
            let canceled = state.withLock { state in
                state.task = task
                return state.canceled
            }
            task.resume()
            if canceled { Self.cancelLater(task) }
        }

        func cancel() {
            let task = state.withLock { state in
                state.canceled = true
                return state.task
            }
            if let task { Self.cancelLater(task) }
        }

        private static func cancelLater(_ task: URLSessionDataTask) {
            DispatchQueue.global().async { task.cancel() }
        }
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
