/// `--name value` pairs of a child's command line.
struct ChildArguments {
    private var values: [String: String] = [:]

    init(_ arguments: some Sequence<String>) {
        var iterator = arguments.makeIterator()
        while let name = iterator.next() {
            guard name.hasPrefix("--") else { continue }
            values[String(name.dropFirst(2))] = iterator.next()
        }
    }

    func string(_ name: String) throws -> String {
        guard let value = values[name] else { throw BenchmarkFailure("The child was started without --\(name).") }
        return value
    }

    func int(_ name: String) throws -> Int {
        guard let value = Int(try string(name)) else { throw BenchmarkFailure("--\(name) is not a whole number.") }
        return value
    }
}
