import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc

/// Plain HTTP/1.1 over a socket, for the one kind of URL URLSession on Linux cannot request:
/// an `http` URL whose host is an IPv6 literal such as `[::1]` (FoundationNetworking refuses
/// every IPv6 literal as a bad URL; swift-corelibs-foundation issue 5496).
///
/// One request per connection (`Connection: close`); the answer is read whole, which stays
/// bounded because the core asks for result files in ranged pieces. Redirects are returned as
/// answers for the core to follow. No TLS: an `https` IPv6 literal is still refused.
enum IPv6LiteralHTTP {
    /// Whether `url` needs this path instead of URLSession.
    static func handles(_ url: URL) -> Bool {
        url.host?.contains(":") == true
    }

    /// Sends `request` and reads the whole answer; no byte for `idleTimeout` seconds fails
    /// with `URLError.timedOut`, like URLSession.
    static func send(_ request: HTTPRequest, idleTimeout: TimeInterval) async throws -> HTTPResponse {
        guard request.url.scheme?.lowercased() == "http", let host = request.url.host else {
            throw GatewayError(
                .configuration,
                message: "URLSession on Linux cannot request an https URL with an IPv6 address such as "
                    + "\(request.url.host ?? "this one") (a FoundationNetworking bug). Use a host name instead.")
        }
        let address = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let port = request.url.port ?? 80
        let bytes = head(of: request, host: "[\(address)]", port: port) + (request.body ?? Data())
        let limit = idleTimeout.isFinite ? min(max(idleTimeout, 0.001), 86_400) : 60
        let connection = try OpenSocket()
        defer { connection.close() }
        // A thread of its own: the socket calls block, and neither Swift concurrency's few
        // threads nor Dispatch's global pool (sized by the cores on Linux) may be held by them.
        // Cancelling shuts the socket down, which ends the blocked call at once.
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<HTTPResponse, any Error>, Never>) in
                Thread {
                    continuation.resume(
                        returning: Result {
                            try exchange(
                                bytes, on: connection.descriptor, address: address, port: port, idleTimeout: limit)
                        })
                }.start()
            }
        } onCancel: {
            connection.shutDown()
        }
        try Task.checkCancellation()
        return try result.get()
    }

    private static func head(of request: HTTPRequest, host: String, port: Int) -> Data {
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        var target = components?.percentEncodedPath ?? "/"
        if target.isEmpty { target = "/" }
        if let query = components?.percentEncodedQuery { target += "?" + query }
        var text = "\(request.method.rawValue) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for field in request.headers where !["host", "connection", "content-length"].contains(field.name.lowercased()) {
            text += "\(field.name): \(field.value)\r\n"
        }
        if let body = request.body { text += "Content-Length: \(body.count)\r\n" }
        return Data((text + "\r\n").utf8)
    }

    /// Connects `descriptor`, writes `bytes`, reads until the answer is complete (or the
    /// server closes), and parses it.
    private static func exchange(
        _ bytes: Data, on descriptor: Int32, address: String, port: Int, idleTimeout: TimeInterval
    ) throws -> HTTPResponse {
        var timeout = timeval()
        timeout.tv_sec = .init(idleTimeout)
        timeout.tv_usec = .init((idleTimeout - Double(Int(idleTimeout))) * 1e6)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var socketAddress = sockaddr_in6()
        socketAddress.sin6_family = sa_family_t(AF_INET6)
        socketAddress.sin6_port = UInt16(port).bigEndian
        guard inet_pton(AF_INET6, address, &socketAddress.sin6_addr) == 1 else { throw URLError(.badURL) }
        let connected = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
        guard connected == 0 else { throw URLError(.cannotConnectToHost) }
        try bytes.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let count = Glibc.send(descriptor, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw URLError(errno == EAGAIN ? .timedOut : .networkConnectionLost) }
                sent += count
            }
        }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while try !isComplete(received) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            if count < 0 {
                throw URLError(errno == EAGAIN || errno == EWOULDBLOCK ? .timedOut : .networkConnectionLost)
            }
            if count == 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return try parse(received)
    }

    /// Whether `bytes` hold a whole answer by its own framing (`Content-Length`, or the last
    /// chunk); an answer framed by the end of the connection is never complete early.
    private static func isComplete(_ bytes: Data) throws -> Bool {
        guard let end = bytes.firstRange(of: Data("\r\n\r\n".utf8)) else { return false }
        let headers = try headerFields(String(decoding: bytes[..<end.lowerBound], as: UTF8.self))
        let body = bytes[end.upperBound...]
        if headers["Transfer-Encoding"]?.lowercased().contains("chunked") == true { return try dechunked(body) != nil }
        if let declared = try contentLength(headers) { return body.count >= declared }
        return false
    }

    /// The answer in `bytes`: status line, headers, and a body framed by `Content-Length`,
    /// chunked encoding, or the end of the connection.
    static func parse(_ bytes: Data) throws -> HTTPResponse {
        guard let end = bytes.firstRange(of: Data("\r\n\r\n".utf8)) else { throw URLError(.badServerResponse) }
        let head = String(decoding: bytes[bytes.startIndex..<end.lowerBound], as: UTF8.self)
        let statusParts = (head.components(separatedBy: "\r\n").first ?? "").split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]),
            (100...999).contains(status)
        else { throw URLError(.badServerResponse) }
        let headers = try headerFields(head)
        var body = Data(bytes[end.upperBound...])
        if headers["Transfer-Encoding"]?.lowercased().contains("chunked") == true {
            guard let decoded = try dechunked(body) else { throw URLError(.networkConnectionLost) }
            body = decoded
        } else if let declared = try contentLength(headers) {
            guard body.count >= declared else { throw URLError(.networkConnectionLost) }
            body = body.prefix(declared)
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    private static func headerFields(_ head: String) throws -> HTTPHeaders {
        var headers = HTTPHeaders()
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return headers
    }

    /// The declared body length; a value that is not a whole number of 0 or more is refused.
    private static func contentLength(_ headers: HTTPHeaders) throws -> Int? {
        guard let text = headers["Content-Length"] else { return nil }
        guard let length = Int(text), length >= 0 else { throw URLError(.badServerResponse) }
        return length
    }

    /// The body of a chunked answer, or `nil` while its last chunk has not arrived.
    private static func dechunked(_ data: Data) throws -> Data? {
        var body = Data()
        var index = data.startIndex
        while true {
            guard let lineEnd = data[index...].firstRange(of: Data("\r\n".utf8)) else { return nil }
            let line = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self)
            let sizeText = line.split(separator: ";", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let digits = sizeText.trimmingCharacters(in: .whitespaces)
            guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy(\.isHexDigit),
                let size = Int(digits, radix: 16)
            else { throw URLError(.badServerResponse) }
            if size == 0 { return body }
            let start = lineEnd.upperBound
            let available = data.distance(from: start, to: data.endIndex)
            guard available >= size + 2 else { return nil }
            let chunkEnd = data.index(start, offsetBy: size)
            guard data[chunkEnd] == 0x0D, data[data.index(after: chunkEnd)] == 0x0A else {
                throw URLError(.badServerResponse)
            }
            body.append(data[start..<chunkEnd])
            index = data.index(chunkEnd, offsetBy: 2)
        }
    }
}

/// A socket that a cancellation may shut down from another thread, closed exactly once.
private final class OpenSocket: Sendable {
    let descriptor: Int32
    private let open = Mutex(true)

    init() throws {
        descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw URLError(.cannotConnectToHost) }
    }

    /// Ends any call blocked on the socket, unless it is already closed.
    func shutDown() {
        open.withLock { isOpen in if isOpen { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) } }
    }

    func close() {
        open.withLock { isOpen in
            if isOpen { _ = Glibc.close(descriptor) }
            isOpen = false
        }
    }
}
#endif
