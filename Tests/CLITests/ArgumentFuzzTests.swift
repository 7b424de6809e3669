import ExportGatewayTesting
import Testing

@testable import export_gateway

/// The parser on thousands of random command lines built from its own vocabulary: it must
/// answer each with a command to run, a help to show, or a ``UsageError``, and never trap.
@Suite("export-gateway argument fuzzing")
struct ArgumentFuzzTests {
    /// The words a command line is made of: the tree's own, near misses, and values meant
    /// to break a parser.
    struct Vocabulary {
        /// Every command's words (the root's are none) and the options it accepts.
        var paths: [(words: [String], options: [OptionSpec])]
        var commands: [String]
        var longOptions: [String]
        var letters: [Character]
        var values: [String]

        init(root: CommandSpec) {
            paths = root.paths.map { ($0.dropFirst().map(\.name), $0.flatMap(\.options).map(\.spec) + [.help]) }
            let specs = paths.flatMap(\.options)
            // Sorted out of their sets, whose order changes from run to run.
            commands = Set(paths.flatMap(\.words)).sorted() + ["exprots", "lsit", "", "EXPORTS", "ëxports"]
            longOptions =
                Set(specs.map(\.name)).sorted() + root.refusedOptions.keys.sorted() + ["nope", "", "=", "limit=", "-"]
            letters = Set(specs.compactMap(\.shortName)).sorted() + ["x", "Q", "é", "-", "="]
            values = [
                "", " ", "0", "1", "-1", "+1", "42", "65535", "65536", "\(Int.max)", "9223372036854775808",
                "-9223372036854775809", "99999999999999999999", "99999999999999999999h", "2562047788015215h", "1e400s",
                "1e-400s", "nan", "-inf", "0x10", "1.5h", "500ms", "90s", "15m", "-5s", "2025-01-15",
                "2025-01-15T09:30:00Z", "2025-13-45", "a=b", "=b", "a=", "a=[1,2", "key=\"x\"", "item|sequence",
                "sequence", "needs-rework", "bash", "zsh", "fish", "avala,labelbox", ",,", "acme/street-scenes",
                "日本語", "🙂", "e\u{301}", "\u{0}", "\u{202E}txt", "-", "--", "-h", "--help", "--version",
                String(repeating: "x", count: 80),
            ]
        }

        /// One or two random words: an option of the command (with a value when it takes
        /// one), any option in one of its spellings, a bundle of letters, a command, a value,
        /// or `--`.
        func words(_ random: inout SplitMix64, own options: [OptionSpec]) -> [String] {
            switch random.below(10) {
            case 0, 1:
                let option = random.pick(options)
                let spelled = option.shortName.map { random.below(2) == 0 ? "-\($0)" : nil } ?? nil
                guard case .value = option.kind else { return [spelled ?? "--\(option.name)"] }
                return [spelled ?? "--\(option.name)", random.pick(values)]
            case 2: return [random.pick(commands)]
            case 3: return ["--" + random.pick(longOptions)]
            case 4: return ["--" + random.pick(longOptions) + "=" + random.pick(values)]
            case 5: return ["-" + String((0...random.below(4)).map { _ in random.pick(letters) })]
            case 6: return ["--"]
            default: return [random.pick(values)]
            }
        }

        /// A command line: mostly a real command's words, then random words put anywhere
        /// among them.
        func commandLine(_ random: inout SplitMix64) -> [String] {
            let path = random.pick(paths)
            var line = random.below(5) == 0 ? [] : path.words
            for _ in 0..<random.below(6) {
                line.insert(contentsOf: words(&random, own: path.options), at: random.below(line.count + 1))
            }
            return line
        }
    }

    @Test func randomCommandLinesParseOrAreUsageErrors() {
        let parser = ArgumentParser(root: Commands.root)
        let vocabulary = Vocabulary(root: Commands.root)
        var random = SplitMix64(seed: 0x5EED_CAFE)
        var outcomes = (runs: 0, helps: 0, refusals: 0)
        for _ in 0..<4000 {
            let words = vocabulary.commandLine(&random)
            do {
                switch try parser.parse(words) {
                case .help(let path):
                    outcomes.helps += 1
                    #expect(!Usage.help(for: path).isEmpty)
                case .run(let path, let arguments):
                    outcomes.runs += 1
                    #expect(path[path.count - 1].run != nil, "\(words) names no runnable command")
                    #expect(arguments.commandPath == path.dropFirst().map(\.name))
                }
            } catch let error as UsageError {
                outcomes.refusals += 1
                #expect(error.description.hasPrefix("error: "), "\(words)")
            } catch {
                Issue.record("\(words) threw \(error), not a UsageError")
            }
        }
        // The generator reaches all three outcomes, or it tests less than it seems to.
        #expect(outcomes.runs > 50 && outcomes.helps > 50 && outcomes.refusals > 50, "\(outcomes)")
    }
}

extension SplitMix64 {
    /// A number in `0..<count` (`count` > 0).
    fileprivate mutating func below(_ count: Int) -> Int { Int(next() % UInt64(count)) }

    /// One of `choices` (not empty).
    fileprivate mutating func pick<Element>(_ choices: [Element]) -> Element { choices[below(choices.count)] }
}
