import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What this process has cost so far, read from the kernel (Linux; zeros elsewhere).
enum ProcessFigures {
    /// The peak resident set size (`VmHWM` in `/proc/self/status`): the figure each scenario
    /// reports, so that a child process per scenario measures that scenario alone.
    static var peakResidentBytes: Int64 { statusField("VmHWM:") }

    /// User plus system CPU time of this process.
    static var cpuTime: Duration {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let micros =
            Int64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000
            + Int64(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
        return .microseconds(micros)
    }

    private static func statusField(_ name: String) -> Int64 {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let kilobytes = line.dropFirst(name.count).split(whereSeparator: \.isWhitespace).first.flatMap { Int64($0) }
            return (kilobytes ?? 0) * 1024
        }
        #endif
        return 0
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// Times `body` on the continuous clock.
func measure<T>(_ body: () async throws -> T) async rethrows -> (value: T, seconds: Double) {
    let clock = ContinuousClock()
    let started = clock.now
    let value = try await body()
    return (value, (clock.now - started).seconds)
}
