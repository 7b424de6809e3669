/// The per-row cost of a record stream with no network: Labelbox rows already in memory,
/// parsed and mapped as `records(of:)` does (``benchmarkRowParsing(rowCount:)``), then the
/// same export read through `records(of:)` on the in-process simulator.
enum ParseScenario {
    static let name = "parse"

    static func run(size: BenchmarkSize) throws -> [Measurement] {
        try ChildProcess.runCase([name, "--rows", String(size.parsedRows)])
    }

    static func runCase(_ arguments: ChildArguments) async throws {
        let figures = try await benchmarkRowParsing(rowCount: try arguments.int("rows"))
        let rows = figures.rowCount.grouped
        ChildProtocol.report(
            Measurement(
                scenario: name, label: "\(rows) rows in memory, parse + map", seconds: figures.parseSeconds,
                rate: figures.parseRowsPerSecond, unit: "rows/s",
                note: String(
                    format: "%.0f-byte rows; %.2f µs of CPU per row", figures.meanRowBytes,
                    figures.parseCPUSeconds / Double(max(figures.rowCount, 1)) * 1e6)))
        ChildProtocol.report(
            Measurement(
                scenario: name, label: "\(rows) rows through records(of:), in-process simulator",
                seconds: figures.streamSeconds, rate: figures.streamRowsPerSecond, unit: "rows/s"))
    }
}
