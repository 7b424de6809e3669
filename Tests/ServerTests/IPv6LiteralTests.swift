import ExportGateway
import Foundation
import Testing
import ThreadHandoff

#if canImport(Glibc)
import Glibc

/// A base URL on an IPv6 literal (`http://[::1]:PORT/...`) reaches its server, although
/// FoundationNetworking refuses IPv6 literal hosts: the transport speaks plain HTTP/1.1 to it.
@Suite(.enabled(if: IPv6Listener.loopbackWorks)) struct IPv6LiteralTests {
    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Kind: length\r\n\r\nok", "ok"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", "abcde"),
        ("HTTP/1.1 200 OK\r\n\r\nuntil close", "until close"),
    ])
    func anHTTPRequestToTheIPv6LoopbackIsAnswered(answer: String, body: String) async throws {
        let listener = try IPv6Listener()
        let request = listener.answerOnceOnAThread(with: answer)
        let url = try #require(URL(string: "http://[::1]:\(listener.port)/api/v1/exports/?cursor=a%2Bb"))
        let response = try await URLSessionTransport(idleTimeout: 60).send(
            HTTPRequest(method: .post, url: url, headers: ["Accept": "application/json"], body: Data("{}".utf8)))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == body)
        let received = await request.value()
        #expect(received.hasPrefix("POST /api/v1/exports/?cursor=a%2Bb HTTP/1.1\r\n"))
        #expect(received.contains("Host: [::1]:\(listener.port)\r\n") && received.contains("Content-Length: 2\r\n"))
        #expect(received.hasSuffix("\r\n\r\n{}"))
    }

    @Test func anAnswerCutShortIsATransportFailure() async throws {
        let listener = try IPv6Listener()
        let request = listener.answerOnceOnAThread(with: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
        let url = try #require(URL(string: "http://[::1]:\(listener.port)/x"))
        await #expect(throws: URLError.self) {
            try await URLSessionTransport(idleTimeout: 60).send(HTTPRequest(method: .get, url: url))
        }
        _ = await request.value()
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nx",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nabc\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7FFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
        "HTTP/9 OK\r\n\r\n",
    ])
    func aMalformedAnswerIsATransportFailureNotACrash(answer: String) async throws {
        let listener = try IPv6Listener()
        let request = listener.answerOnceOnAThread(with: answer)
        let url = try #require(URL(string: "http://[::1]:\(listener.port)/x"))
        await #expect(throws: URLError.self) {
            try await URLSessionTransport(idleTimeout: 60).send(HTTPRequest(method: .get, url: url))
        }
        _ = await request.value()
    }

    @Test func anAnswerCompleteByItsLengthEndsWithoutWaitingForTheServerToClose() async throws {
        let listener = try IPv6Listener()
        let request = listener.answerOnceOnAThread(
            with: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", holdOpen: true)
        let url = try #require(URL(string: "http://[::1]:\(listener.port)/x"))
        let response = try await URLSessionTransport(idleTimeout: 30).send(HTTPRequest(method: .get, url: url))
        #expect(String(decoding: response.body, as: UTF8.self) == "ok")
        _ = await request.value()
    }

    @Test func aCancelledRequestEndsAtOnce() async throws {
        let listener = try IPv6Listener()
        let request = listener.answerOnceOnAThread(with: "", holdOpen: true)
        let url = try #require(URL(string: "http://[::1]:\(listener.port)/x"))
        let sending = Task { try await URLSessionTransport(idleTimeout: 60).send(HTTPRequest(method: .get, url: url)) }
        try await Task.sleep(for: .milliseconds(50))
        sending.cancel()
        await #expect(throws: CancellationError.self) { try await sending.value }
        _ = await request.value()
    }

    @Test func anHTTPSIPv6LiteralIsRefusedWithWhatToDo() async throws {
        let url = try #require(URL(string: "https://[2001:db8::1]:8443/api/v1/"))
        await #expect {
            try await URLSessionTransport().send(HTTPRequest(method: .get, url: url))
        } throws: { error in
            (error as? GatewayError)?.kind == .configuration
        }
    }
}

/// One IPv6 socket on `[::1]` that reads one request and answers it with fixed bytes.
final class IPv6Listener: @unchecked Sendable {  // the descriptor is used by one thread at a time
    let port: Int
    private let descriptor: Int32

    /// Whether this machine has an IPv6 loopback to listen on.
    static var loopbackWorks: Bool { (try? IPv6Listener()) != nil }

    init() throws {
        let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard descriptor >= 0, bound == 0, listen(descriptor, 4) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin6_port))
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// ``answerOnce(with:)`` on a thread started now (not from a task, which would have to
    /// wait for one of the few threads Swift concurrency has), with what it read.
    func answerOnceOnAThread(with answer: String, holdOpen: Bool = false) -> ThreadResult {
        let result = ThreadResult()
        Thread { result.set(self.answerOnce(with: answer, holdOpen: holdOpen)) }.start()
        return result
    }

    /// Reads one request (head and `Content-Length` body), writes `answer`, and closes (with
    /// `holdOpen`, only once the client has closed); returns what was read.
    func answerOnce(with answer: String, holdOpen: Bool = false) -> String {
        let connection = accept(descriptor, nil, nil)
        guard connection >= 0 else { return "" }
        defer { close(connection) }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !isComplete(received) {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { break }
            received.append(contentsOf: buffer[0..<count])
        }
        _ = answer.withCString { write(connection, $0, strlen($0)) }
        while holdOpen, read(connection, &buffer, buffer.count) > 0 {}
        return String(decoding: received, as: UTF8.self)
    }

    private func isComplete(_ request: Data) -> Bool {
        guard let end = request.firstRange(of: Data("\r\n\r\n".utf8)) else { return false }
        let head = String(decoding: request[..<end.lowerBound], as: UTF8.self).lowercased()
        let length =
            head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return request.distance(from: end.upperBound, to: request.endIndex) >= length
    }
}
#endif
