import Foundation

/// Why Python 3.11's `json` module (the C scanner Django REST Framework's `JSONParser` runs,
/// with `parse_constant` refusing `NaN` and the infinities) rejects a text, in its own
/// words: `Expecting ',' delimiter: line 1 column 3 (char 2)`. Positions count characters,
/// not bytes, as Python's do.
///
/// Label Studio answers a malformed body with `"JSON parse error - " + message`; the wording
/// depends on where the scanner stopped, so the simulator runs the same scan.
enum PythonJSONSyntax {
    /// The message for `text`, or `nil` when Python reads it.
    static func error(in text: String) -> String? {
        let scanner = Scanner(characters: Array(text.unicodeScalars))
        do {
            try scanner.document()
            return nil
        } catch let failure as Failure {
            return failure.message(in: scanner.characters)
        } catch {
            return nil
        }
    }

    /// Where and why the scan stopped.
    struct Failure: Error {
        var reason: String
        /// A character offset, or `nil` for a message without a position.
        var position: Int?

        /// `reason: line L column C (char P)`, as `JSONDecodeError` writes it.
        func message(in characters: [Unicode.Scalar]) -> String {
            guard let position else { return reason }
            let before = characters[..<min(position, characters.count)]
            let line = before.filter { $0 == "\n" }.count + 1
            let column = position - ((before.lastIndex(of: "\n")).map { $0 + 1 } ?? 0) + 1
            return "\(reason): line \(line) column \(column) (char \(position))"
        }
    }

    /// The C scanner's walk: `scan_once`, `_parse_object`, `_parse_array`, `scanstring`,
    /// `_match_number`. "No value here" is its `StopIteration`, which the decoder reports as
    /// `Expecting value` at the innermost position.
    private struct Scanner {
        let characters: [Unicode.Scalar]
        var count: Int { characters.count }

        init(characters: [Unicode.Scalar]) { self.characters = characters }

        /// `json.loads`: leading whitespace, one value, trailing whitespace, nothing else.
        func document() throws {
            if characters.first == "\u{FEFF}" {
                throw Failure(reason: "Unexpected UTF-8 BOM (decode using utf-8-sig)", position: 0)
            }
            let start = skipWhitespace(0)
            let end = skipWhitespace(try value(at: start))
            if end != count { throw Failure(reason: "Extra data", position: end) }
        }

        private func skipWhitespace(_ index: Int) -> Int {
            var index = index
            while index < count, [" ", "\t", "\n", "\r"].contains(characters[index]) { index += 1 }
            return index
        }

        private func matches(_ word: String, at index: Int) -> Bool {
            let scalars = Array(word.unicodeScalars)
            return index + scalars.count <= count && Array(characters[index..<(index + scalars.count)]) == scalars
        }

        /// The end of the value starting at `index`.
        private func value(at index: Int) throws -> Int {
            guard index < count else { throw Failure(reason: "Expecting value", position: index) }
            switch characters[index] {
            case "\"": return try string(from: index + 1)
            case "{": return try object(from: index + 1)
            case "[": return try array(from: index + 1)
            case "n" where matches("null", at: index): return index + 4
            case "t" where matches("true", at: index): return index + 4
            case "f" where matches("false", at: index): return index + 5
            case "N" where matches("NaN", at: index): throw Self.outOfRange("NaN")
            case "I" where matches("Infinity", at: index): throw Self.outOfRange("Infinity")
            case "-" where matches("-Infinity", at: index): throw Self.outOfRange("-Infinity")
            default: return try number(at: index)
            }
        }

        /// Django REST Framework's `strict_constant`, a `ValueError` without a position.
        private static func outOfRange(_ constant: String) -> Failure {
            Failure(reason: "Out of range float values are not JSON compliant: '\(constant)'", position: nil)
        }

        private func isDigit(_ index: Int) -> Bool {
            index < count && ("0"..."9").contains(characters[index])
        }

        private func number(at start: Int) throws -> Int {
            var index = start
            if characters[index] == "-" { index += 1 }
            guard index < count else { throw Failure(reason: "Expecting value", position: start) }
            if ("1"..."9").contains(characters[index]) {
                while isDigit(index) { index += 1 }
            } else if characters[index] == "0" {
                index += 1
            } else {
                throw Failure(reason: "Expecting value", position: start)
            }
            if index < count, characters[index] == ".", isDigit(index + 1) {
                index += 1
                while isDigit(index) { index += 1 }
            }
            if index < count, characters[index] == "e" || characters[index] == "E" {
                var exponent = index + 1
                if exponent < count, characters[exponent] == "+" || characters[exponent] == "-" { exponent += 1 }
                if isDigit(exponent) {
                    while isDigit(exponent) { exponent += 1 }
                    index = exponent
                }
            }
            return index
        }

        /// `scanstring` from just after the opening quote; the end is just after the closing one.
        private func string(from end: Int) throws -> Int {
            let begin = end - 1
            var next = end
            while true {
                var found: Unicode.Scalar?
                while next < count {
                    let character = characters[next]
                    if character == "\"" || character == "\\" {
                        found = character
                        break
                    }
                    if character.value <= 0x1F {
                        throw Failure(reason: "Invalid control character at", position: next)
                    }
                    next += 1
                }
                guard let found else { throw Failure(reason: "Unterminated string starting at", position: begin) }
                if found == "\"" { return next + 1 }
                next += 1
                guard next < count else { throw Failure(reason: "Unterminated string starting at", position: begin) }
                if characters[next] != "u" {
                    guard ["\"", "\\", "/", "b", "f", "n", "r", "t"].contains(characters[next]) else {
                        throw Failure(reason: "Invalid \\escape", position: next - 1)
                    }
                    next += 1
                    continue
                }
                next = try hexQuad(after: next)
                // A high surrogate takes a following `\uXXXX` along, which must be hex too.
                let unit = UInt32(String(String.UnicodeScalarView(characters[(next - 4)..<next])), radix: 16) ?? 0
                if (0xD800...0xDBFF).contains(unit), next + 6 < count, characters[next] == "\\",
                    characters[next + 1] == "u"
                {
                    next = try hexQuad(after: next + 1)
                }
            }
        }

        /// The index after the four hex digits following the `u` at `u`.
        private func hexQuad(after u: Int) throws -> Int {
            let end = u + 1 + 4
            guard end < count else { throw Failure(reason: "Invalid \\uXXXX escape", position: u) }
            for index in (u + 1)..<end where !characters[index].properties.isASCIIHexDigit {
                throw Failure(reason: "Invalid \\uXXXX escape", position: u)
            }
            return end
        }

        private func object(from start: Int) throws -> Int {
            var index = skipWhitespace(start)
            if index < count, characters[index] == "}" { return index + 1 }
            while true {
                guard index < count, characters[index] == "\"" else {
                    throw Failure(reason: "Expecting property name enclosed in double quotes", position: index)
                }
                index = skipWhitespace(try string(from: index + 1))
                guard index < count, characters[index] == ":" else {
                    throw Failure(reason: "Expecting ':' delimiter", position: index)
                }
                index = skipWhitespace(try value(at: skipWhitespace(index + 1)))
                if index < count, characters[index] == "}" { return index + 1 }
                guard index < count, characters[index] == "," else {
                    throw Failure(reason: "Expecting ',' delimiter", position: index)
                }
                index = skipWhitespace(index + 1)
            }
        }

        private func array(from start: Int) throws -> Int {
            var index = skipWhitespace(start)
            if index < count, characters[index] == "]" { return index + 1 }
            while true {
                index = skipWhitespace(try value(at: index))
                if index < count, characters[index] == "]" { return index + 1 }
                guard index < count, characters[index] == "," else {
                    throw Failure(reason: "Expecting ',' delimiter", position: index)
                }
                index = skipWhitespace(index + 1)
            }
        }
    }
}
