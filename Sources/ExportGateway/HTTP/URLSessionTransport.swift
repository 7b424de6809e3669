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
///
/// Three rules keep unattended runs honest:
/// - A request that is not safe to repeat (``HTTPRequest/isRepeatable`` `false`, such as a
///   create without an idempotency key) gets a connection of its own, never a kept-alive one:
///   libcurl, under URLSession on Linux, silently resends a request whose reused connection
///   turns out to be dead, and resends a POST without its body.
/// - No byte for ``idleTimeout`` seconds fails the request (`URLError.timedOut`).
/// - With a ``LowSpeedLimit`` (off by default, like curl's `--speed-limit`/`--speed-time`), a
///   body that keeps trickling in below the limit fails too, instead of never ending.
///
/// On Linux, an `http` URL whose host is an IPv6 literal (`http://[::1]:8080/`), which
/// FoundationNetworking cannot request, goes over a plain socket instead (one request per
/// connection, the answer read whole, cancellation honored); there the idle timeout applies to
/// each read and the low-speed limit does not.
public final class URLSessionTransport: HTTPTransport {
    /// A shared transport with default settings.
    public static let shared = URLSessionTransport()

    /// The slowest transfer tolerated: fewer than ``bytesPerSecond`` on average over
    /// ``duration`` ends the request with a `.transport` error.
    public struct LowSpeedLimit: Sendable, Hashable {
        /// The average rate a transfer must keep.
        public var bytesPerSecond: Int
        /// How long the rate may stay below the limit.
        public var duration: Duration

        /// Creates a limit: `LowSpeedLimit(bytesPerSecond: 1024, duration: .seconds(30))` ends
        /// a transfer that averages under 1 KiB/s for 30 s.
        public init(bytesPerSecond: Int, duration: Duration) {
            self.bytesPerSecond = max(0, bytesPerSecond)
            self.duration = duration
        }
    }

    /// How long a request may see no bytes before it fails, in seconds.
    public let idleTimeout: TimeInterval
    /// The slowest transfer tolerated, if any.
    public let lowSpeedLimit: LowSpeedLimit?

    private let delegate: TransferDelegate
    private let session: URLSession

    /// Creates a transport.
    /// - Parameters:
    ///   - idleTimeout: how long a request may see no bytes before it fails.
    ///   - lowSpeedLimit: the slowest transfer tolerated; `nil` (the default) tolerates any.
    public init(idleTimeout: TimeInterval = 60, lowSpeedLimit: LowSpeedLimit? = nil) {
        self.idleTimeout = idleTimeout
        self.lowSpeedLimit = lowSpeedLimit
        delegate = TransferDelegate(lowSpeedLimit: lowSpeedLimit)
        session = URLSession(
            configuration: Self.configuration(idleTimeout: idleTimeout), delegate: delegate, delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        #if canImport(FoundationNetworking) && canImport(Glibc)
        if IPv6LiteralHTTP.handles(request.url) {
            return try await IPv6LiteralHTTP.send(request, idleTimeout: idleTimeout)
        }
        #endif
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method.rawValue
        urlRequest.httpBody = request.body
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }
        let (data, http): (Data, HTTPURLResponse)
        if request.isRepeatable {
            (data, http) = try await transfer(urlRequest, on: session, delegate: delegate)
        } else {
            // A pool of its own: the request can only ever go out on a connection opened for it.
            let ownDelegate = TransferDelegate(lowSpeedLimit: lowSpeedLimit)
            let own = URLSession(
                configuration: Self.configuration(idleTimeout: idleTimeout), delegate: ownDelegate, delegateQueue: nil)
            defer { own.finishTasksAndInvalidate() }
            (data, http) = try await transfer(urlRequest, on: own, delegate: ownDelegate)
        }
        var headers = HTTPHeaders()
        for case (let name as String, let value as String) in http.allHeaderFields {
            headers.add(name: name, value: value)
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: data)
    }

    private static func configuration(idleTimeout: TimeInterval) -> URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeout
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return configuration
    }

    /// One data task, its bytes gathered by the delegate; safe to cancel on Linux.
    ///
    /// FoundationNetworking cancels a task synchronously (a `DispatchQueue.sync` onto the
    /// session's work queue). Called from inside the Swift task's cancellation handler, which
    /// runs holding that task's status lock, it deadlocks when the transfer completes at the
    /// same moment. Here the cancel hops to another queue first, so the handler returns at once.
    private func transfer(
        _ request: URLRequest, on session: URLSession, delegate: TransferDelegate
    ) async throws -> (Data, HTTPURLResponse) {
        let pending = PendingTask()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<(Data, HTTPURLResponse), any Error>) in
                let task = session.dataTask(with: request)
                delegate.begin(task, continuation: continuation)
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
            if canceled { cancelLater(task) }
        }

        func cancel() {
            let task = state.withLock { state in
                state.canceled = true
                return state.task
            }
            if let task { cancelLater(task) }
        }
    }
}

/// Cancels `task` from another queue (see ``URLSessionTransport``'s transfer).
private func cancelLater(_ task: URLSessionTask) {
    DispatchQueue.global().async { task.cancel() }
}

/// Gathers each task's response and bytes, refuses every redirect (handing it back as a
/// response), and ends transfers that fall below the low-speed limit.
private final class TransferDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private struct Transfer {
        var continuation: CheckedContinuation<(Data, HTTPURLResponse), any Error>
        var response: HTTPURLResponse?
        var data = Data()
        var windowStart = ContinuousClock.now
        var windowBytes = 0
        var tooSlow: GatewayError?
    }

    /// The most body memory reserved ahead from a `Content-Length`.
    private static let largestReservation: Int64 = 64 << 20

    private let lowSpeedLimit: URLSessionTransport.LowSpeedLimit?
    private let transfers = Mutex<[Int: Transfer]>([:])

    init(lowSpeedLimit: URLSessionTransport.LowSpeedLimit?) {
        self.lowSpeedLimit = lowSpeedLimit
    }

    func begin(_ task: URLSessionTask, continuation: CheckedContinuation<(Data, HTTPURLResponse), any Error>) {
        transfers.withLock { $0[task.taskIdentifier] = Transfer(continuation: continuation) }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        // Room for the announced body up front: appending 16 KiB callbacks to a growing buffer
        // would copy a large body several times over. Capped, as the header is the server's word.
        let announced = Int(clamping: min(max(0, response.expectedContentLength), Self.largestReservation))
        transfers.withLock { transfers in
            transfers[dataTask.taskIdentifier]?.response = http
            if announced > 0, transfers[dataTask.taskIdentifier]?.data.isEmpty == true {
                transfers[dataTask.taskIdentifier]?.data = Data(capacity: announced)
            }
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let tooSlow = transfers.withLock { transfers -> Bool in
            // Taken out, not copied out: a copy would share the body's buffer with the entry
            // still in the dictionary, and each append would copy the whole body so far.
            guard var transfer = transfers.removeValue(forKey: dataTask.taskIdentifier) else { return false }
            transfer.data.append(data)
            transfer.windowBytes += data.count
            var stop = false
            if let limit = lowSpeedLimit {
                let elapsed = ContinuousClock.now - transfer.windowStart
                if elapsed >= limit.duration {
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    if Double(transfer.windowBytes) / seconds < Double(limit.bytesPerSecond), transfer.tooSlow == nil {
                        transfer.tooSlow = Self.lowSpeedError(limit, url: dataTask.originalRequest?.url)
                        stop = true
                    }
                    transfer.windowStart = .now
                    transfer.windowBytes = 0
                }
            }
            transfers[dataTask.taskIdentifier] = transfer
            return stop
        }
        if tooSlow { cancelLater(dataTask) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let transfer = transfers.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        if let tooSlow = transfer.tooSlow {
            transfer.continuation.resume(throwing: tooSlow)
        } else if let error {
            transfer.continuation.resume(throwing: error)
        } else if let response = transfer.response {
            transfer.continuation.resume(returning: (transfer.data, response))
        } else {
            transfer.continuation.resume(throwing: URLError(.badServerResponse))
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    private static func lowSpeedError(_ limit: URLSessionTransport.LowSpeedLimit, url: URL?) -> GatewayError {
        GatewayError(
            .transport,
            message: "The transfer from \(url?.host ?? "the server") ran below \(limit.bytesPerSecond) bytes/s for "
                + "\(limit.duration.formattedSeconds), the transport's low-speed limit. Try again later, or lower the limit "
                + "for a slow link.")
    }
}
