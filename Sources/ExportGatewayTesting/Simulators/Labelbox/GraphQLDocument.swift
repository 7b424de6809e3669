import ExportGateway
import Foundation

/// One GraphQL operation, read tolerantly: enough of the language for the documents the
/// Labelbox SDK sends (operation type and name, variable definitions, nested selections with
/// literal or variable arguments), so the simulator can resolve arguments by their position
/// in the document rather than by variable names, and return exactly the selected fields.
///
/// Fragments and directives are not supported: the SDK's export documents use neither.
struct GraphQLDocument {
    /// A value written in the document: a literal, a variable, a list or an input object.
    indirect enum Value {
        case variable(String)
        case literal(JSONValue)
        case list([Value])
        case object([String: Value])

        /// The value with variables replaced from `variables` (a missing variable is `null`).
        func resolved(_ variables: [String: JSONValue]) -> JSONValue {
            switch self {
            case .variable(let name): variables[name] ?? .null
            case .literal(let value): value
            case .list(let values): .array(values.map { $0.resolved(variables) })
            case .object(let members): .object(members.mapValues { $0.resolved(variables) })
            }
        }
    }

    /// One selected field with its arguments and sub-selections.
    struct Field {
        var alias: String?
        var name: String
        var arguments: [String: Value]
        var selections: [Field]

        /// The member name the field gets in the response.
        var responseKey: String { alias ?? name }

        /// The first sub-selection named `name`.
        func field(_ name: String) -> Field? { selections.first { $0.name == name } }
    }

    /// A document the reader could not read, with what it expected.
    struct SyntaxError: Error {
        var message: String
    }

    /// `query` or `mutation`.
    var operationType: String
    /// The operation's name, such as `GetUserCreatedTasksPyApi`; `nil` for an anonymous one.
    var name: String?
    /// The top-level selections.
    var selections: [Field]

    /// Reads the first operation of `text`.
    init(parsing text: String) throws {
        var reader = Reader(tokens: try Self.tokens(of: text))
        if reader.peek == .punctuation("{") {
            operationType = "query"
            name = nil
        } else {
            guard case .name(let type) = reader.next(), type == "query" || type == "mutation" else {
                throw SyntaxError(message: "Syntax Error: Unexpected token, expected \"query\", \"mutation\" or \"{\".")
            }
            operationType = type
            if case .name(let operationName) = reader.peek {
                reader.index += 1
                name = operationName
            } else {
                name = nil
            }
            if reader.peek == .punctuation("(") { try reader.skipBalanced(open: "(", close: ")") }
        }
        selections = try reader.selectionSet()
    }

    // MARK: Tokens

    enum Token: Equatable {
        case name(String)
        case variable(String)
        case punctuation(Character)
        case string(String)
        case number(String)
    }

    private static func tokens(of text: String) throws -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text)
        var index = 0
        func isNameCharacter(_ character: Character) -> Bool {
            character == "_" || (character.isASCII && (character.isLetter || character.isNumber))
        }
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace || character == "," || character == "\u{FEFF}" {
                index += 1
            } else if character == "#" {
                while index < characters.count, !characters[index].isNewline { index += 1 }
            } else if "{}()[]:!=@".contains(character) {
                tokens.append(.punctuation(character))
                index += 1
            } else if character == "$" {
                index += 1
                let start = index
                while index < characters.count, isNameCharacter(characters[index]) { index += 1 }
                guard index > start else { throw SyntaxError(message: "Syntax Error: Expected Name after \"$\".") }
                tokens.append(.variable(String(characters[start..<index])))
            } else if character == "\"" {
                index += 1
                var value = ""
                while true {
                    guard index < characters.count else {
                        throw SyntaxError(message: "Syntax Error: Unterminated string.")
                    }
                    let next = characters[index]
                    index += 1
                    if next == "\"" { break }
                    if next == "\\", index < characters.count {
                        let escaped = characters[index]
                        index += 1
                        switch escaped {
                        case "n": value.append("\n")
                        case "t": value.append("\t")
                        case "r": value.append("\r")
                        default: value.append(escaped)
                        }
                    } else {
                        value.append(next)
                    }
                }
                tokens.append(.string(value))
            } else if character == "-" || character.isASCII && character.isNumber {
                let start = index
                index += 1
                while index < characters.count, characters[index].isASCII,
                    characters[index].isNumber || ".eE+-".contains(characters[index])
                {
                    index += 1
                }
                tokens.append(.number(String(characters[start..<index])))
            } else if isNameCharacter(character) {
                let start = index
                while index < characters.count, isNameCharacter(characters[index]) { index += 1 }
                tokens.append(.name(String(characters[start..<index])))
            } else if character == "." {
                throw SyntaxError(message: "Syntax Error: Fragments are not supported.")
            } else {
                throw SyntaxError(message: "Syntax Error: Unexpected character \"\(character)\".")
            }
        }
        return tokens
    }

    private struct Reader {
        var tokens: [Token]
        var index = 0

        var peek: Token? { index < tokens.count ? tokens[index] : nil }

        mutating func next() -> Token? {
            defer { index += 1 }
            return peek
        }

        mutating func expect(_ character: Character) throws {
            guard next() == .punctuation(character) else {
                throw SyntaxError(message: "Syntax Error: Expected \"\(character)\".")
            }
        }

        mutating func skipBalanced(open: Character, close: Character) throws {
            var depth = 0
            repeat {
                switch next() {
                case .punctuation(open): depth += 1
                case .punctuation(close): depth -= 1
                case nil: throw SyntaxError(message: "Syntax Error: Expected \"\(close)\", found <EOF>.")
                default: break
                }
            } while depth > 0
        }

        mutating func selectionSet() throws -> [Field] {
            try expect("{")
            var fields: [Field] = []
            while peek != .punctuation("}") {
                guard case .name(var name) = next() else {
                    throw SyntaxError(message: "Syntax Error: Expected Name in a selection set.")
                }
                var alias: String?
                if peek == .punctuation(":") {
                    index += 1
                    guard case .name(let real) = next() else {
                        throw SyntaxError(message: "Syntax Error: Expected Name after alias.")
                    }
                    alias = name
                    name = real
                }
                var arguments: [String: Value] = [:]
                if peek == .punctuation("(") {
                    index += 1
                    while peek != .punctuation(")") {
                        guard case .name(let argument) = next() else {
                            throw SyntaxError(message: "Syntax Error: Expected an argument name.")
                        }
                        try expect(":")
                        arguments[argument] = try value()
                    }
                    index += 1
                }
                if peek == .punctuation("@") {
                    throw SyntaxError(message: "Syntax Error: Directives are not supported.")
                }
                let selections = peek == .punctuation("{") ? try selectionSet() : []
                fields.append(Field(alias: alias, name: name, arguments: arguments, selections: selections))
            }
            index += 1
            return fields
        }

        mutating func value() throws -> Value {
            switch next() {
            case .variable(let name): return .variable(name)
            case .string(let text): return .literal(.string(text))
            case .number(let text):
                if let int = Int64(text) { return .literal(.int(int)) }
                guard let double = Double(text) else {
                    throw SyntaxError(message: "Syntax Error: Invalid number \(text).")
                }
                return .literal(.double(double))
            case .name("true"): return .literal(true)
            case .name("false"): return .literal(false)
            case .name("null"): return .literal(.null)
            case .name(let enumValue): return .literal(.string(enumValue))
            case .punctuation("["):
                var values: [Value] = []
                while peek != .punctuation("]") {
                    guard peek != nil else { throw SyntaxError(message: "Syntax Error: Expected \"]\".") }
                    values.append(try value())
                }
                index += 1
                return .list(values)
            case .punctuation("{"):
                var members: [String: Value] = [:]
                while peek != .punctuation("}") {
                    guard case .name(let key) = next() else {
                        throw SyntaxError(message: "Syntax Error: Expected a field name.")
                    }
                    try expect(":")
                    members[key] = try value()
                }
                index += 1
                return .object(members)
            default:
                throw SyntaxError(message: "Syntax Error: Expected a value.")
            }
        }
    }
}
