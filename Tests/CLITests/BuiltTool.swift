import Foundation
import Testing

/// The `export-gateway` executable built beside this test bundle, run as a child process:
/// for what only a real process shows, such as its file descriptors, signals and exit
/// status.
struct BuiltTool {
    /// A started run.
    struct Running {
        let process: Process
        let errorsFile: URL

        /// How the run ended: its status or the signal that ended it, and its stderr.
        struct Outcome {
            var reason: Process.TerminationReason
            var status: Int32
            var errors: String
        }

        /// Waits for the run to end, checking every few milliseconds; past `deadline` it is
        /// killed and the test fails.
        func end(within deadline: Duration = .seconds(30)) async throws -> Outcome {
            let end = ContinuousClock.now + deadline
            while process.isRunning, ContinuousClock.now < end {
                try await Task.sleep(for: .milliseconds(5))
            }
            if process.isRunning {
                Issue.record("export-gateway \(process.arguments ?? []) still runs after \(deadline)")
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            defer { try? FileManager.default.removeItem(at: errorsFile) }
            return Outcome(
                reason: process.terminationReason, status: process.terminationStatus,
                errors: try String(contentsOf: errorsFile, encoding: .utf8))
        }
    }

    let url: URL

    /// The executable next to the test bundle (`swift build --build-tests` builds both into
    /// one folder).
    init() throws {
        let bundles = Bundle.allBundles.filter { $0.bundlePath.hasSuffix(".xctest") }.map(\.bundleURL)
        let folders =
            [Bundle.main.executableURL?.deletingLastPathComponent()] + bundles.map { $0.deletingLastPathComponent() }
        url = try #require(
            folders.compactMap { $0?.appendingPathComponent("export-gateway") }.first {
                FileManager.default.isExecutableFile(atPath: $0.path)
            }, "no export-gateway executable beside the tests")
    }

    /// Starts `export-gateway <arguments>` with only `variables` (and `PATH`) in its
    /// environment, stdout to `output`, stderr to a file.
    func start(_ arguments: [String], variables: [String: String] = [:], output: FileHandle) throws -> Running {
        let errorsFile = CLIHarness.temporaryFile("stderr")
        try Data().write(to: errorsFile)
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = variables.merging(["PATH": "/usr/bin:/bin"]) { own, _ in own }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorsFile)
        try process.run()
        return Running(process: process, errorsFile: errorsFile)
    }
}
