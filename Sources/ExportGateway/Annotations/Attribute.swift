import Foundation

/// A named value on an annotation: an answer to a question, a flag such as `occluded`, or a
/// free key/value pair.
public struct Attribute: Sendable, Hashable {
    /// A value.
    public enum Value: Sendable, Hashable {
        /// A yes/no flag (`occluded`, `truncated`, `difficult`).
        case flag(Bool)
        /// Free text.
        case text(String)
        /// A number.
        case number(Double)
        /// One answer picked from a list.
        case choice(Choice)
        /// Several answers picked from a list.
        case choices([Choice])
    }

    /// The question or key (`occluded`, `weather`).
    public var name: String
    /// The vendor's id for the question, when it has one.
    public var id: String?
    /// The value.
    public var value: Value

    /// Creates an attribute.
    public init(name: String, id: String? = nil, value: Value) {
        self.name = name
        self.id = id
        self.value = value
    }

    /// A flag attribute.
    public static func flag(_ name: String, _ value: Bool) -> Attribute { Attribute(name: name, value: .flag(value)) }
}

/// One answer picked from a list; answers may carry further questions (Labelbox nests them).
public struct Choice: Sendable, Hashable {
    /// The answer.
    public var name: String
    /// The vendor's id for the answer.
    public var id: String?
    /// The model's confidence in the answer, when stated.
    public var confidence: Double?
    /// Questions asked about this answer, with their answers.
    public var children: [Attribute]

    /// Creates an answer.
    public init(name: String, id: String? = nil, confidence: Double? = nil, children: [Attribute] = []) {
        self.name = name
        self.id = id
        self.confidence = confidence
        self.children = children
    }
}
