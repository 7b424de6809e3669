/// An option a command declares once, as a constant, and reads back with that same
/// constant: `arguments[ExportWaiting.timeout]` is a `Duration`, and a mistyped name does
/// not compile.
///
/// ```swift
/// static let timeout: Option<Duration> = .value(
///     "timeout", placeholder: "DURATION", default: .seconds(900), help: "How long to wait at most (default: 15m).",
///     .duration)
/// ```
///
/// The parser matches words against its ``spec`` (which help and completions read too) and
/// turns what was typed into a `Value` before the command runs, so a bad value is a usage
/// error before anything is sent.
struct Option<Value: Sendable>: OptionDeclaration {
    let spec: OptionSpec
    private let read: @Sendable (_ occurrences: [String]) throws(ValueMismatch) -> Value

    private init(
        spec: OptionSpec, read: @escaping @Sendable (_ occurrences: [String]) throws(ValueMismatch) -> Value
    ) {
        self.spec = spec
        self.read = read
    }

    func parse(_ occurrences: [String]) throws(ValueMismatch) -> any Sendable { try read(occurrences) }

    /// A value option whose last occurrence counts, `nil` when it is not given.
    static func value<Wrapped>(
        _ name: String, short: Character? = nil, placeholder: String, help: String, _ parser: ValueParser<Wrapped>
    ) -> Self where Value == Wrapped? {
        let spec = OptionSpec(
            name, short: short, .value(placeholder: placeholder), completion: parser.completion, help: help)
        return Self(spec: spec) { occurrences throws(ValueMismatch) in
            try occurrences.last.map { text throws(ValueMismatch) in try parser.parse(text, for: "--\(name)") }
        }
    }

    /// A value option whose last occurrence counts, `defaultValue` when it is not given.
    static func value(
        _ name: String, short: Character? = nil, placeholder: String, default defaultValue: Value, help: String,
        _ parser: ValueParser<Value>
    ) -> Self {
        let spec = OptionSpec(
            name, short: short, .value(placeholder: placeholder), completion: parser.completion, help: help)
        return Self(spec: spec) { occurrences throws(ValueMismatch) in
            guard let text = occurrences.last else { return defaultValue }
            return try parser.parse(text, for: "--\(name)")
        }
    }

    /// A value option that may be given many times: every value, in order.
    static func repeated<Element>(
        _ name: String, placeholder: String, help: String, _ parser: ValueParser<Element>
    ) -> Self where Value == [Element] {
        let spec = OptionSpec(
            name, .value(placeholder: placeholder), isRepeatable: true, completion: parser.completion, help: help)
        return Self(spec: spec) { occurrences throws(ValueMismatch) in try parser.parse(occurrences, for: "--\(name)") }
    }
}

extension Option where Value == Bool {
    /// A switch: `true` when given.
    static func flag(_ name: String, short: Character? = nil, help: String) -> Self {
        Self(spec: OptionSpec(name, short: short, help: help)) { occurrences in !occurrences.isEmpty }
    }
}

/// What the parser needs of an ``Option`` whatever its value's type, so one command can
/// list options of several types.
protocol OptionDeclaration: Sendable {
    /// Its name, letter, kind and help.
    var spec: OptionSpec { get }
    /// Its value from the texts typed for it, in order (a flag's are empty strings; none when
    /// it was not given).
    func parse(_ occurrences: [String]) throws(ValueMismatch) -> any Sendable
}
