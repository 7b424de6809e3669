/// Polls an export until it ends, with growing pauses, a deadline and cancellation.
///
/// - Completed: returns the export.
/// - Failed or canceled: throws ``GatewayError/Kind/exportFailed`` with the vendor's reason in ``GatewayError/failureReason``.
/// - Deadline reached: throws ``GatewayError/Kind/timeout`` with ``GatewayError/lastStatus``; never returns quietly.
/// - Task canceled: throws `CancellationError` at the next poll or pause.
/// Unknown status words are not terminal: polling goes on.
struct Waiter: Sendable {
    var clock: any GatewayClock
    var initialInterval: Duration
    var maxInterval: Duration
    var growth: Double = 1.5
    var eventHandler: (@Sendable (GatewayEvent) -> Void)?

    func wait(timeout: Duration, poll: @Sendable () async throws -> Export) async throws -> Export {
        let deadline = clock.now + timeout
        var interval = max(initialInterval, .milliseconds(1))
        while true {
            try Task.checkCancellation()
            let export = try await poll()
            eventHandler?(.polled(export: export.id, status: export.status, rawStatus: export.rawStatus))
            switch export.status {
            case .completed:
                return export
            case .failed, .canceled:
                throw GatewayError(
                    .exportFailed, provider: export.provider,
                    message: "Export \(export.id) ended as \(export.status)"
                        + (export.rawStatus.map { " (\"\($0)\")" } ?? "")
                        + (export.failureReason.map { ": \($0)" } ?? ".") + " Fix the cause and create a new export.",
                    failureReason: export.failureReason)
            case .pending, .running, .unknown:
                let remaining = deadline - clock.now
                guard remaining > .zero else {
                    throw GatewayError(
                        .timeout, provider: export.provider,
                        message:
                            "Export \(export.id) did not finish within \(timeout.formattedSeconds); last status \(export.status)"
                            + (export.rawStatus.map { " (\"\($0)\")" } ?? "")
                            + ". It may still be running: wait again with a longer timeout.",
                        lastStatus: export.status)
                }
                try await clock.sleep(for: min(interval, remaining))
                interval = min(interval * growth, maxInterval)
            }
        }
    }
}
