/// An ordered list of HTTP header fields whose names compare case-insensitively.
///
/// Order and duplicates are kept as sent, because some vendors read repeated fields;
/// lookups ignore case, as HTTP says they must.
///
/// ```swift
/// var headers = HTTPHeaders()
/// headers["Accept"] = "application/json"
/// headers["accept"]   // "application/json"
/// ```
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One header field as it appears on the wire.
    public struct Field: Sendable, Hashable {
        /// The field name, with the case it was given.
        public var name: String
        /// The field value.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field]

    /// Creates an empty header list.
    public init() { fields = [] }

    /// Creates a header list from `(name, value)` pairs, keeping their order.
    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// Creates a header list from a dictionary literal.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The first value for `name`, or `nil`; setting replaces every field of that name
    /// (setting `nil` removes them).
    public subscript(name: String) -> String? {
        get { fields.first { $0.name.caseInsensitiveEquals(name) }?.value }
        set {
            let matches = { (field: Field) in field.name.caseInsensitiveEquals(name) }
            if let newValue, let first = fields.firstIndex(where: matches) {
                fields[first].value = newValue
                fields = fields.enumerated()
                    .filter { $0.offset <= first || !matches($0.element) }
                    .map(\.element)
            } else {
                fields.removeAll(where: matches)
                if let newValue { fields.append(Field(name: name, value: newValue)) }
            }
        }
    }

    /// Every value for `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    /// Adds a field without replacing existing fields of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field whose name is in `names` (compared case-insensitively).
    public mutating func remove(names: some Collection<String>) {
        fields.removeAll { field in names.contains { field.name.caseInsensitiveEquals($0) } }
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { $0.name.caseInsensitiveEquals(name) }
    }

    /// The field names, lowercased, without duplicates.
    public var names: Set<String> { Set(fields.map { $0.name.lowercased() }) }

    /// A copy whose values for `sensitiveNames` read `[redacted]`, safe to log or record.
    public func redacting(_ sensitiveNames: some Collection<String>) -> HTTPHeaders {
        var copy = self
        for index in copy.fields.indices
        where sensitiveNames.contains(where: { copy.fields[index].name.caseInsensitiveEquals($0) }) {
            copy.fields[index].value = Redaction.placeholder
        }
        return copy
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        count == other.count && lowercased() == other.lowercased()
    }
}
