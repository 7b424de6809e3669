#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes text to a file descriptor (stdout, stderr) with `write(2)`: every byte, through
/// interrupted and partial writes and a descriptor someone made non-blocking, and a thrown
/// ``WriteFailure`` when the system refuses, where Foundation's `FileHandle.write(_:)`
/// would stop the process.
struct DescriptorWriter: Sendable {
    /// `write(2)`'s signature: bytes written, or -1 with `errno` set.
    typealias SystemWrite = @Sendable (_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int

    let descriptor: Int32
    private let systemWrite: SystemWrite

    /// A writer to `descriptor`; tests pass a `systemWrite` that writes a few bytes at a time
    /// or fails with `EINTR`.
    init(descriptor: Int32, systemWrite: @escaping SystemWrite = writeBytes) {
        self.descriptor = descriptor
        self.systemWrite = systemWrite
    }

    /// Writes all of `text`.
    /// - Throws: ``WriteFailure`` with the `errno` of the write that failed.
    func write(_ text: String) throws(WriteFailure) {
        var text = text
        if let code = text.withUTF8({ writeAll($0) }) { throw WriteFailure(code: code) }
    }

    /// The `errno` of the write that failed, or `nil` once every byte is written.
    private func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard let start = bytes.baseAddress else { return nil }
        var written = 0
        while written < bytes.count {
            let count = systemWrite(descriptor, start + written, bytes.count - written)
            if count > 0 {
                written += count
            } else if count == 0 {
                // No progress and no error: give up rather than spin.
                return EIO
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                waitUntilWritable()
            } else {
                return errno
            }
        }
        return nil
    }

    /// Blocks until a non-blocking descriptor can take more bytes.
    private func waitUntilWritable() {
        var request = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        _ = poll(&request, 1, -1)
    }
}

/// `write(2)` itself (outside ``DescriptorWriter``, whose `write(_:)` would hide it).
private func writeBytes(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// A write the system refused, with its `errno`.
struct WriteFailure: Error, Equatable {
    var code: Int32

    /// Whether the reader went away (`EPIPE`), as when `head` has read enough: not a fault
    /// of the command, whose output is simply no longer wanted.
    var isClosedPipe: Bool { code == EPIPE }

    /// The system's words for it, such as `No space left on device`.
    var reason: String { String(cString: strerror(code)) }
}
