import Foundation

/// The YAML subset an Ultralytics `data.yaml` uses, and nothing more: top-level `key: value`
/// pairs whose value is a scalar (plain or quoted), a flow list `[a, b]`, a flow map
/// `{0: a}`, or an indented block of `- item` or `key: value` lines. A full YAML parser is a
/// dependency the gateway does not take; the keys it needs never use more than this.
struct DataYAML: Sendable {
    /// A value of a top-level key.
    enum Value: Sendable, Equatable {
        /// A single string.
        case scalar(String)
        /// A sequence of strings.
        case list([String])
        /// Key–value pairs, in file order.
        case map([Pair])
    }

    /// One key–value pair of a map, with its line for error messages.
    struct Pair: Sendable, Equatable {
        /// The key, unquoted.
        var key: String
        /// The value, unquoted.
        var value: String
        /// The 1-based line it is on.
        var line: Int
    }

    /// One top-level entry and the line it starts on.
    struct Entry: Sendable, Equatable {
        /// The value.
        var value: Value
        /// The 1-based line of its key.
        var line: Int
    }

    /// The keys whose nested content is parsed strictly; others may hold any YAML (a
    /// `download:` script, say), which is skipped.
    static let knownKeys: Set<String> = ["names", "path", "train", "val", "test", "nc", "kpt_shape"]

    /// The file's name, for error messages.
    let file: String
    /// The top-level entries, by key.
    private(set) var entries: [String: Entry] = [:]

    /// Parses `text`, the contents of `file`.
    /// - Throws: ``GatewayError/Kind/decoding`` naming the file and line of a shape outside
    ///   the subset, in a key this reader uses.
    init(_ text: String, file: String) throws {
        self.file = file
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { Self.strippingComment(String($0)) }
        var index = 0
        while index < lines.count {
            let lineNumber = index + 1
            let line = lines[index]
            index += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line == "---" || line.hasPrefix("%") { continue }
            if line.first == " " || line.first == "\t" || line.hasPrefix("- ") || line == "-" {
                throw error(lineNumber, "an indented line or list item without a key above it")
            }
            guard let (key, rest) = Self.splitPair(line) else {
                throw error(lineNumber, "a line that is not `key: value`")
            }
            let known = Self.knownKeys.contains(key)
            if rest.isEmpty {
                // A block: the following lines that are indented, or list items at column 0.
                var block: [(String, Int)] = []
                while index < lines.count {
                    let next = lines[index]
                    if next.allSatisfy({ $0 == " " || $0 == "\t" }) {
                        index += 1
                        continue
                    }
                    guard next.first == " " || next.first == "\t" || next.hasPrefix("- ") || next == "-" else { break }
                    block.append((next.trimmingCharacters(in: .whitespaces), index + 1))
                    index += 1
                }
                guard known else { continue }
                entries[key] = Entry(value: try blockValue(block, keyLine: lineNumber), line: lineNumber)
                continue
            }
            var flow = rest
            if flow.hasPrefix("[") || flow.hasPrefix("{") {
                // A flow collection may continue over the following lines.
                let closing: Character = flow.hasPrefix("[") ? "]" : "}"
                while !Self.isClosed(flow, by: closing), index < lines.count {
                    flow += " " + lines[index].trimmingCharacters(in: .whitespaces)
                    index += 1
                }
                guard known else { continue }
                guard Self.isClosed(flow, by: closing) else { throw error(lineNumber, "a `[` or `{` never closed") }
                let inner = String(flow.dropFirst().dropLast())
                let items = try Self.splitFlow(inner).map { try unquote($0, line: lineNumber) }
                if closing == "]" {
                    entries[key] = Entry(value: .list(items.filter { !$0.isEmpty }), line: lineNumber)
                } else {
                    var pairs: [Pair] = []
                    for item in try Self.splitFlow(inner) where !item.isEmpty {
                        guard let (pairKey, pairValue) = Self.splitPair(item) else {
                            throw error(lineNumber, "`\(item)`, which is not `key: value`")
                        }
                        pairs.append(
                            Pair(
                                key: try unquote(pairKey, line: lineNumber),
                                value: try unquote(pairValue, line: lineNumber),
                                line: lineNumber))
                    }
                    entries[key] = Entry(value: .map(pairs), line: lineNumber)
                }
                continue
            }
            guard known else { continue }
            if rest.hasPrefix("|") || rest.hasPrefix(">") || rest.hasPrefix("&") || rest.hasPrefix("*")
                || rest.hasPrefix("!")
            {
                throw error(lineNumber, "a block scalar, anchor, alias or tag, which this reader does not take")
            }
            entries[key] = Entry(value: .scalar(try unquote(rest, line: lineNumber)), line: lineNumber)
        }
    }

    /// The entry for `key`, when present.
    subscript(key: String) -> Entry? { entries[key] }

    /// A pose dataset's `kpt_shape: [keypoints, 2 or 3]`, or `nil` when absent.
    /// - Throws: ``GatewayError/Kind/decoding`` when it is not two such numbers.
    func keypointShape() throws -> (count: Int, dimensions: Int)? {
        guard let entry = entries["kpt_shape"] else { return nil }
        guard case .list(let values) = entry.value, values.count == 2, let count = Int(values[0]),
            let dimensions = Int(values[1]), (1...10_000).contains(count), dimensions == 2 || dimensions == 3
        else {
            throw error(entry.line, "a `kpt_shape` that is not `[keypoints, 2 or 3]`")
        }
        return (count, dimensions)
    }

    /// The class names: a list in order, or a map whose keys are exactly 0..n-1.
    /// - Throws: ``GatewayError/Kind/decoding`` when `names` is missing or its keys are not
    ///   0..n-1.
    func names() throws -> [String] {
        guard let entry = entries["names"] else {
            throw GatewayError(.decoding, message: "\(file) has no `names:`, so the class of each YOLO row is unknown.")
        }
        switch entry.value {
        case .list(let names): return names
        case .scalar(let text):
            throw error(entry.line, "`names: \(text)`, a single value where a list or a map of classes belongs")
        case .map(let pairs):
            var names = [String?](repeating: nil, count: pairs.count)
            for pair in pairs {
                guard let index = Int(pair.key), index >= 0, index < pairs.count, names[index] == nil else {
                    throw error(
                        pair.line,
                        "the class key `\(pair.key)`; `names` keys must be the numbers 0 to \(pairs.count - 1), each once"
                    )
                }
                names[index] = pair.value
            }
            return names.map { $0 ?? "" }
        }
    }

    private func blockValue(_ block: [(String, Int)], keyLine: Int) throws -> Value {
        guard let first = block.first else { return .scalar("") }
        if first.0.hasPrefix("-") {
            return .list(
                try block.map { text, line in
                    guard text == "-" || text.hasPrefix("- ") else {
                        throw error(line, "a line mixed into a `- item` list")
                    }
                    return try unquote(String(text.dropFirst()).trimmingCharacters(in: .whitespaces), line: line)
                })
        }
        return .map(
            try block.map { text, line in
                guard let (key, value) = Self.splitPair(text), !value.hasPrefix("["), !value.hasPrefix("{") else {
                    throw error(line, "a nested line that is not `key: value`")
                }
                return Pair(key: try unquote(key, line: line), value: try unquote(value, line: line), line: line)
            })
    }

    /// A plain or quoted scalar's text.
    private func unquote(_ raw: String, line: Int) throws -> String {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard let quote = text.first, quote == "'" || quote == "\"" else {
            if text.hasPrefix("[") || text.hasPrefix("{") {
                throw error(line, "a nested collection `\(text)`, which this reader does not take")
            }
            return text
        }
        guard text.count >= 2, text.last == quote else { throw error(line, "a quoted value that is not closed") }
        let body = text.dropFirst().dropLast()
        if quote == "'" { return body.replacingOccurrences(of: "''", with: "'") }
        var result = ""
        var iterator = body.makeIterator()
        while let character = iterator.next() {
            guard character == "\\" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "\\": result.append("\\")
            case "\"": result.append("\"")
            case "/": result.append("/")
            case "u":
                var hex = ""
                for _ in 0..<4 { if let digit = iterator.next() { hex.append(digit) } }
                guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                    throw error(line, "a `\\u` escape that is not four hex digits")
                }
                result.unicodeScalars.append(scalar)
            default: throw error(line, "an escape this reader does not take")
            }
        }
        return result
    }

    private func error(_ line: Int, _ what: String) -> GatewayError {
        GatewayError(
            .decoding,
            message: "\(file) line \(line) has \(what). Write data.yaml with plain `key: value` lines, "
                + "`names` as a list or as `0: name` lines.")
    }

    /// `line` without a `#` comment (one at the start or after a space, outside quotes).
    private static func strippingComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        var end = line.endIndex
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "#", previous == " " || previous == "\t" {
                end = index
                break
            }
            previous = character
        }
        var text = String(line[..<end])
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
        return text
    }

    /// `key: value` split at the first `:` followed by a space or the end, outside quotes.
    private static func splitPair(_ line: String) -> (String, String)? {
        var quote: Character?
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            let next = line.index(after: index)
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == ":", next == line.endIndex || line[next] == " " || line[next] == "\t" {
                let key = line[..<index].trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty else { return nil }
                let unquotedKey =
                    (key.first == "'" || key.first == "\"") && key.count >= 2 ? String(key.dropFirst().dropLast()) : key
                return (unquotedKey, line[next...].trimmingCharacters(in: .whitespaces))
            }
            index = next
        }
        return nil
    }

    /// Whether a flow collection ends with `closing`, outside quotes.
    private static func isClosed(_ text: String, by closing: Character) -> Bool {
        var quote: Character?
        var depth = 0
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "[" || character == "{" {
                depth += 1
            } else if character == "]" || character == "}" {
                depth -= 1
                if depth == 0 { return character == closing && text.last == closing }
            }
        }
        return false
    }

    /// The comma-separated items of a flow collection's inside, outside quotes, trimmed.
    private static func splitFlow(_ inner: String) throws -> [String] {
        var items: [String] = []
        var current = ""
        var quote: Character?
        for character in inner {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "," {
                items.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
                continue
            }
            current.append(character)
        }
        let last = current.trimmingCharacters(in: .whitespaces)
        if !last.isEmpty || !items.isEmpty { items.append(last) }
        return items
    }
}
