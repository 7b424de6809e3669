import Foundation

/// Runs a shell (`bash`, `zsh`) found on `PATH` as a child process, for the tests that load
/// a generated completion script into the real shell.
struct ShellProcess {
    /// What one run printed, and how it ended.
    struct Outcome {
        var status: Int32
        var output: String
        var errors: String
        /// The stdout lines.
        var lines: [String] {
            output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
    }

    /// The shell's name, such as `bash`.
    let name: String

    /// Whether an executable called ``name`` is on `PATH`.
    var isInstalled: Bool {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return folders.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    /// Runs the shell with `arguments` in `folder` (the temporary folder by default) and
    /// waits for it to end, checking every few milliseconds: `waitUntilExit` would hold one of
    /// the few threads every other test's tasks (and the loopback servers) run on.
    func run(_ arguments: [String], in folder: URL = FileManager.default.temporaryDirectory) async throws -> Outcome {
        // Files rather than pipes: a full stderr pipe cannot stall the child while stdout is read.
        let output = CLIHarness.temporaryFile("\(name).out"), errors = CLIHarness.temporaryFile("\(name).err")
        defer { for file in [output, errors] { try? FileManager.default.removeItem(at: file) } }
        for file in [output, errors] { try Data().write(to: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        process.currentDirectoryURL = folder
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(2)) }
        return Outcome(
            status: process.terminationStatus, output: try String(contentsOf: output, encoding: .utf8),
            errors: try String(contentsOf: errors, encoding: .utf8))
    }
}
