import Foundation

/// One figure a scenario measured, sent from the child process that measured it to the
/// parent that prints the table.
struct Measurement: Codable, Sendable {
    /// The scenario's name (`stream`, `paging`, ...).
    var scenario: String
    /// What was measured, for the table: size, latency, variant.
    var label: String
    /// Wall-clock seconds.
    var seconds: Double
    /// Work per second, with its unit (`rows/s`, `MB/s`), when a rate means something.
    var rate: Double?
    var unit: String?
    /// The label of the measurement of the same run this one is compared with; the table
    /// shows `baseline seconds / seconds` (above 1: faster than the baseline).
    var baseline: String?
    /// Anything else worth reading (first-row latency, CPU per item, polls).
    var note: String?
    /// Peak resident memory of the process that measured it; filled in by the parent.
    var peakResidentBytes: Int64?
    /// Whether the peak belongs to this measurement alone (one child process) or is shared.
    var peakIsShared: Bool = false
    /// Set when another program did the work (curl): the child's peak is not its memory.
    var peakIsElsewhere: Bool = false
}

/// The line prefix a child uses for its results on standard output.
enum ChildProtocol {
    static let resultPrefix = "RESULT "
    static let peakPrefix = "PEAK "
    static let serverPrefix = "SERVER "

    /// Prints `measurement` for the parent.
    static func report(_ measurement: Measurement) {
        let data = (try? JSONEncoder().encode(measurement)) ?? Data()
        emit(resultPrefix + String(decoding: data, as: UTF8.self))
    }

    /// Writes one line to standard output at once, unbuffered, so the parent reads it now.
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
