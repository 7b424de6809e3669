import Foundation

/// One object, region or answer on an image.
///
/// A box, polygon, line or point carries its class in ``label``; a question answered about the
/// whole image (a Labelbox radio, a Label Studio choice) is a ``Geometry/whole`` annotation
/// whose answer is in ``attributes``.
public struct Annotation: Sendable, Hashable {
    /// The vendor's id for this object (Labelbox `feature_id`, Label Studio result id, COCO
    /// annotation id), when it has one.
    public var id: String?
    /// The class name; `nil` for a whole-image question whose answer is an attribute.
    public var label: String?
    /// Where the object is, in the item's ``AnnotatedItem/units``.
    public var geometry: Geometry
    /// Answers, flags (occluded, truncated, difficult) and free key/values.
    public var attributes: [Attribute]
    /// The model's confidence in `0...1` for a prediction; `nil` when not stated (never
    /// defaulted to 1).
    public var confidence: Double?
    /// Who made it: a person, ground truth, or a model.
    public var source: AnnotationSource
    /// Ties annotations together: the keypoints of one instance, the region a choice is about.
    public var group: String?
    /// The vendor's own object, for what the model has no word for.
    public var providerFields: JSONValue

    /// Creates an annotation.
    public init(
        id: String? = nil, label: String?, geometry: Geometry, attributes: [Attribute] = [],
        confidence: Double? = nil, source: AnnotationSource = AnnotationSource(), group: String? = nil,
        providerFields: JSONValue = .null
    ) {
        self.id = id
        self.label = label
        self.geometry = geometry
        self.attributes = attributes
        self.confidence = confidence
        self.source = source
        self.group = group
        self.providerFields = providerFields
    }

    /// The value of the flag attribute `name` (`occluded`, `truncated`, `difficult`), or `false`.
    public func flag(_ name: String) -> Bool {
        for attribute in attributes where attribute.name == name {
            if case .flag(let value) = attribute.value { return value }
        }
        return false
    }
}

/// Who made an annotation, and in which set.
public struct AnnotationSource: Sendable, Hashable {
    /// The kind of author.
    public enum Kind: Sendable, Hashable {
        /// A person's label (the default).
        case annotation
        /// A label the vendor marks as ground truth.
        case groundTruth
        /// A model's prediction, with the model's name or version when the vendor gives one.
        case prediction(model: String?)
    }

    /// The kind of author.
    public var kind: Kind
    /// The vendor's id of the label, annotation or prediction set this belongs to.
    public var setID: String?
    /// Who made it (an email or user id), when the vendor says.
    public var author: String?
    /// When it was made, when the vendor says.
    public var createdAt: Date?
    /// A score for the whole set (a Label Studio prediction's `score`).
    public var score: Double?

    /// Creates a source; the default is a person's annotation with nothing else known.
    public init(
        kind: Kind = .annotation, setID: String? = nil, author: String? = nil, createdAt: Date? = nil,
        score: Double? = nil
    ) {
        self.kind = kind
        self.setID = setID
        self.author = author
        self.createdAt = createdAt
        self.score = score
    }
}
