import Foundation

/// Something the gateway did, reported to ``GatewayOptions/eventHandler`` for logs and metrics.
///
/// URLs in events never carry credentials (keys travel in headers only), so events are safe
/// to log as they are.
public enum GatewayEvent: Sendable, CustomStringConvertible {
    /// A response arrived.
    case response(method: HTTPMethod, url: URL, status: Int, attempt: Int)
    /// A request failed and will be sent again after `delay`.
    case retrying(method: HTTPMethod, url: URL, attempt: Int, delay: Duration, reason: String)
    /// A redirect was followed; `droppedCredentials` is true when it left the origin.
    case redirected(from: URL, to: URL, droppedCredentials: Bool)
    /// A wait polled an export and saw this status.
    case polled(export: ExportID, status: ExportStatus, rawStatus: String?)
    /// A download advanced.
    case downloaded(bytes: Int64, of: Int64?)

    public var description: String {
        switch self {
        case .response(let method, let url, let status, let attempt):
            "\(method) \(url.absoluteString) -> \(status)" + (attempt > 1 ? " (attempt \(attempt))" : "")
        case .retrying(let method, let url, let attempt, let delay, let reason):
            "retrying \(method) \(url.absoluteString) after \(delay.formattedSeconds) (attempt \(attempt) failed: \(reason))"
        case .redirected(let from, let to, let dropped):
            "redirect \(from.absoluteString) -> \(to.absoluteString)" + (dropped ? " (credentials dropped)" : "")
        case .polled(let export, let status, let rawStatus):
            "export \(export): \(status)" + (rawStatus.map { " (\($0))" } ?? "")
        case .downloaded(let bytes, let total):
            "downloaded \(bytes)" + (total.map { " of \($0)" } ?? "") + " bytes"
        }
    }
}
