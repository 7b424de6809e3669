/// How big each scenario runs: `full` for the published figures, `smoke` for CI, where
/// only "it runs" matters and timing never fails anything.
enum BenchmarkSize: String, Sendable {
    case smoke
    case full

    /// Record stream sizes, in rows.
    var streamRows: [Int] { self == .full ? [10_000, 100_000, 1_000_000] : [2_000] }
    /// Rows parsed in memory by the parse scenario.
    var parsedRows: Int { self == .full ? 200_000 : 2_000 }
    /// Items listed by the paging scenario.
    var pagedItems: Int { self == .full ? 100_000 : 2_000 }
    /// Items of the dataset whose export file the download scenario fetches (about 0.86 KB of
    /// file per item: 600k items make a file over 500 MB).
    var downloadItems: Int { self == .full ? 600_000 : 2_000 }
    /// Small requests sent by the overhead and server scenarios.
    var smallRequests: Int { self == .full ? 10_000 : 200 }
    /// The round-trip times scenarios that wait on the network run with.
    var latencies: [Duration] { self == .full ? [.zero, .milliseconds(50)] : [.zero, .milliseconds(5)] }
}
