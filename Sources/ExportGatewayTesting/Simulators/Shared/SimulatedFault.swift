import ExportGateway
import Foundation
import Synchronization

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

/// Which of a simulator's origins a fault applies to.
public enum SimulatedOrigin: Sendable, Hashable {
    /// The vendor's API host.
    case api
    /// The storage host that serves result files.
    case storage
}

/// Actions (faults, or replacement answers) waiting to fire, each on the next `count`
/// requests that match.
final class RequestSchedule<Action: Sendable>: Sendable {
    private struct Rule {
        var action: Action
        var origin: SimulatedOrigin
        var method: HTTPMethod?
        var pathPrefix: String?
        var remaining: Int
        var passes: Int
    }

    private let rules = Mutex<[Rule]>([])

    func add(
        _ action: Action, origin: SimulatedOrigin, method: HTTPMethod?, pathPrefix: String?, count: Int,
        after passes: Int
    ) {
        guard count > 0 else { return }
        rules.withLock {
            $0.append(
                Rule(
                    action: action, origin: origin, method: method, pathPrefix: pathPrefix, remaining: count,
                    passes: max(0, passes)))
        }
    }

    /// The action for this request, if one is due; consumes one use of it.
    func take(for request: HTTPRequest, origin: SimulatedOrigin) -> Action? {
        rules.withLock { rules in
            guard
                let index = rules.firstIndex(where: { rule in
                    rule.origin == origin && (rule.method == nil || rule.method == request.method)
                        && (rule.pathPrefix.map { SimulatedRequest(request).rawPath.hasPrefix($0) } ?? true)
                })
            else { return nil }
            if rules[index].passes > 0 {
                rules[index].passes -= 1
                return nil
            }
            let action = rules[index].action
            rules[index].remaining -= 1
            if rules[index].remaining == 0 { rules.remove(at: index) }
            return action
        }
    }
}
