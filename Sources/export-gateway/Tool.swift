import ExportGateway

/// The `export-gateway` tool: parses the command line, runs the command, and turns the
/// outcome into an exit status.
enum Tool {
    /// Runs the command `arguments` names (`arguments[0]` is the program path) and returns
    /// the process exit status: 0 done, 1 failed, 2 typed wrong.
    static func run(_ arguments: [String], console: Console = Console()) async -> ExitStatus {
        do {
            switch try ArgumentParser(root: Commands.root).parse(Array(arguments.dropFirst())) {
            case .help(let path):
                console.line(Usage.help(for: path))
            case .run(let path, let parsed):
                try await path[path.count - 1].run?(parsed, console)
            }
            return .success
        } catch let error as UsageError {
            if let help = error.help { console.error(help + "\n") }
            console.error(error.description)
            return .usage
        } catch let error as GatewayError {
            console.error("error: \(error)")
            return .failure
        } catch is CancellationError {
            console.error("error: canceled.")
            return .failure
        } catch {
            console.error("error: \(error)")
            return .failure
        }
    }
}
