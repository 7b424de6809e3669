import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

@testable import export_gateway

/// The built tool as a real process: a full disk and a closed pipe on its stdout, and
/// SIGINT or SIGTERM in the middle of a download, end it with a status instead of a crash
/// or a signal's death, and leave no file half-written.
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

    @Test(arguments: [
        (SimulatedVendor.avala, Interruption.Signal.interrupt), (.avala, .terminate), (.pictograph, .interrupt),
        (.labelbox, .terminate),
    ])
    func aSignalDuringADownloadRemovesThePartFileAndExitsWithItsStatus(
        vendor: SimulatedVendor, signal: Interruption.Signal
    ) async throws {
        let folder = CLIHarness.temporaryFile("interrupted")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The storage host asks for a minute's pause before the first piece: the download
        // has made its .part file and waits, for as long as the test needs.
        let faults = folder.appendingPathComponent("faults.json")
        try Data(
            #"{"faults": [{"vendor": "\#(vendor.rawValue)", "fault": "rateLimited", "retryAfter": 60, "origin": "storage"}]}"#
                .utf8
        ).write(to: faults)
        let simulation = try await Simulation.start(
            SimulationOptions(
                vendors: [vendor], items: 3, exportPolls: 1,
                faults: try FaultPlan(contentsOf: faults.path, vendors: [vendor])))
        let simulated = try #require(simulation.vendors.first)
        let gateway = simulated.simulator.gateway(transport: URLSessionTransport())
        let created = try await gateway.createExport(
            ExportRequest(source: .dataset(DatasetRef(rawValue: simulated.dataset))))
        let export = try await gateway.wait(for: created, timeout: .seconds(60))

        let file = folder.appendingPathComponent("result")
        let part = file.appendingPathExtension("part")
        let descriptor = vendor.descriptor
        let running = try BuiltTool().start(
            ["exports", "download", export.id.rawValue, "--output", file.path],
            variables: [
                "EXPORT_GATEWAY_PROVIDER": vendor.rawValue, descriptor.apiKeyEnvironmentVariable: simulated.apiKey,
                descriptor.baseURLEnvironmentVariable: simulated.apiBaseURL.absoluteString,
            ], output: FileHandle.nullDevice)
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: part.path), running.process.isRunning,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(FileManager.default.fileExists(atPath: part.path), "the download never began")
        kill(running.process.processIdentifier, signal.number)
        let outcome = try await running.end()
        await simulation.stop()

        #expect(outcome.reason == .exit, "ended by the signal itself, without cleaning up")
        #expect(outcome.status == signal.exitStatus.rawValue, "stderr: \(outcome.errors)")
        #expect(outcome.errors.hasSuffix("error: interrupted by \(signal.name).\n"), "stderr: \(outcome.errors)")
        #expect(!FileManager.default.fileExists(atPath: part.path), "the .part file is removed")
        #expect(!FileManager.default.fileExists(atPath: file.path), "the destination is untouched")
    }
}
