import Foundation

@testable import ExportGatewayTesting

#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP client for the server tests: sends exactly the bytes a test writes (garbage,
/// a stalled half request, pipelined requests) and reads exactly what comes back.
///
/// It reuses the server's non-blocking ``Socket`` and readiness waits, so a test waiting for
/// an answer never blocks a thread of the cooperative pool the server itself runs on.
struct RawHTTPConnection: Sendable {
    /// One parsed response.
    struct Response: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    private let socket: Socket
    private let buffer = ByteBuffer()
    /// How long any one wait may last before the test gives up (a hang is a failure, not a
    /// stall). Generous, because the whole suite shares two cooperative threads: on a machine
    /// also busy compiling, a prompt answer was seen to wait over 30 s for its turn to run.
    private let patience: Duration = .seconds(120)

    /// Connects to 127.0.0.1:`port`.
    static func open(port: Int) async throws -> RawHTTPConnection {
        let fd = Glibc.socket(
            AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw RawError("socket failed") }
        let connection = RawHTTPConnection(socket: Socket(descriptor: fd))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result != 0 {
            let code = errno
            guard code == EINPROGRESS,
                await connection.socket.waitUntilReady(writing: true, timeout: .seconds(120))
            else {
                connection.close()
                throw RawError("connect failed: errno \(code)")
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else {
                connection.close()
                throw RawError("connect failed: errno \(error)")
            }
        }
        return connection
    }

    /// Sends `text` as UTF-8.
    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    /// Sends `bytes`.
    func send(_ bytes: [UInt8]) async throws {
        var offset = 0
        while offset < bytes.count {
            switch bytes.withUnsafeBytes({ socket.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }) {
            case .bytes(let count): offset += count
            case .wouldBlock:
                guard await socket.waitUntilReady(writing: true, timeout: patience) else {
                    throw RawError("send stalled")
                }
            case .closed: throw RawError("the server closed the connection while we were sending")
            }
        }
    }

    /// Reads one response; `nil` when the server closed the connection without one.
    /// - Parameters:
    ///   - toHead: whether it answers a HEAD (its `Content-Length` announces no bytes).
    ///   - interim: whether a `100 Continue` counts as the response (else it is skipped).
    func readResponse(toHead: Bool = false, interim: Bool = false) async throws -> Response? {
        while true {
            guard var response = try await readHead() else { return nil }
            let hasBody = !toHead && response.status >= 200 && response.status != 204 && response.status != 304
            let length = hasBody ? Int(response.header("Content-Length") ?? "0") ?? 0 : 0
            while buffer.bytes.count < length {
                guard try await fill() else { throw RawError("closed in the middle of a body") }
            }
            response.body = Array(buffer.bytes[0..<length])
            buffer.bytes.removeFirst(length)
            if response.status == 100 && !interim { continue }
            return response
        }
    }

    /// Reads one response head and leaves its body unread (for a body a test watches arrive);
    /// `nil` when the server closed the connection first.
    func readHead() async throws -> Response? {
        while true {
            if let end = buffer.find([13, 10, 13, 10]) {
                let headText = String(decoding: buffer.bytes[0..<end], as: UTF8.self)
                buffer.bytes.removeFirst(end + 4)
                var lines = headText.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst().split(separator: " ")
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
                    throw RawError("bad status line \(headText)")
                }
                let headers = lines.compactMap { line -> (name: String, value: String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (
                        String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    )
                }
                return Response(status: status, headers: headers, body: [])
            }
            guard try await fill() else {
                if buffer.bytes.isEmpty { return nil }
                throw RawError("closed in the middle of a head: \(String(decoding: buffer.bytes, as: UTF8.self))")
            }
        }
    }

    /// Everything the server sends until it closes the connection, after what was read.
    func readToEnd() async throws -> [UInt8] {
        while try await fill() {}
        defer { buffer.bytes.removeAll() }
        return buffer.bytes
    }

    /// Whether the server has closed the connection with nothing more sent.
    func isClosedByServer() async throws -> Bool {
        guard buffer.bytes.isEmpty else { return false }
        return try await !fill()
    }

    /// Releases the socket.
    func close() { socket.close() }

    /// Reads what is available into the buffer; `false` at end of stream.
    private func fill() async throws -> Bool {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { scratch.deallocate() }
        while true {
            switch socket.read(into: scratch) {
            case .bytes(let count):
                buffer.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
                return true
            case .closed: return false
            case .wouldBlock:
                guard await socket.waitUntilReady(timeout: patience) else {
                    throw RawError("the server sent nothing for \(patience)")
                }
            }
        }
    }
}

/// The bytes a ``RawHTTPConnection`` received and has not parsed yet (one test task uses a
/// connection at a time, so the unchecked `Sendable` is sound).
final class ByteBuffer: @unchecked Sendable {
    var bytes: [UInt8] = []

    func find(_ pattern: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        return (0...(bytes.count - pattern.count)).first { bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }
    }
}

/// The raw client met something a test did not expect.
struct RawError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
