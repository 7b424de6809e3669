import ExportGateway

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `export-gateway` tool: parses the command line, runs the command, and turns the
/// outcome into an exit status.
enum Tool {
    /// The process itself: ``run(_:console:)`` on the real stdout, stderr and environment,
    /// with SIGINT and SIGTERM stopping the command instead of the process.
    static func main(_ arguments: [String]) async -> ExitStatus {
        // A reader that goes away (`| head`) then shows as EPIPE on the next write, which the
        // console handles, instead of a SIGPIPE that would end the process.
        signal(SIGPIPE, SIG_IGN)
        let environment = ToolEnvironment.process
        environment.interruption.watchProcessSignals()
        return await run(arguments, console: Console(environment: environment))
    }

    /// Runs the command `arguments` names (`arguments[0]` is the program path) and returns
    /// the process exit status (see ``ExitStatus``).
    ///
    /// `console` is where output goes and, through ``Console/environment``, what the
    /// command runs against; tests pass one that captures the output and injects the
    /// variables, a simulator's transport and a virtual clock.
    ///
    /// Whatever else went wrong, two outcomes take precedence, each reported on one line of
    /// stderr: stdout that could not be written (exit 1; a reader that went away is no
    /// failure and says nothing), then a signal that stopped the command (exit 130 or 143).
    static func run(_ arguments: [String], console: Console = Console()) async -> ExitStatus {
        let interruption = console.environment.interruption
        var command: [String] = []
        var failure: (any Error)?
        do {
            switch try ArgumentParser(root: Commands.root).parse(Array(arguments.dropFirst())) {
            case .help(let path):
                console.line(Usage.help(for: path))
            case .run(let path, let parsed):
                command = parsed.commandPath
                if let run = path[path.count - 1].run {
                    try await interruption.run { try await run(parsed, console) }
                }
            }
        } catch {
            failure = error
        }
        if let output = console.outputFailure, !output.isClosedPipe {
            console.error("error: cannot write to standard output: \(output.reason)")
            return .failure
        }
        if let signal = interruption.interruptingSignal {
            console.error("error: interrupted by \(signal.name).")
            return signal.exitStatus
        }
        guard let failure else { return .success }
        return report(failure, command: command, console: console)
    }

    /// Writes `error` to stderr, with what to do next where there is something, and returns
    /// the status it ends the tool with.
    private static func report(_ error: any Error, command: [String], console: Console) -> ExitStatus {
        switch error {
        case let error as UsageError:
            if let help = error.help { console.error(help + "\n") }
            console.error(error.description)
            return .usage
        case let error as GatewayError:
            console.error("error: \(error)")
            if let hint = hint(for: error.kind), command != ["providers"] { console.error(hint) }
            return ExitStatus(for: error.kind)
        case is CancellationError:
            console.error("error: canceled.")
            return .failure
        default:
            console.error("error: \(error)")
            return .failure
        }
    }

    /// What to do next, where the error's own message cannot know the command line. (Not
    /// after `providers` itself, whose report has just said it.)
    private static func hint(for kind: GatewayError.Kind) -> String? {
        switch kind {
        case .timeout:
            "The export may still finish: run the same 'exports wait' again, or give a longer --timeout."
        case .authentication, .configuration:
            "Run '\(Usage.programName) providers' to see which provider, base URL and key variable are in use."
        case .unsupported:
            "Run '\(Usage.programName) providers' to see what each provider can do."
        case .notReady:
            "Run '\(Usage.programName) exports wait <id>' until it completes, then try again."
        default:
            nil
        }
    }
}
