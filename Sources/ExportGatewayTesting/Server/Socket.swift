import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One non-blocking TCP socket: the few Glibc calls the loopback server makes, each
/// returning what happened instead of blocking.
///
/// No read, write or accept ever blocks: a call that would block answers `.wouldBlock`, and
/// the caller waits for readiness, on a thread of its own with
/// ``blockUntilReady(writing:timeout:)`` (the server's connections), or in a task with
/// ``waitUntilReady(writing:timeout:)`` (never blocking a thread of Swift's cooperative pool,
/// which is as wide as the machine has cores: two here).
struct Socket: Sendable {
    /// The file descriptor; owned by whoever created the socket, closed with ``close()``.
    let descriptor: Int32

    /// What a read or write did.
    enum Transfer: Equatable {
        /// Moved this many bytes (a read of 0 bytes is ``closed``, never this).
        case bytes(Int)
        /// Nothing can move now; await readiness and try again.
        case wouldBlock
        /// The peer closed or reset the connection.
        case closed
    }

    /// A listening socket on 127.0.0.1:`port` (0 = any free port), non-blocking.
    static func listen(port: Int, backlog: Int32 = 512) throws -> Socket {
        guard (0...65_535).contains(port) else {
            throw LoopbackServerError("Port \(port) is not between 0 and 65535.")
        }
        let fd = socket(
            AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LoopbackServerError("Could not create a socket", errno: errno) }
        let listener = Socket(descriptor: fd)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            listener.close()
            throw LoopbackServerError("Could not listen on 127.0.0.1:\(port)", errno: code)
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            listener.close()
            throw LoopbackServerError("Could not listen on 127.0.0.1:\(port)", errno: code)
        }
        return listener
    }

    /// The local port the socket is bound to (the one the kernel chose for port 0).
    var localPort: Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The next pending connection, non-blocking and with Nagle off (small answers leave at
    /// once); `nil` when none is pending. Throws when the listener itself failed (shut down).
    func accept() throws -> Socket? {
        // `accept4` is not visible from `import Glibc`, so set the flags after the fact.
        let fd = Glibc.accept(descriptor, nil, nil)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED, EMFILE, ENFILE, ENOBUFS, ENOMEM: return nil
            default: throw LoopbackServerError("accept failed", errno: code)
            }
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        return Socket(descriptor: fd)
    }

    /// Reads up to `buffer.count` bytes into `buffer`.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Transfer {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count > 0 { return .bytes(count) }
            if count == 0 { return .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .closed
            }
        }
    }

    /// Writes as much of `bytes` as the socket takes now. `MSG_NOSIGNAL`: a client that has
    /// gone away must end its connection, not the process (SIGPIPE).
    func write(_ bytes: UnsafeRawBufferPointer) -> Transfer {
        while true {
            let count = send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return .bytes(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .closed
            }
        }
    }

    /// Ends both directions without releasing the descriptor: wakes every wait on it (it
    /// becomes readable, reads answer `.closed`), which is how ``LoopbackHTTPServer/stop()``
    /// interrupts connections and the accept loop without racing a `close`.
    func shutdown() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Ends the sending direction only (the client reads end-of-stream after the last byte).
    func shutdownWrite() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Releases the descriptor. Call once, after every wait on it has ended.
    func close() {
        _ = Glibc.close(descriptor)
    }

    /// Waits until the socket is readable (or, with `writing`, writable), or `timeout` passes.
    /// Returns `false` on timeout.
    ///
    /// The wait is one entry in ``ReadinessPoller``'s `poll(2)` set, so no cooperative thread
    /// waits in a syscall and the descriptor is never registered with Dispatch (whose epoll
    /// registrations, shared with FoundationNetworking's, crashed the process when a closed
    /// number was reused while still registered).
    func waitUntilReady(writing: Bool = false, timeout: Duration?) async -> Bool {
        await ReadinessPoller.shared.wait(for: descriptor, writing: writing, timeout: timeout)
    }
}

extension Socket {
    /// Waits on the calling thread until the socket is readable (or, with `writing`,
    /// writable; an error or hang-up counts, the next read or write says what happened), or
    /// `timeout` passes. Returns `false` on timeout.
    ///
    /// For a thread that serves this socket alone: called from a task, it would hold one of
    /// the cooperative pool's few threads for as long as the peer is silent.
    func blockUntilReady(writing: Bool = false, timeout: Duration?) -> Bool {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var entry = pollfd(fd: descriptor, events: Int16(writing ? POLLOUT : POLLIN), revents: 0)
        while true {
            let now = ContinuousClock.now
            if let deadline, now >= deadline { return false }
            let wait = deadline.map { ReadinessPoller.milliseconds(from: now, to: $0) } ?? -1
            let count = poll(&entry, 1, wait)
            if count > 0 { return true }
            // Anything but an interruption or a timeout: the next read or write says what it is.
            if count < 0 && errno != EINTR { return true }
        }
    }
}

extension Duration {
    /// The duration in seconds, as Dispatch deadlines take it.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
