import ExportGateway

/// The `export-gateway` tool: parses the command line, runs the command, and turns the
/// outcome into an exit status.
enum Tool {
    /// Runs the command `arguments` names (`arguments[0]` is the program path) and returns
    /// the process exit status (see ``ExitStatus``).
    ///
    /// `console` is where output goes and, through ``Console/environment``, what the
    /// command runs against; tests pass one that captures the output and injects the
    /// variables, a simulator's transport and a virtual clock.
    static func run(_ arguments: [String], console: Console = Console()) async -> ExitStatus {
        var command: [String] = []
        do {
            switch try ArgumentParser(root: Commands.root).parse(Array(arguments.dropFirst())) {
            case .help(let path):
                console.line(Usage.help(for: path))
            case .run(let path, let parsed):
                command = parsed.commandPath
                try await path[path.count - 1].run?(parsed, console)
            }
            return .success
        } catch let error as UsageError {
            if let help = error.help { console.error(help + "\n") }
            console.error(error.description)
            return .usage
        } catch let error as GatewayError {
            console.error("error: \(error)")
            if let hint = hint(for: error.kind), command != ["providers"] { console.error(hint) }
            return ExitStatus(for: error.kind)
        } catch is CancellationError {
            console.error("error: canceled.")
            return .failure
        } catch {
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
