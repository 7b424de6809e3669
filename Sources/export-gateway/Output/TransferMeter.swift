import ExportGateway

/// The text of a download's progress line: bytes so far, the share of the total, the
/// average rate since the start and the time left at that rate, such as
/// `3.0 MiB of 12.0 MiB  25%  1.5 MiB/s  ETA 6s`.
///
/// Time comes from the tool's clock, so tests get the same text on every run.
struct TransferMeter: Sendable {
    /// When the transfer started, on `clock`.
    let started: Duration
    let clock: any GatewayClock

    /// The longest time left shown, in seconds: a hundred years.
    private static let longestEstimate: Double = 100 * 365 * 24 * 3600

    /// Starts measuring now.
    init(clock: any GatewayClock) {
        self.clock = clock
        started = clock.now
    }

    /// The line for `progress`.
    func line(for progress: DownloadProgress) -> String {
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var parts = [Format.size(progress.bytesWritten)]
        if let total = progress.totalBytes {
            parts[0] += " of \(Format.size(total))"
        }
        if let fraction = progress.fractionCompleted {
            parts.append("\(Int((fraction * 100).rounded(.down)))%")
        }
        // Below a tenth of a second the average says nothing yet.
        if seconds >= 0.1 {
            let rate = Double(progress.bytesWritten) / seconds
            parts.append("\(Format.size(Int64(rate)))/s")
            if let total = progress.totalBytes, rate > 0, total > progress.bytesWritten {
                let left = Double(total - progress.bytesWritten) / rate
                // A size the vendor announced absurdly large would make a time no Duration
                // holds; past a century, no estimate says anything anyway.
                if left < Self.longestEstimate {
                    parts.append("ETA \(Format.elapsed(.seconds(left.rounded(.up))))")
                }
            }
        }
        return parts.joined(separator: "  ")
    }
}
