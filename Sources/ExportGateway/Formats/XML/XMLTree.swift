import Foundation

/// A parsed element with its children, for small per-image documents (a VOC annotation is a
/// few kilobytes) where walking a tree is simpler than handling events.
struct XMLTree: Sendable, Hashable {
    /// The tag name.
    var name: String
    /// The attributes.
    var attributes: [String: String]
    /// The element's own text (the pieces between its children, joined).
    var text: String
    /// The child elements, in document order.
    var children: [XMLTree]

    /// Parses a whole document and returns its root element.
    /// - Throws: ``GatewayError/Kind/decoding`` for malformed XML, naming `file`.
    static func parse(_ data: Data, file: String, maxDepth: Int = 64) throws -> XMLTree {
        var parser = XMLPullParser(data, file: file, maxDepth: maxDepth)
        var stack: [XMLTree] = []
        var root: XMLTree?
        while let event = try parser.next() {
            switch event {
            case .start(let name, let attributes):
                stack.append(XMLTree(name: name, attributes: attributes, text: "", children: []))
            case .text(let text):
                if !stack.isEmpty { stack[stack.count - 1].text += text }
            case .end:
                guard let finished = stack.popLast() else { continue }
                if stack.isEmpty { root = finished } else { stack[stack.count - 1].children.append(finished) }
            }
        }
        guard let root else {
            throw GatewayError(.decoding, message: "\(file): the XML document has no root element.")
        }
        return root
    }

    /// The first child named `name`.
    func child(_ name: String) -> XMLTree? { children.first { $0.name == name } }

    /// Every child named `name`.
    func children(_ name: String) -> [XMLTree] { children.filter { $0.name == name } }

    /// The trimmed text of the first child named `name`, or `nil` when there is none.
    func value(_ name: String) -> String? {
        child(name).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}
