import ExportGateway
import ExportGatewayTesting
import Foundation
import Synchronization
import Testing

@testable import export_gateway

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A console whose stdout or stderr refuses every write with an errno, as `/dev/full`
/// (`ENOSPC`) or a pipe whose reader left (`EPIPE`) does; what the other takes is kept.
final class FailingOutput: Sendable {
    private let output: Int32?
    private let errorOutput: Int32?
    private let writes = Mutex<(outputAttempts: Int, output: String, errors: String)>((0, "", ""))

    /// Refuses stdout with `stdout`, stderr with `stderr`; `nil` keeps the text.
    init(stdout: Int32? = nil, stderr: Int32? = nil) {
        output = stdout
        errorOutput = stderr
    }

    func console(environment: ToolEnvironment) -> Console {
        Console(
            writer: { text, isError throws(WriteFailure) in
                if !isError { self.writes.withLock { $0.outputAttempts += 1 } }
                if let code = isError ? self.errorOutput : self.output { throw WriteFailure(code: code) }
                self.writes.withLock { isError ? ($0.errors += text) : ($0.output += text) }
            }, environment: environment)
    }

    /// How many times stdout was written to, refused or not.
    var outputAttempts: Int { writes.withLock { $0.outputAttempts } }
    /// Everything stdout took.
    var printed: String { writes.withLock { $0.output } }
    /// Everything stderr took.
    var errors: String { writes.withLock { $0.errors } }
}

/// Output that cannot be written ends a command with one line and exit 1, or (a reader that
/// went away) lets it end as it would have; either way, nothing traps.
@Suite("export-gateway output failures")
struct OutputFailureTests {
    /// A full disk ends a listing with one line and exit 1; a reader that left ends it
    /// quietly with the status it had. Either way no page is fetched after the one whose
    /// output failed, and nothing more is tried on stdout.
    @Test(arguments: [
        (
            ENOSPC, export_gateway.ExitStatus.failure,
            "error: cannot write to standard output: No space left on device\n"
        ),
        (EPIPE, .success, ""),
    ])
    func aListingStopsAtTheFirstFailedWrite(code: Int32, status: export_gateway.ExitStatus, errors: String) async throws
    {
        let simulator = AvalaSimulator()
        let dataset = simulator.seedDataset(named: "listed", itemCount: 2)
        let gateway = simulator.gateway()
        for _ in 0..<5 {
            _ = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
        }
        simulator.requestLog.removeAll()
        let output = FailingOutput(stdout: code)
        let ended = await Tool.run(
            ["export-gateway", "exports", "list", "--json", "--page-size", "1"],
            console: output.console(environment: CLIHarness(avala: simulator).environment))
        #expect(ended == status)
        #expect(output.errors == errors)
        #expect(output.outputAttempts == 1)
        #expect(simulator.requestLog.requests.count == 1)
    }

    @Test func aFullDiskWhileShowingHelpIsReportedToo() async {
        let output = FailingOutput(stdout: ENOSPC)
        let status = await Tool.run(
            ["export-gateway", "--help"], console: output.console(environment: ToolEnvironment(variables: [:])))
        #expect(status == .failure)
        #expect(output.errors == "error: cannot write to standard output: No space left on device\n")
    }

    @Test func aClosedPipeLeavesALaterFailureItsStatusAndMessage() async {
        // `providers` prints its report, then fails on the missing key.
        let output = FailingOutput(stdout: EPIPE)
        let status = await Tool.run(
            ["export-gateway", "providers"],
            console: output.console(environment: ToolEnvironment(variables: ["EXPORT_GATEWAY_PROVIDER": "avala"])))
        #expect(status == .failure)
        #expect(output.outputAttempts == 1)
        #expect(output.errors.contains("No API key for Avala"))
        #expect(!output.errors.contains("standard output"))
    }

    @Test(arguments: [(["version"], export_gateway.ExitStatus.success), (["exports", "lsit"], .usage)])
    func aFailingStderrChangesNothing(words: [String], status: export_gateway.ExitStatus) async {
        let output = FailingOutput(stderr: ENOSPC)
        let console = output.console(environment: ToolEnvironment(variables: [:]))
        #expect(await Tool.run(["export-gateway"] + words, console: console) == status)
        #expect(output.printed == (status == .success ? "export-gateway \(UserAgent.libraryVersion)\n" : ""))
    }
}

/// `write(2)` in a loop: every byte, in order, through whatever the system does to a write.
@Suite("export-gateway descriptor writer")
struct DescriptorWriterTests {
    @Test func partialAndInterruptedWritesStillWriteEveryByteInOrder() throws {
        let received = Mutex<[UInt8]>([])
        let calls = Mutex(0)
        let writer = DescriptorWriter(descriptor: 99) { _, bytes, count in
            let call = calls.withLock { calls in
                calls += 1
                return calls
            }
            if call.isMultiple(of: 3) {
                errno = EINTR
                return -1
            }
            let taken = min(count, 3)
            received.withLock { $0 += UnsafeRawBufferPointer(start: bytes, count: taken) }
            return taken
        }
        let text = "exports list: 12 rows, ünïcödé 🙂\n"
        try writer.write(text)
        #expect(received.withLock { $0 } == Array(text.utf8))
    }

    @Test func aRefusedWriteThrowsItsErrno() {
        let writer = DescriptorWriter(descriptor: 99) { _, _, _ in
            errno = ENOSPC
            return -1
        }
        #expect(throws: WriteFailure(code: ENOSPC)) { try writer.write("x") }
        #expect(WriteFailure(code: ENOSPC).reason == "No space left on device")
        #expect(WriteFailure(code: EPIPE).isClosedPipe && !WriteFailure(code: ENOSPC).isClosedPipe)
    }

    @Test func aNonBlockingPipeWaitsForTheReaderInsteadOfFailing() async throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let (reading, writing) = (ends[0], ends[1])
        defer { close(reading) }
        _ = fcntl(writing, F_SETFL, fcntl(writing, F_GETFL) | O_NONBLOCK)
        // Sixteen times what a pipe holds, so the writer meets EAGAIN many times.
        let text = String(repeating: "0123456789abcdef", count: 65_536)
        let writer = Task.detached {
            defer { close(writing) }
            try DescriptorWriter(descriptor: writing).write(text)
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(reading, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            received += buffer[..<count]
        }
        try await writer.value
        #expect(received.count == text.utf8.count)
        #expect(received == Array(text.utf8))
    }
}
