import ExportGateway
import Synchronization

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
        take(for: request, origin: origin) { $0 }
    }

    /// What `applying` makes of the first matching action it makes something of, if that
    /// action is due; consumes one use of it. An action `applying` makes nothing of (`nil`)
    /// neither fires nor counts as passed: a fault that edits a list field waits for an
    /// answer that has one.
    ///
    /// `applying` runs under the schedule's lock, perhaps for an action that then only counts
    /// a pass: it must not touch the schedule and should have no side effects.
    func take<Outcome>(
        for request: HTTPRequest, origin: SimulatedOrigin, applying: (Action) -> Outcome?
    ) -> Outcome? {
        rules.withLock { rules in
            let path = SimulatedRequest.rawPath(of: request.url)
            for index in rules.indices {
                let rule = rules[index]
                guard rule.origin == origin, rule.method == nil || rule.method == request.method,
                    rule.pathPrefix.map(path.hasPrefix) ?? true, let outcome = applying(rule.action)
                else { continue }
                if rule.passes > 0 {
                    rules[index].passes -= 1
                    return nil
                }
                rules[index].remaining -= 1
                if rules[index].remaining == 0 { rules.remove(at: index) }
                return outcome
            }
            return nil
        }
    }
}
