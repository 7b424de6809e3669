import ExportGateway
import Foundation

// Broken variants of valid vendor answers, derived deterministically, for decoder
// robustness tests: an adapter must turn each into a value or a typed error, never a crash.

/// One broken variant of a valid answer: what was done to it, and the bytes to send.
public struct WireMutant: Sendable {
    /// What was done to the answer, to name a failing case.
    public var label: String
    /// The bytes to send.
    public var body: Data
}

/// Derives mutants of a valid answer: truncated bytes, fields removed, set to `null` or to
/// another type, bytes overwritten, and a few heavy cases (a 1 MB string, a 100,000-element
/// array, nesting 10,000 levels deep and nesting just inside the parser's limit).
public enum WireMutants {
    /// A step from a JSON value to one of its members or elements.
    public enum Step: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    /// How deep the core's parser lets JSON nest (`JSONParser.maxDepth`); deeper text is refused.
    public static let parserDepthLimit = 512

    /// The heavy cases, then `count` light ones drawn with `seed`.
    public static func derive(from answer: JSONValue, count: Int, seed: UInt64) -> [WireMutant] {
        var random = SplitMix64(seed: seed)
        let paths = allPaths(in: answer)
        let valid = answer.serialized()
        var mutants = heavy(answer, paths: paths, random: &random)
        for _ in 0..<count {
            mutants.append(light(answer, valid: valid, paths: paths, random: &random))
        }
        return mutants
    }

    private static func light(
        _ answer: JSONValue, valid: Data, paths: [[Step]], random: inout SplitMix64
    ) -> WireMutant {
        let path = paths.isEmpty ? [] : paths[Int.random(in: 0..<paths.count, using: &random)]
        switch Int.random(in: 0..<5, using: &random) {
        case 0:
            let cut = Int.random(in: 0..<max(valid.count, 1), using: &random)
            return WireMutant(label: "truncated at byte \(cut)", body: valid.prefix(cut))
        case 1 where !path.isEmpty:
            return mutant("removed \(text(path))", replacing(path, in: answer, with: nil))
        case 2:
            return mutant("\(text(path)) set to null", replacing(path, in: answer, with: .null))
        case 3:
            let wrong = wrongType(for: value(at: path, in: answer), random: &random)
            return mutant("\(text(path)) set to \(wrong)", replacing(path, in: answer, with: wrong))
        default:
            var bytes = valid
            let offset = Int.random(in: 0..<max(bytes.count, 1), using: &random)
            let replacement = Array("{}[]\",:0a\\ -".utf8).randomElement(using: &random)!
            if offset < bytes.count { bytes[bytes.startIndex + offset] = replacement }
            return WireMutant(label: "byte \(offset) set to \(Character(Unicode.Scalar(replacement)))", body: bytes)
        }
    }

    private static func heavy(_ answer: JSONValue, paths: [[Step]], random: inout SplitMix64) -> [WireMutant] {
        func pick(_ wanted: (JSONValue) -> Bool) -> [Step]? {
            let matching = paths.filter { wanted(value(at: $0, in: answer)) }
            return matching.isEmpty ? nil : matching[Int.random(in: 0..<matching.count, using: &random)]
        }
        var mutants = [
            WireMutant(label: "empty body", body: Data()),
            WireMutant(label: "null", body: Data("null".utf8)),
            WireMutant(label: "a string", body: Data("\"OK\"".utf8)),
            WireMutant(label: "an empty array", body: Data("[]".utf8)),
            nested(answer, at: [], depth: 10_000),
        ]
        if let path = pick({ $0.stringValue != nil }) {
            let huge = JSONValue.string(String(repeating: "x", count: 1 << 20))
            mutants.append(mutant("\(text(path)) set to a 1 MB string", replacing(path, in: answer, with: huge)))
        }
        if let path = pick({ $0.arrayValue != nil }) {
            // Copies of a scalar first element keep the array plausible; a container is not
            // copied 100,000 times, which would time the mapping rather than test it.
            let first = value(at: path, in: answer).arrayValue?.first
            let element = first.map { $0.arrayValue == nil && $0.objectValue == nil ? $0 : 7 } ?? 7
            let huge = JSONValue.array(Array(repeating: element, count: 100_000))
            mutants.append(
                mutant("\(text(path)) set to a 100,000-element array", replacing(path, in: answer, with: huge)))
        }
        if let path = pick({ _ in true }) {
            mutants.append(nested(answer, at: path, depth: 10_000))
            // Inside the limit, so the JSON parses and the adapter sees the nesting.
            mutants.append(nested(answer, at: path, depth: parserDepthLimit - path.count - 16))
        }
        return mutants
    }

    /// `answer` with the value at `path` replaced by `depth` nested arrays, written as text
    /// because the core cannot hold JSON nested beyond its parser's limit.
    private static func nested(_ answer: JSONValue, at path: [Step], depth: Int) -> WireMutant {
        let marker = "\"nested-marker\""
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let document = String(
            decoding: replacing(path, in: answer, with: "nested-marker").serialized(), as: UTF8.self)
        return WireMutant(
            label: "\(Self.text(path)) nested \(depth) levels deep",
            body: Data(document.replacingOccurrences(of: marker, with: text).utf8))
    }

    private static func mutant(_ label: String, _ value: JSONValue) -> WireMutant {
        WireMutant(label: label, body: value.serialized())
    }

    /// A value of another JSON type than `original`.
    private static func wrongType(for original: JSONValue, random: inout SplitMix64) -> JSONValue {
        let candidates: [JSONValue] = ["42", 42, true, [], ["unexpected": 1]]
        let others = candidates.filter { kind(of: $0) != kind(of: original) }
        return others[Int.random(in: 0..<others.count, using: &random)]
    }

    private static func kind(of value: JSONValue) -> Int {
        switch value {
        case .null: 0
        case .bool: 1
        case .int, .double: 2
        case .string: 3
        case .array: 4
        case .object: 5
        }
    }

    /// Every member and element path of `value`, outermost first.
    public static func allPaths(in value: JSONValue, under prefix: [Step] = []) -> [[Step]] {
        switch value {
        case .object(let members):
            return members.keys.sorted().flatMap { key in
                let path = prefix + [.key(key)]
                return [path] + allPaths(in: members[key]!, under: path)
            }
        case .array(let elements):
            return elements.indices.flatMap { index in
                let path = prefix + [.index(index)]
                return [path] + allPaths(in: elements[index], under: path)
            }
        default:
            return []
        }
    }

    public static func value(at path: [Step], in value: JSONValue) -> JSONValue {
        guard let step = path.first else { return value }
        switch (step, value) {
        case (.key(let key), .object(let members)): return Self.value(at: Array(path.dropFirst()), in: members[key]!)
        case (.index(let index), .array(let elements)):
            return Self.value(at: Array(path.dropFirst()), in: elements[index])
        default: preconditionFailure("no \(text(path)) in \(value)")
        }
    }

    /// `value` with what is at `path` replaced, or removed when `replacement` is `nil`.
    public static func replacing(_ path: [Step], in value: JSONValue, with replacement: JSONValue?) -> JSONValue {
        guard let step = path.first else { return replacement ?? .null }
        let rest = Array(path.dropFirst())
        switch (step, value) {
        case (.key(let key), .object(var members)):
            members[key] = rest.isEmpty ? replacement : replacing(rest, in: members[key]!, with: replacement)
            return .object(members)
        case (.index(let index), .array(var elements)):
            if rest.isEmpty, replacement == nil {
                elements.remove(at: index)
            } else {
                elements[index] = rest.isEmpty ? replacement! : replacing(rest, in: elements[index], with: replacement)
            }
            return .array(elements)
        default:
            preconditionFailure("no \(text(path)) in \(value)")
        }
    }

    /// `results[2].uid`; `the answer` for the empty path.
    public static func text(_ path: [Step]) -> String {
        guard !path.isEmpty else { return "the answer" }
        return path.enumerated().map { offset, step in
            switch step {
            case .key(let key): offset == 0 ? key : ".\(key)"
            case .index(let index): "[\(index)]"
            }
        }.joined()
    }
}

/// What feeding mutants to one operation gave: how many read as values, and the errors by kind.
public struct MutantTally: Sendable, CustomStringConvertible {
    /// How many mutants read as values.
    public var values = 0
    /// How many ended in each kind of error.
    public var errors: [GatewayError.Kind: Int] = [:]
    /// Every mutant that ended otherwise than allowed, with what happened.
    public var problems: [String] = []

    public var description: String {
        let kinds = errors.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")
        return "\(values) values" + (kinds.isEmpty ? "" : ", errors: \(kinds)")
    }
}

extension WireMutants {
    /// Feeds every mutant to `operation`, answering its request with the mutant through
    /// `inject`, and tallies how each ended. A problem is recorded for every mutant that does
    /// not end as a value or a typed ``GatewayError`` (`.decoding` when the mutant is not JSON
    /// at all, one of `allowed` when it is) with a message of bounded length (a 1 MB value
    /// must not be echoed).
    ///
    /// ```swift
    /// let tally = await WireMutants.feed(mutants, inject: { simulator.injectAnswer($0, method: .get) }) {
    ///     _ = try await gateway.exports().collect(upTo: 1_000)
    /// }
    /// #expect(tally.problems.isEmpty, "\(tally.problems)")
    /// ```
    public static func feed(
        _ mutants: [WireMutant], allowed: Set<GatewayError.Kind> = [.decoding],
        inject: (HTTPResponse) -> Void, operation: () async throws -> Void
    ) async -> MutantTally {
        var tally = MutantTally()
        for (index, mutant) in mutants.enumerated() {
            // An in-process simulator answers without suspending: yield now and then, so thousands
            // of mutants do not hold a thread of the two-thread pool that loopback servers need.
            if index % 50 == 49 { await Task.yield() }
            let isJSON = (try? JSONValue(parsing: mutant.body)) != nil
            inject(HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: mutant.body))
            do {
                try await operation()
                tally.values += 1
            } catch let error as GatewayError {
                tally.errors[error.kind, default: 0] += 1
                let expected = isJSON ? allowed : [.decoding]
                if !expected.contains(error.kind) { tally.problems.append("\(mutant.label): \(error)") }
                if error.message.utf8.count >= 2_000 { tally.problems.append("\(mutant.label): message too long") }
            } catch {
                tally.problems.append("\(mutant.label): untyped error \(error)")
            }
        }
        return tally
    }
}
