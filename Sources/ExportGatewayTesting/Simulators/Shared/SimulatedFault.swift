import ExportGateway
import Foundation

/// A failure a simulator can be told to produce instead of its normal answer.
public enum SimulatedFault: Sendable, Hashable {
    /// 429 with `Retry-After: <seconds>` in the vendor's own error shape.
    case rateLimited(retryAfterSeconds: Int)
    /// 429 with `Retry-After` as an HTTP-date that many seconds ahead of the real clock
    /// (a client compares the date with its own wall clock, not the simulator's).
    case rateLimitedUntilDate(secondsAhead: Int)
    /// 500 with the vendor's JSON error body.
    case serverError
    /// 502 with an HTML body, as a proxy in front of the vendor sends.
    case badGateway
    /// 503 with a plain-text body, as a load balancer sends during maintenance.
    case serviceUnavailable
    /// The connection drops before any answer (`URLError.networkConnectionLost`).
    case dropConnection
    /// The vendor handles the request, then the connection drops before the answer
    /// arrives: what makes retrying a create without an idempotency key dangerous.
    case loseResponse
}

extension SimulatedFault {
    /// For a rate-limit fault, the seconds it asks a client to wait and the `Retry-After`
    /// value that says so (the seconds, or the HTTP-date that far past `now`); `nil` for any
    /// other fault.
    func retryAfter(now: Date) -> (seconds: Int, header: String)? {
        switch self {
        case .rateLimited(let seconds):
            (seconds, String(seconds))
        case .rateLimitedUntilDate(let seconds):
            (seconds, SimulatorHost.httpDate(now.addingTimeInterval(TimeInterval(seconds))))
        case .serverError, .badGateway, .serviceUnavailable, .dropConnection, .loseResponse:
            nil
        }
    }
}
