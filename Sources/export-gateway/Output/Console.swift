import Foundation

/// Where the tool writes: results and progress to stdout, errors to stderr.
///
/// Each call writes whole lines straight to the file descriptor, unbuffered, so progress
/// shows at once and lines from concurrent callbacks never interleave mid-line.
struct Console: Sendable {
    /// Writes `text` and a newline to stdout.
    func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes `text` and a newline to stderr.
    func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
