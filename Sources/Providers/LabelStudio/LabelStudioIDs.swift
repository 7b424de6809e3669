import ExportGateway
import Foundation

/// A Label Studio export snapshot as an ``ExportID``: `"{project id}/{export id}"` for the
/// stored JSON, or `"{project id}/{export id}/{FORMAT}"` for the same snapshot converted to
/// one of Label Studio's export formats (`COCO`, `YOLO`, `JSON_MIN`...) when downloaded.
///
/// Export ids are global integers in Label Studio, but every route needs the project too,
/// and only the id survives between a create and a wait, so the id carries both, and the
/// format the download asks for.
struct LabelStudioExportID: Hashable, Sendable, CustomStringConvertible {
    /// The project the snapshot belongs to.
    var project: Int64
    /// The snapshot's id.
    var export: Int64
    /// The format to convert to when downloading; `nil` for the stored JSON itself.
    var format: String?

    /// Reads `id`; `nil` when it is not of either form (positive decimal ids, a format of
    /// letters, digits and `_`).
    init?(_ id: ExportID) {
        let parts = id.rawValue.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let project = Self.number(parts[0]),
            let export = Self.number(parts[1])
        else { return nil }
        if parts.count == 3 {
            guard Self.isFormatWord(parts[2]) else { return nil }
            format = String(parts[2])
        }
        self.project = project
        self.export = export
    }

    init(project: Int64, export: Int64, format: String?) {
        self.project = project
        self.export = export
        self.format = format
    }

    /// The id as the gateway hands it out.
    var exportID: ExportID { ExportID(rawValue: description) }

    var description: String { "\(project)/\(export)" + (format.map { "/\($0)" } ?? "") }

    /// What an id of another form is told: the form, with an example.
    static let form = "\"<project id>/<export id>\" (such as \"12/5\"), optionally followed by \"/<FORMAT>\""

    /// A positive decimal number of ASCII digits only (no sign, no spaces).
    static func number(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int64(text), value > 0
        else { return nil }
        return value
    }

    /// Label Studio's format names are upper-case words with digits and `_` (`YOLO_OBB`).
    static func isFormatWord(_ text: Substring) -> Bool {
        !text.isEmpty
            && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
    }
}

/// A ``DatasetRef`` (or a project source) as Label Studio reads it: the project's id.
enum LabelStudioProject {
    /// The project id in `text`, which must be a positive decimal number; otherwise
    /// `invalidRequest` on `field`, before any request.
    static func id(_ text: String, field: String) throws -> Int64 {
        guard let id = LabelStudioExportID.number(Substring(text)) else {
            let message =
                "\"\(text)\" is not a Label Studio project id. Pass the project's number, as in its URL "
                + "(/projects/12/data), such as \"12\"."
            throw GatewayError.invalidRequest(message, fieldErrors: [field: [message]])
        }
        return id
    }
}
