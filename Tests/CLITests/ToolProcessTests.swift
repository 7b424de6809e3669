import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

@testable import export_gateway

/// The built tool as a real process: a full disk and a closed pipe on its stdout end it with
/// a status instead of a crash or a signal's death.
@Suite("export-gateway as a process")
struct ToolProcessTests {
    @Test(arguments: [["version"], ["--help"], ["completions", "bash"]])
    func aFullDiskEndsItWithExitOneAndOneLine(words: [String]) async throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let outcome = try await BuiltTool().start(words, output: full).end()
        #expect(outcome.reason == .exit)
        #expect(outcome.status == 1)
        #expect(outcome.errors == "error: cannot write to standard output: No space left on device\n")
    }

    @Test(arguments: [(["completions", "bash"], Int32(0)), (["providers", "--provider", "avala"], Int32(1))])
    func aClosedPipeEndsItQuietlyWithItsOwnStatus(words: [String], status: Int32) async throws {
        let pipe = Pipe()
        // No reader at all, as after `| head` has read what it wanted.
        try pipe.fileHandleForReading.close()
        let running = try BuiltTool().start(words, output: pipe.fileHandleForWriting)
        try pipe.fileHandleForWriting.close()
        let outcome = try await running.end()
        #expect(outcome.reason == .exit, "not ended by SIGPIPE")
        #expect(outcome.status == status)
        #expect(!outcome.errors.contains("standard output"), "stderr: \(outcome.errors)")
        #expect(status == 0 ? outcome.errors.isEmpty : outcome.errors.contains("No API key"))
    }
}
