import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a download's bytes go: a `.part` file renamed onto the destination when complete,
/// or, for a device or pipe, the destination itself. Every failure is a `.localFile` error
/// naming the path and what to do.
final class OutputFile: @unchecked Sendable {  // used by one task at a time
    /// What is at a destination path now.
    enum Destination {
        case absent, file, folder
        /// A device, FIFO or socket: written into, never replaced.
        case special

        init(at url: URL) {
            var info = stat()
            guard stat(url.path, &info) == 0 else {
                self = .absent
                return
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: self = .folder
            case S_IFREG: self = .file
            default: self = .special
            }
        }
    }

    private let handle: FileHandle
    private let url: URL
    /// Whether this is a regular file, which can be written at any offset (a device or a pipe
    /// can only be written in order).
    let isRegular: Bool

    /// Creates (or empties) the `.part` file at `url`, creating its folders.
    init(creatingPartFileAt url: URL) throws {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw GatewayError(
                .localFile,
                message:
                    "Cannot create folder \(directory.path): \(error.localizedDescription) Choose a writable folder.",
                underlying: error)
        }
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: url.path)
        else {
            throw GatewayError(
                .localFile,
                message: "Cannot create \(url.path): \(String(cString: strerror(errno))). Check the folder's "
                    + "permissions and free space.")
        }
        self.handle = handle
        self.url = url
        isRegular = true
    }

    /// Opens the device or pipe at `url` for writing.
    init(writingInto url: URL) throws {
        guard let handle = FileHandle(forWritingAtPath: url.path) else {
            throw GatewayError(
                .localFile, message: "Cannot open \(url.path) for writing: \(String(cString: strerror(errno))).")
        }
        self.handle = handle
        self.url = url
        isRegular = false
    }

    func write(_ data: Data) throws {
        do { try handle.write(contentsOf: data) } catch {
            throw GatewayError(
                .localFile,
                message: "Cannot write \(url.path): \(error.localizedDescription) Check free space on that disk.",
                underlying: error)
        }
    }

    /// Writes `data` at byte `offset` of a regular file (`pwrite`, so ranges finishing out of
    /// order each land in their place, from any thread); a device or pipe is written in
    /// order, so there `offset` must be where the previous write ended.
    func write(_ data: Data, at offset: Int64) throws {
        guard isRegular else { return try write(data) }
        let descriptor = handle.fileDescriptor
        let failure: Int32? = data.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let count = pwrite(
                    descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += count
            }
            return nil
        }
        if let failure {
            throw GatewayError(
                .localFile,
                message:
                    "Cannot write \(url.path): \(String(cString: strerror(failure))). Check free space on that disk.")
        }
    }

    /// Flushes a regular file to disk (devices and pipes have nothing to flush).
    func synchronize() throws {
        guard isRegular else { return }
        do { try handle.synchronize() } catch {
            throw GatewayError(
                .localFile,
                message:
                    "Cannot flush \(url.path) to disk: \(error.localizedDescription) Check free space on that disk.",
                underlying: error)
        }
    }

    /// Atomically replaces `destination` with this file (rename(2) within one folder).
    func commit(to destination: URL) throws {
        guard rename(url.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw GatewayError(
                .localFile, message: "Cannot move the finished download to \(destination.path): \(reason).")
        }
    }

    func close() { try? handle.close() }
}
