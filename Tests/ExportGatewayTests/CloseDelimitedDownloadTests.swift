import ExportGateway
import ExportGatewayAvala
import Foundation
import Testing
import ThreadHandoff

#if canImport(Glibc)
import Glibc

/// Over real sockets with URLSession: a result whose answer has no `Content-Length` (the body
/// ends when the server closes the connection) downloads whole, and the credential goes to
/// a location on the API's own origin and to no other.
@Suite struct CloseDelimitedDownloadTests {
    private static let body = String(repeating: "[{\"id\": 1, \"data\": {\"image\": \"a.jpg\"}}, ", count: 200) + "{}]"
    private static let key = "close-delimited-test-key"

    private func download(from listener: IPv4Listener, apiPort: Int, answer: String) async throws -> (Data, String) {
        let baseURL = try #require(URL(string: "http://127.0.0.1:\(apiPort)/api/v1"))
        let gateway = Gateway(
            provider: AvalaProvider(), apiKey: APIKey(Self.key), baseURL: baseURL,
            transport: URLSessionTransport(idleTimeout: 10))
        let location = try #require(URL(string: "http://127.0.0.1:\(listener.port)/api/v1/files/r.json"))
        let export = Export(
            id: "e1", provider: .avala, status: .completed, rawStatus: "exported",
            downloadLocation: DownloadLocation(url: location))
        let received = listener.answerOnceOnAThread(with: answer)
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("eg-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: destination) }
        try await gateway.download(export, to: destination)
        return (try Data(contentsOf: destination), await received.value())
    }

    @Test func aWholeFileEndedByCloseOnTheAPIOriginCarriesTheKey() async throws {
        let listener = try IPv4Listener()
        let (bytes, request) = try await download(
            from: listener, apiPort: listener.port,
            answer: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + Self.body)
        #expect(bytes == Data(Self.body.utf8))
        #expect(request.lowercased().contains("x-avala-api-key: \(Self.key)"))
    }

    @Test func aRangeEndedByCloseTakesItsSizeFromContentRange() async throws {
        let listener = try IPv4Listener()
        let size = Self.body.utf8.count
        let (bytes, request) = try await download(
            from: listener, apiPort: listener.port,
            answer: "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-\(size - 1)/\(size)\r\n"
                + "Connection: close\r\n\r\n" + Self.body)
        #expect(bytes == Data(Self.body.utf8))
        #expect(request.contains("Range: bytes=0-"))
    }

    @Test func anotherPortOnTheSameHostGetsNoKey() async throws {
        let listener = try IPv4Listener()
        let api = try IPv4Listener()
        let (bytes, request) = try await download(
            from: listener, apiPort: api.port, answer: "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + Self.body)
        #expect(bytes == Data(Self.body.utf8))
        #expect(!request.contains(Self.key) && !request.lowercased().contains("x-avala-api-key"))
    }
}

/// One IPv4 socket on 127.0.0.1 that reads one request and answers it with fixed bytes, then
/// closes: the only way to send a body with no length but the connection's end.
final class IPv4Listener: @unchecked Sendable {  // the descriptor is used by one thread at a time
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
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
        port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Answers one request on a thread of its own (not a concurrency thread, of which there
    /// are few); the result is the request as read.
    func answerOnceOnAThread(with answer: String) -> ThreadResult {
        let result = ThreadResult()
        Thread { result.set(self.answerOnce(with: answer)) }.start()
        return result
    }

    private func answerOnce(with answer: String) -> String {
        let connection = accept(descriptor, nil, nil)
        guard connection >= 0 else { return "" }
        defer { close(connection) }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.firstRange(of: Data("\r\n\r\n".utf8)) == nil {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { break }
            received.append(contentsOf: buffer[0..<count])
        }
        let bytes = Array(answer.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            sent += count
        }
        return String(decoding: received, as: UTF8.self)
    }
}
#endif
