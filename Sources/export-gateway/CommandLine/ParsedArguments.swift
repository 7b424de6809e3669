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
        guard let entry = options[option.spec.name], entry.spec == option.spec else {
            preconditionFailure(
                "'\(commandPath.joined(separator: " "))' reads --\(option.spec.name), which it does not declare.")
        }
        // The value was made by this very declaration (its spec matches), so it has its type.
        return entry.value as! Value
    }

    /// The value of `argument`: `nil` or empty when it was left out.
    subscript<Value>(argument: Argument<Value>) -> Value {
        guard let entry = arguments[argument.spec.name], entry.spec == argument.spec else {
            preconditionFailure(
                "'\(commandPath.joined(separator: " "))' reads <\(argument.spec.name)>, which it does not declare.")
        }
        return entry.value as! Value
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
