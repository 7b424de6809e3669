import Synchronization

/// The last request line sent during one adapter call, so an error the adapter decides
/// after a successful answer can still say which request it came from.
final class RequestTrace: Sendable {
    /// The trace of the adapter call running in this task, if any.
    @TaskLocal static var current: RequestTrace?

    private let line = Mutex<String?>(nil)

    /// The line of the last request sent, such as `POST /graphql`.
    var lastLine: String? { line.withLock { $0 } }

    func record(_ requestLine: String) { line.withLock { $0 = requestLine } }
}
