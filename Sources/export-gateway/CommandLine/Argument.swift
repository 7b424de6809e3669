/// A positional argument a command declares once, as a constant, and reads back with that
/// same constant: `arguments[Commands.exportID]` is an `ExportID`.
///
/// The parser hands it the words in its place (after checking that a required one is there
/// and that there are no more than the command takes) and turns them into a `Value` before
/// the command runs.
struct Argument<Value: Sendable>: ArgumentDeclaration {
    let spec: ArgumentSpec
    private let read: @Sendable (_ words: [String]) throws(ValueMismatch) -> Value

    private init(spec: ArgumentSpec, read: @escaping @Sendable (_ words: [String]) throws(ValueMismatch) -> Value) {
        self.spec = spec
        self.read = read
    }

    func parse(_ words: [String]) throws(ValueMismatch) -> any Sendable { try read(words) }

    /// A required argument: one word.
    init(_ name: String, help: String, _ parser: ValueParser<Value>) {
        let spec = ArgumentSpec(
            name: name, help: help, isOptional: false, isRepeating: false, completion: parser.completion)
        // The parser has refused the command line already when the word is missing.
        self.init(spec: spec) { words throws(ValueMismatch) in try parser.parse(words[0], for: "<\(name)>") }
    }

    /// An argument that may be left out: `nil` then.
    static func optional<Wrapped>(_ name: String, help: String, _ parser: ValueParser<Wrapped>) -> Self
    where Value == Wrapped? {
        let spec = ArgumentSpec(
            name: name, help: help, isOptional: true, isRepeating: false, completion: parser.completion)
        return Self(spec: spec) { words throws(ValueMismatch) in
            try words.first.map { text throws(ValueMismatch) in try parser.parse(text, for: "<\(name)>") }
        }
    }

    /// An argument that takes every remaining word (the last of a command), at least one
    /// unless `isOptional`.
    static func repeating<Element>(
        _ name: String, help: String, isOptional: Bool = false, _ parser: ValueParser<Element>
    ) -> Self where Value == [Element] {
        let spec = ArgumentSpec(
            name: name, help: help, isOptional: isOptional, isRepeating: true, completion: parser.completion)
        return Self(spec: spec) { words throws(ValueMismatch) in try parser.parse(words, for: "<\(name)>") }
    }
}

/// What the parser needs of an ``Argument`` whatever its value's type.
protocol ArgumentDeclaration: Sendable {
    /// Its name, help and arity.
    var spec: ArgumentSpec { get }
    /// Its value from the words in its place: one, or none when it was left out, or every
    /// remaining word when it repeats.
    func parse(_ words: [String]) throws(ValueMismatch) -> any Sendable
}
