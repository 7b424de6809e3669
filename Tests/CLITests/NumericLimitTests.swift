import Testing

@testable import export_gateway

/// Every numeric option refuses what it cannot hold (overflow, out of range, negative,
/// NaN-like) with a usage error naming the largest value it takes, instead of trapping.
@Suite("export-gateway numeric limits")
struct NumericLimitTests {
    /// A numeric option: the words that reach it, its largest value, and the next one up.
    struct NumericOption: Sendable, CustomStringConvertible {
        var words: [String]
        var option: String
        var largest: String
        var beyond: String

        var description: String { "--\(option)" }
    }

    static let options = [
        NumericOption(words: ["exports", "wait", "e1"], option: "timeout", largest: "1000000h", beyond: "1000000.01h"),
        NumericOption(words: ["exports", "wait", "e1"], option: "poll", largest: "1000000h", beyond: "1000001h"),
        NumericOption(
            words: ["exports", "list"], option: "limit", largest: "\(Int.max)", beyond: "9223372036854775808"),
        NumericOption(
            words: ["items", "list", "d"], option: "page-size", largest: "\(Int.max)", beyond: "9223372036854775808"),
        NumericOption(words: ["simulate"], option: "port", largest: "65535", beyond: "65536"),
        NumericOption(words: ["simulate"], option: "items", largest: "1000000", beyond: "1000001"),
        NumericOption(words: ["simulate"], option: "export-polls", largest: "1000000", beyond: "1000001"),
        NumericOption(words: ["simulate"], option: "latency", largest: "60s", beyond: "60.001s"),
        NumericOption(words: ["simulate"], option: "jitter", largest: "60s", beyond: "60.001s"),
        NumericOption(words: ["demo"], option: "items", largest: "\(Int.max)", beyond: "9223372036854775808"),
    ]

    /// What no numeric option takes: past any range, past `Int` and `Int64` (in seconds,
    /// once made milliseconds), infinite, negative, zero, not a number, hexadecimal, empty.
    static let refused = [
        "99999999999999999999", "99999999999999999999h", "2562047788015215h", "9223372036854775808", "1e400s",
        "1e400", "-1", "-5s", "-9223372036854775808", "nan", "NaN", "nans", "inf", "-inf", "infinity", "0x10", "0x10s",
        "", " ", "1,000", "١٢", "1h30m",
    ]

    @Test(arguments: options, refused)
    func outOfRangeIsAUsageErrorNamingTheLargestValue(option: NumericOption, text: String) async {
        // The command's own positionals, then the option in both spellings.
        for words in [option.words + ["--\(option.option)", text], option.words + ["--\(option.option)=\(text)"]] {
            let captured = CapturedConsole()
            let status = await Tool.run(["export-gateway"] + words, console: captured.console)
            #expect(status == .usage, "\(words)")
            #expect(captured.errors.contains("Option '--\(option.option)' expects"), "\(words): \(captured.errors)")
            #expect(captured.errors.contains("to \(option.largest)"), "\(words): \(captured.errors)")
            #expect(captured.errors.contains("not '\(text)'"), "\(words): \(captured.errors)")
            #expect(captured.output.isEmpty)
        }
    }

    @Test(arguments: options)
    func theLargestValueIsTakenAndOneMoreIsNot(option: NumericOption) throws {
        let parser = ArgumentParser(root: Commands.root)
        guard case .run = try parser.parse(option.words + ["--\(option.option)", option.largest]) else {
            Issue.record("\(option.words) --\(option.option) \(option.largest) does not run")
            return
        }
        #expect(throws: UsageError.self) { try parser.parse(option.words + ["--\(option.option)", option.beyond]) }
    }

    @Test func everyNumericOptionIsInTheTable() throws {
        let paths = Commands.root.paths
        let tested = try Self.options.map { option in
            // The deepest command the words name (parents come first).
            let named = paths.filter { $0.dropFirst().map(\.name) == Array(option.words.prefix($0.count - 1)) }
            let path = try #require(named.last)
            return try #require(path.flatMap(\.options).map(\.spec).first { $0.name == option.option })
        }
        for path in paths {
            for spec in path.flatMap(\.options).map(\.spec) {
                guard case .value(let placeholder) = spec.kind, ["N", "K", "DURATION"].contains(placeholder) else {
                    continue
                }
                #expect(
                    tested.contains(spec), "\(path.dropFirst().map(\.name)) --\(spec.name) is numeric but not tested")
            }
        }
    }

    @Test(arguments: [
        ("1ms", Duration.milliseconds(1)), ("0.5ms", .milliseconds(1)), ("1000000h", .seconds(3_600_000_000)),
        ("1e3", .seconds(1000)), ("+2s", .seconds(2)), (" 90s ", .seconds(90)),
    ])
    func durationsAtTheEdgesOfTheRange(text: String, expected: Duration) {
        #expect(ValueParser.duration(from: text) == expected)
    }

    @Test(arguments: ["0.4ms", "0", "-0", "1000000.001h", "3600000000001", "1e400s", "nan", "-inf", "0x1p3"])
    func durationsOutsideTheRangeAreNone(text: String) {
        #expect(ValueParser.duration(from: text) == nil)
    }
}
