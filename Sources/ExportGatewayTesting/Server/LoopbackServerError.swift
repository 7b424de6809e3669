import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The loopback server could not start: a port was taken, out of range, or the mounted
/// simulator does not live at the origins it was given.
///
/// ```swift
/// do { _ = try LoopbackHTTPServer(port: 8080) }
/// catch let error as LoopbackServerError { print(error) }   // "Could not listen on 127.0.0.1:8080: Address already in use (errno 98)"
/// ```
public struct LoopbackServerError: Error, Sendable, CustomStringConvertible {
    /// What failed, and the system's reason when there is one.
    public let message: String

    /// Creates an error; with `errno`, the system's description of it is appended.
    init(_ message: String, errno code: Int32? = nil) {
        if let code {
            self.message = "\(message): \(String(cString: strerror(code))) (errno \(code))"
        } else {
            self.message = message
        }
    }

    public var description: String { message }
}
