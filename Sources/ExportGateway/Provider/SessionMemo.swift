import Synchronization

/// The values one gateway remembers for its session (see ``VendorAPI/remembered(_:fetch:)``).
final class SessionMemo: Sendable {
    private let values = Mutex<[String: JSONValue]>([:])

    func value(for name: String) -> JSONValue? { values.withLock { $0[name] } }

    func store(_ value: JSONValue, for name: String) { values.withLock { $0[name] = value } }
}
