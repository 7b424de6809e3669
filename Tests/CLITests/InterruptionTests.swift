import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

@testable import export_gateway

/// A transport that passes requests on, except those `stalls` picks, which wait until their
/// task is canceled: a storage host that stops answering in the middle of a download.
final class StallingTransport: HTTPTransport {
    private let base: any HTTPTransport
    private let stalls: @Sendable (HTTPRequest) -> Bool
    private let stalled: AsyncStream<Void>
    private let stall: AsyncStream<Void>.Continuation

    init(_ base: any HTTPTransport, stalling stalls: @escaping @Sendable (HTTPRequest) -> Bool) {
        self.base = base
        self.stalls = stalls
        (stalled, stall) = AsyncStream.makeStream()
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard stalls(request) else { return try await base.send(request) }
        stall.yield()
        await Interruption.untilCanceled()
        throw CancellationError()
    }

    /// Returns once a request has stalled.
    func firstStall() async {
        var stalls = stalled.makeAsyncIterator()
        _ = await stalls.next()
    }
}

/// SIGINT and SIGTERM, delivered by hand to the in-process tool: the command is canceled,
/// cleans up, and the tool exits 130 or 143 saying so; `simulate` ends normally on them.
@Suite("export-gateway interruption")
struct InterruptionTests {
    @Test(arguments: [
        (Interruption.Signal.interrupt, export_gateway.ExitStatus.interrupted), (.terminate, .terminated),
    ])
    func aSignalStopsADownloadAndRemovesItsPartFile(
        signal: Interruption.Signal, status: export_gateway.ExitStatus
    ) async throws {
        var (cli, id) = try await OutputTests.completedExport()
        let apiHost = URL(string: try #require(cli.variables["EXPORT_GATEWAY_BASE_URL"]))?.host
        let transport = StallingTransport(cli.transport) { $0.url.host != apiHost }
        cli.transport = transport
        let file = CLIHarness.temporaryFile("interrupted.zip")
        let part = file.appendingPathExtension("part")
        let interruption = Interruption()
        var environment = cli.environment
        environment.interruption = interruption
        let captured = CapturedConsole(environment: environment)

        let run = Task {
            await Tool.run(["export-gateway", "exports", "download", id, "-o", file.path], console: captured.console)
        }
        await transport.firstStall()
        #expect(FileManager.default.fileExists(atPath: part.path), "the download had begun")
        interruption.receive(signal)
        #expect(await run.value == status)
        #expect(captured.errors.hasSuffix("error: interrupted by \(signal.name)."), "stderr: \(captured.errors)")
        #expect(!FileManager.default.fileExists(atPath: part.path), "the .part file is removed")
        #expect(!FileManager.default.fileExists(atPath: file.path), "the destination is untouched")
    }

    @Test func aSignalBeforeTheCommandStartsStopsItBeforeAnyRequest() async {
        let simulator = AvalaSimulator()
        let environment = CLIHarness(avala: simulator).environment
        environment.interruption.receive(.terminate)
        let captured = CapturedConsole(environment: environment)
        #expect(await Tool.run(["export-gateway", "exports", "list"], console: captured.console) == .terminated)
        #expect(captured.errors == "error: interrupted by SIGTERM.")
        #expect(simulator.requestLog.requests.isEmpty)
    }

    @Test func simulateEndsNormallyOnASignal() async throws {
        let captured = CapturedConsole()
        let interruption = captured.console.environment.interruption
        let run = Task {
            await Tool.run(
                ["export-gateway", "simulate", "--vendors", "avala", "--items", "1"], console: captured.console)
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while !captured.output.contains("Serving"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        interruption.receive(.interrupt)
        #expect(await run.value == .success)
        #expect(captured.output.hasSuffix("Received SIGINT; stopping."), "stdout: \(captured.output)")
        #expect(captured.errors.isEmpty)
    }

    @Test func simulateWhoseOutputFailsStopsInsteadOfServing() async {
        let output = FailingOutput(stdout: ENOSPC)
        let status = await Tool.run(
            ["export-gateway", "simulate", "--vendors", "avala"],
            console: output.console(environment: ToolEnvironment(variables: [:])))
        #expect(status == .failure)
        #expect(output.errors == "error: cannot write to standard output: No space left on device\n")
    }
}
