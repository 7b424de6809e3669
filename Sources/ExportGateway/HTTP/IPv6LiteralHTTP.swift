import Foundation

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
        // A thread of its own: the socket calls block, and neither Swift concurrency's few
        // threads nor Dispatch's global pool (sized by the cores on Linux) may be held by them.
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result { try exchange(bytes, address: address, port: port, idleTimeout: idleTimeout) })
            }.start()
        }
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

    /// Connects, writes `bytes`, reads until the server closes, and parses the answer.
    private static func exchange(
        _ bytes: Data, address: String, port: Int, idleTimeout: TimeInterval
    ) throws
        -> HTTPResponse
    {
        #if canImport(Glibc)
        let kind = Int32(SOCK_STREAM.rawValue)
        #else
        let kind = SOCK_STREAM
        #endif
        let descriptor = socket(AF_INET6, kind, 0)
        guard descriptor >= 0 else { throw URLError(.cannotConnectToHost) }
        defer { close(descriptor) }
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
        while true {
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

    /// The answer in `bytes`: status line, headers, and a body framed by `Content-Length`,
    /// chunked encoding, or the end of the connection.
    static func parse(_ bytes: Data) throws -> HTTPResponse {
        guard let end = bytes.firstRange(of: Data("\r\n\r\n".utf8)) else { throw URLError(.badServerResponse) }
        let lines = String(decoding: bytes[bytes.startIndex..<end.lowerBound], as: UTF8.self)
            .components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw URLError(.badServerResponse)
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Data(bytes[end.upperBound...])
        if headers["Transfer-Encoding"]?.lowercased().contains("chunked") == true {
            body = try dechunked(body)
        } else if let declared = headers["Content-Length"].flatMap(Int.init) {
            guard body.count >= declared else { throw URLError(.networkConnectionLost) }
            body = body.prefix(declared)
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    private static func dechunked(_ data: Data) throws -> Data {
        var body = Data()
        var index = data.startIndex
        while true {
            guard let lineEnd = data[index...].firstRange(of: Data("\r\n".utf8)) else {
                throw URLError(.networkConnectionLost)
            }
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self)
                .split(separator: ";")[0].trimmingCharacters(in: .whitespaces)
            guard let size = Int(sizeText, radix: 16) else { throw URLError(.badServerResponse) }
            if size == 0 { return body }
            let start = lineEnd.upperBound
            guard data.distance(from: start, to: data.endIndex) >= size + 2 else {
                throw URLError(.networkConnectionLost)
            }
            body.append(data[start..<data.index(start, offsetBy: size)])
            index = data.index(start, offsetBy: size + 2)
        }
    }
}
#endif
