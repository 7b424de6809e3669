import Foundation
import Testing

@testable import export_gateway

/// `export-gateway completions bash|zsh`: scripts generated from the command tree, loaded
/// into bash for real, and checked line by line for zsh.
@Suite("export-gateway completions")
struct CompletionTests {
    private static let bash = ShellProcess(name: "bash")
    private static let zsh = ShellProcess(name: "zsh")
    private static let levels = CompletionLevel.all(under: Commands.root)

    /// The script `completions <shell>` prints.
    private func script(_ shell: String) async throws -> String {
        let captured = CapturedConsole()
        let status = await Tool.run(["export-gateway", "completions", shell], console: captured.console)
        try #require(status == .success, "stderr: \(captured.errors)")
        return captured.output
    }

    /// `script` saved to a fresh temporary file.
    private func saved(_ script: String, as name: String) throws -> URL {
        let file = CLIHarness.temporaryFile(name)
        try Data(script.utf8).write(to: file)
        return file
    }

    /// What the bash script offers for each command line of `lines` (each ending with the
    /// word being completed), all in one bash run, in `folder`.
    private func bashOffers(
        for lines: [[String]], in folder: URL = FileManager.default.temporaryDirectory
    ) async throws
        -> [[String]]
    {
        let file = try saved(try await script("bash"), as: "completion.bash")
        defer { try? FileManager.default.removeItem(at: file) }
        let calls = lines.map { words in
            "offers " + (["export-gateway"] + words).map(\.shellQuoted).joined(separator: " ")
        }
        let driver = """
            source \(file.path.shellQuoted) || exit 1
            offers() {
                COMP_WORDS=("$@")
                COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
                COMPREPLY=()
                _export_gateway
                printf '%s\\n' "${COMPREPLY[*]}"
            }
            \(calls.joined(separator: "\n"))
            """
        let outcome = try await Self.bash.run(["-c", driver], in: folder)
        try #require(outcome.status == 0, "bash failed: \(outcome.errors)")
        try #require(outcome.lines.count == lines.count, "bash printed \(outcome.output)")
        return outcome.lines.map { $0.split(separator: " ").map(String.init) }
    }

    @Test func bashOffersTheSubcommandsOfExports() async throws {
        let offers = try await bashOffers(for: [["exports", ""]])
        #expect(offers == [["list", "create", "get", "wait", "download", "records", "delete"]])
    }

    @Test func bashWalksPastGlobalOptionsValuesAndBundles() async throws {
        let offers = try await bashOffers(for: [
            ["--provider", "avala", "ex"],
            ["-qv", "exports", "d"],
            ["--json", "items", "list", "acme/x", "--kind", ""],
            ["items", "get", "acme/x", "--kind", "=", "s"],
            ["exports", "create", "d", "--status", "needs"],
            ["completions", ""],
            ["exports", "wait", "e1", "--timeout", "5m", "--p"],
            ["exports", "get", "e1", ""],
        ])
        #expect(offers[0] == ["exports"], "the value of --provider is not a command")
        #expect(offers[1] == ["download", "delete"])
        #expect(offers[2] == ["item", "sequence"])
        #expect(offers[3] == ["sequence"], "--kind=s, which bash splits at the =")
        #expect(offers[4] == ["needsRework"])
        #expect(offers[5] == ["bash", "zsh"])
        #expect(offers[6] == ["--provider", "--poll"])
        #expect(offers[7] == [], "an export id has nothing to offer")
    }

    @Test func bashOffersFileNamesForPathOptionsEvenAtTheEndOfABundle() async throws {
        let folder = CLIHarness.temporaryFile("completion-folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data().write(to: folder.appendingPathComponent("street-scenes.zip"))
        let offers = try await bashOffers(
            for: [
                ["exports", "download", "e1", "-qo", "st"], ["--config", ""],
                ["exports", "download", "e1", "-q", "st"],
            ],
            in: folder)
        #expect(offers == [["street-scenes.zip"], ["street-scenes.zip"], []])
    }

    @Test func bashOffersEveryCommandAndOptionAtItsOwnLevel() async throws {
        let groups = Self.levels.filter { !$0.command.subcommands.isEmpty }
        let offers = try await bashOffers(for: Self.levels.map { $0.words + ["--"] } + groups.map { $0.words + [""] })
        for (level, offered) in zip(Self.levels, offers) {
            #expect(offered == level.options.map { "--\($0.name)" }, "after \(level.words)")
        }
        for (group, offered) in zip(groups, offers.dropFirst(Self.levels.count)) {
            #expect(offered == group.command.subcommands.map(\.name), "after \(group.words)")
        }
        // The tree itself, so the comparison above is not the tree against itself only.
        let wait = try #require(Self.levels.firstIndex { $0.words == ["exports", "wait"] })
        #expect(
            offers[wait].contains("--timeout") && offers[wait].contains("--version")
                && !offers[wait].contains("--limit"))
        #expect(
            offers[Self.levels.count] == [
                "providers", "exports", "items", "convert", "demo", "simulate", "completions", "version", "help",
            ])
    }

    @Test func bashScriptPassesBashSyntaxCheck() async throws {
        let file = try saved(try await script("bash"), as: "completion.bash")
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try await Self.bash.run(["-n", file.path])
        #expect(outcome.status == 0, "bash -n: \(outcome.errors)")
    }

    // MARK: zsh

    /// The body of the zsh function `name`, from its opening line to its closing brace.
    private func zshFunction(_ name: String, in script: String) throws -> String {
        let start = try #require(script.range(of: "\n\(name)() {\n"), "no function \(name)")
        let end = try #require(script.range(of: "\n}\n", range: start.upperBound..<script.endIndex))
        return String(script[start.upperBound..<end.lowerBound])
    }

    @Test func zshScriptIsACompdefScriptUsingArgumentsAndDescribe() async throws {
        let script = try await script("zsh")
        #expect(script.hasPrefix("#compdef export-gateway\n"))
        #expect(script.contains("_arguments -s -S -w : \"${specs[@]}\""))
        #expect(script.contains("_describe -t subcommands 'export-gateway command' subcommands"))
        #expect(script.hasSuffix("    _export_gateway \"$@\"\nelse\n    compdef _export_gateway export-gateway\nfi"))
        for (number, line) in script.split(separator: "\n").enumerated() {
            let quotes = line.replacingOccurrences(of: #"'\''"#, with: "").filter { $0 == "'" }.count
            #expect(quotes % 2 == 0, "line \(number + 1) leaves a quote open: \(line)")
        }
    }

    @Test func zshScriptHasEveryCommandAndOptionAtItsOwnLevel() async throws {
        let script = try await script("zsh")
        let generator = ZshCompletionScript(program: "export-gateway", levels: Self.levels)
        let everyOption = Set(Self.levels.flatMap(\.options).map(\.name))
        for level in Self.levels {
            let body = try zshFunction(generator.functionName(for: level.words), in: script)
            let accepted = Set(level.options.map(\.name))
            for name in everyOption {
                let specified = ["'--", ")--", "'*--"].contains { body.contains($0 + name + "[") }
                #expect(specified == accepted.contains(name), "\(level.words): --\(name)")
            }
            for subcommand in level.command.subcommands {
                #expect(body.contains("'\(subcommand.name):"), "\(level.words) does not describe \(subcommand.name)")
                let function = generator.functionName(for: level.words + [subcommand.name])
                #expect(body.contains("(\(subcommand.name)) \(function) && ret=0 ;;"))
            }
            for argument in level.command.arguments.map(\.spec) {
                #expect(body.contains(":\(argument.name):"), "\(level.words) lacks <\(argument.name)>")
            }
        }
        let wait = try zshFunction("_export_gateway_exports_wait", in: script)
        #expect(wait.contains("'--timeout[How long to wait at most (default\\: 15m).]:DURATION: '"))
        #expect(wait.contains("'(-q --quiet)-q[") && wait.contains("':export-id: '"))
        #expect(try zshFunction("_export_gateway_items_list", in: script).contains(":item|sequence:(item sequence)'"))
        #expect(try zshFunction("_export_gateway_completions", in: script).contains("':shell:(bash zsh)'"))
        #expect(try zshFunction("_export_gateway_exports_create", in: script).contains("'*--status["))
    }

    /// Where zsh is installed (macOS always; this suite's Linux CI image not), the script
    /// must also parse.
    @Test(.enabled(if: CompletionTests.zsh.isInstalled, "zsh is not installed"))
    func zshScriptPassesZshSyntaxCheck() async throws {
        let file = try saved(try await script("zsh"), as: "_export-gateway")
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try await Self.zsh.run(["-n", file.path])
        #expect(outcome.status == 0, "zsh -n: \(outcome.errors)")
    }

    // MARK: The command

    @Test(arguments: ["fish", "pwsh", ""])
    func anUnknownShellExitsTwoNamingBashAndZsh(shell: String) async {
        let captured = CapturedConsole()
        let status = await Tool.run(["export-gateway", "completions", shell], console: captured.console)
        #expect(status == .usage)
        #expect(captured.errors.contains("expects one of bash, zsh, not '\(shell)'"), "stderr: \(captured.errors)")
        #expect(captured.output.isEmpty)
    }

    @Test func aMissingShellExitsTwoNamingBashAndZsh() async {
        let captured = CapturedConsole()
        #expect(await Tool.run(["export-gateway", "completions"], console: captured.console) == .usage)
        #expect(captured.errors.contains("Missing argument <shell>: The shell to complete in: bash or zsh."))
    }
}
