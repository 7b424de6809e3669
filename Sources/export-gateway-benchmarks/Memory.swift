import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The process's resident memory, read from `/proc/self/statm` (Linux); 0 elsewhere.
enum Memory {
    static var residentBytes: Int64 {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return 0 }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return 0
        #endif
    }
}

/// The highest resident size seen by `sample()` calls.
final class PeakSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var peak: Int64 = 0

    func sample() {
        let now = Memory.residentBytes
        lock.lock()
        peak = max(peak, now)
        lock.unlock()
    }

    var value: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return peak
    }
}

func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
