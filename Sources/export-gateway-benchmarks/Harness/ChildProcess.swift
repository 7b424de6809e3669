import Foundation

/// This benchmark binary run again as a child process: a scenario's client, or a simulator
/// server. Each scenario runs in a child of its own so that its peak resident memory
/// (`VmHWM`) is its own, and the server runs in another so that the client's figures do not
/// include the simulator's memory or CPU.
final class ChildProcess {
    private let process = Process()
    private let output = Pipe()
    private let input = Pipe()
    private var buffered = Data()

    /// Starts `export-gateway-benchmarks <arguments>`; the child's standard error is ours.
    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = arguments
        process.standardOutput = output
        process.standardInput = input
        try process.run()
    }

    /// The child's next line of standard output, or `nil` at its end.
    func readLine() -> String? {
        while true {
            if let newline = buffered.firstIndex(of: 0x0A) {
                let line = String(decoding: buffered[buffered.startIndex..<newline], as: UTF8.self)
                buffered = Data(buffered[(newline + 1)...])
                return line
            }
            let more = output.fileHandleForReading.availableData
            if more.isEmpty {
                guard !buffered.isEmpty else { return nil }
                defer { buffered = Data() }
                return String(decoding: buffered, as: UTF8.self)
            }
            buffered.append(more)
        }
    }

    /// Closes the child's standard input (a server child stops then) and waits for it to end;
    /// returns its exit status.
    @discardableResult
    func finish() -> Int32 {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// A simulator served by a child process, as the scenario clients see it.
struct ServedSimulator: Codable, Sendable {
    var vendor: String
    var apiBaseURL: URL
    var apiKey: String
    /// The seeded dataset's id.
    var dataset: String
}

extension ChildProcess {
    /// Starts a server child and reads the simulator it serves.
    static func server(vendor: String, items: Int, latency: Duration) throws -> (ChildProcess, ServedSimulator) {
        let child = try ChildProcess(arguments: [
            "--serve", vendor, "--items", String(items), "--latency-ms", String(latency.milliseconds),
        ])
        while let line = child.readLine() {
            guard line.hasPrefix(ChildProtocol.serverPrefix) else { continue }
            let served = try JSONDecoder().decode(
                ServedSimulator.self, from: Data(line.dropFirst(ChildProtocol.serverPrefix.count).utf8))
            return (child, served)
        }
        child.finish()
        throw BenchmarkFailure("The \(vendor) server child ended before it printed where it serves.")
    }

    /// Runs one scenario case in a child and collects its measurements, each stamped with the
    /// child's peak resident memory.
    static func runCase(_ arguments: [String]) throws -> [Measurement] {
        let child = try ChildProcess(arguments: ["--case"] + arguments)
        var measurements: [Measurement] = []
        var peak: Int64?
        while let line = child.readLine() {
            if line.hasPrefix(ChildProtocol.resultPrefix) {
                measurements.append(
                    try JSONDecoder().decode(
                        Measurement.self, from: Data(line.dropFirst(ChildProtocol.resultPrefix.count).utf8)))
            } else if line.hasPrefix(ChildProtocol.peakPrefix) {
                peak = Int64(line.dropFirst(ChildProtocol.peakPrefix.count))
            } else {
                print(line)
            }
        }
        let status = child.finish()
        guard status == 0 else {
            throw BenchmarkFailure("The case \(arguments.joined(separator: " ")) failed (exit status \(status)).")
        }
        let shared = measurements.filter { !$0.peakIsElsewhere }.count > 1
        return measurements.map { measurement in
            var measurement = measurement
            if !measurement.peakIsElsewhere {
                measurement.peakResidentBytes = peak
                measurement.peakIsShared = shared
            }
            return measurement
        }
    }
}

/// A benchmark that could not run; the message says why.
struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
