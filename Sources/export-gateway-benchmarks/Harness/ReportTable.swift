import Foundation

/// The figures of one run as a Markdown table: time, rate, speed against the baseline of
/// the same run (`baseline time / time`: above 1 is faster) and peak resident memory.
struct ReportTable {
    let measurements: [Measurement]

    init(_ measurements: [Measurement]) { self.measurements = measurements }

    var text: String {
        var rows = [["scenario", "case", "time", "rate", "vs baseline", "peak RSS", "note"]]
        for measurement in measurements {
            let baseline = measurement.baseline.flatMap { label in
                measurements.first { $0.scenario == measurement.scenario && $0.label == label }
            }
            rows.append([
                measurement.scenario, measurement.label, Self.time(measurement.seconds),
                measurement.rate.map { Self.rate($0) + " " + (measurement.unit ?? "") } ?? "",
                baseline.map { String(format: "%.2fx", $0.seconds / measurement.seconds) } ?? "",
                measurement.peakResidentBytes.map {
                    String(format: "%.0f MB", Double($0) / 1e6) + (measurement.peakIsShared ? " (shared)" : "")
                } ?? "",
                measurement.note ?? "",
            ])
        }
        return rows.enumerated().map { index, row in
            "| " + row.joined(separator: " | ") + " |"
                + (index == 0 ? "\n|" + String(repeating: "---|", count: row.count) : "")
        }.joined(separator: "\n")
    }

    private static func time(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }

    private static func rate(_ value: Double) -> String {
        value >= 1e6
            ? String(format: "%.2fM", value / 1e6)
            : value >= 1e4 ? String(format: "%.1fk", value / 1e3) : String(format: "%.0f", value)
    }
}

/// The date and hardware line a table is printed with.
enum MachineLine {
    static var current: String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        var model = "unknown CPU"
        if let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let name = line.split(separator: ":", maxSplits: 1).last
        {
            model = name.trimmingCharacters(in: .whitespaces)
        }
        let date = ISO8601DateFormatter().string(from: Date()).prefix(10)
        return "\(date), \(cores) cores (\(model)), \(String(format: "%.0f", memory)) GiB"
    }
}
