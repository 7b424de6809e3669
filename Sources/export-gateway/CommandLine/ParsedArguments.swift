/// What one command was given: its words, and the typed value of every option and argument
/// it declares, read back with the constant that declares it (`arguments[Listing.limit]`).
///
/// The parser makes the values before the command runs, so reading one cannot fail; reading
/// an option or argument that the command (with its groups and the global options) does not
/// declare is a bug in the command and stops the tool.
struct ParsedArguments: Sendable {
    /// A value and the declaration that made it.
    private struct Entry<Spec: Equatable & Sendable>: Sendable {
        var spec: Spec
        var value: any Sendable
    }

    /// The command words, such as `["exports", "list"]`.
    let commandPath: [String]
    private var options: [String: Entry<OptionSpec>] = [:]
    private var arguments: [String: Entry<ArgumentSpec>] = [:]

    /// Arguments for the command `commandPath` names, its values still to be set.
    init(commandPath: [String]) {
        self.commandPath = commandPath
    }

    /// The value of `option`: its default (or `nil`, or `false`) when it was not typed.
    subscript<Value>(option: Option<Value>) -> Value {
        // Unreachable from input: the parser made every declared value before the command ran,
        // with this very declaration (its spec matches), so it is there and has its type. Only a
        // command reading an option it does not declare gets here, a bug its first run shows.
        guard let entry = options[option.spec.name], entry.spec == option.spec, let value = entry.value as? Value else {
            preconditionFailure(
                "'\(commandPath.joined(separator: " "))' reads --\(option.spec.name), which it does not declare.")
        }
        return value
    }

    /// The value of `argument`: `nil` or empty when it was left out.
    subscript<Value>(argument: Argument<Value>) -> Value {
        // Unreachable from input, as for options above.
        guard let entry = arguments[argument.spec.name], entry.spec == argument.spec,
            let value = entry.value as? Value
        else {
            preconditionFailure(
                "'\(commandPath.joined(separator: " "))' reads <\(argument.spec.name)>, which it does not declare.")
        }
        return value
    }

    /// Records the value `declaration` made.
    mutating func set(_ value: any Sendable, of declaration: any OptionDeclaration) {
        options[declaration.spec.name] = Entry(spec: declaration.spec, value: value)
    }

    /// Records the value `declaration` made.
    mutating func set(_ value: any Sendable, of declaration: any ArgumentDeclaration) {
        arguments[declaration.spec.name] = Entry(spec: declaration.spec, value: value)
    }
}
