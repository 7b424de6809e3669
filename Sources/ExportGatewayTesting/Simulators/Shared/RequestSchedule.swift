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
