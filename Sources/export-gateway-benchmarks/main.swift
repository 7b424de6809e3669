import ExportGateway
import Foundation

// Benchmarks of the paths whose cost grows with an export's size or a network's latency.
// Run in release:
//     swift run -c release export-gateway-benchmarks [scenario ...] [--smoke]
// Scenarios: stream, parse, paging, download, wait, overhead, server, annotations (all when
// none is named).
// Each scenario's client runs in a child process of its own (its peak resident memory is its
// own, read from VmHWM), and the simulators it talks to in another (over loopback HTTP).
// Figures are printed as one table; compare them as ratios within one run. --smoke runs
// tiny sizes (CI): it checks that every scenario runs, and no timing fails anything.

let scenarios:
    [(name: String, run: (BenchmarkSize) async throws -> [Measurement], runCase: (ChildArguments) async throws -> Void)] =
        [
            (StreamScenario.name, StreamScenario.run, StreamScenario.runCase),
            (ParseScenario.name, ParseScenario.run, ParseScenario.runCase),
            (PagingScenario.name, PagingScenario.run, PagingScenario.runCase),
            (DownloadScenario.name, DownloadScenario.run, DownloadScenario.runCase),
            (WaitScenario.name, WaitScenario.run, WaitScenario.runCase),
            (OverheadScenario.name, OverheadScenario.run, OverheadScenario.runCase),
            (ServerScenario.name, ServerScenario.run, ServerScenario.runCase),
            (AnnotationsScenario.name, AnnotationsScenario.run, AnnotationsScenario.runCase),
        ]

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    if arguments.first == "--serve" {
        try await Serve.run(ChildArguments(arguments))
    } else if arguments.first == "--case", arguments.count > 1 {
        guard let scenario = scenarios.first(where: { $0.name == arguments[1] }) else {
            throw BenchmarkFailure("No scenario named \(arguments[1]).")
        }
        try await scenario.runCase(ChildArguments(arguments.dropFirst(2)))
        ChildProtocol.emit(ChildProtocol.peakPrefix + String(ProcessFigures.peakResidentBytes))
    } else {
        let size: BenchmarkSize = arguments.contains("--smoke") ? .smoke : .full
        let named = arguments.filter { !$0.hasPrefix("--") }
        if let unknown = named.first(where: { name in !scenarios.contains { $0.name == name } }) {
            throw BenchmarkFailure(
                "No scenario named \(unknown); choose from \(scenarios.map(\.name).joined(separator: ", ")).")
        }
        let chosen = named.isEmpty ? scenarios : scenarios.filter { named.contains($0.name) }
        print("ExportGateway benchmarks, \(size.rawValue) size, \(MachineLine.current)")
        var measurements: [Measurement] = []
        for scenario in chosen {
            print("running \(scenario.name)...")
            measurements += try await scenario.run(size)
        }
        print("")
        print(ReportTable(measurements).text)
    }
} catch {
    FileHandle.standardError.write(Data("export-gateway-benchmarks: \(error)\n".utf8))
    exit(1)
}
