import Foundation

/// How the core reads a vendor's annotations for ``Gateway/annotations(of:)``: the adapter
/// says which route its vendor allows; the core downloads, streams and reads.
public enum AnnotationRoute: Sendable, Hashable {
    /// Each record of the export's results stream is one image: the core streams the records
    /// and maps each with ``ExportProvider/annotatedItem(from:)``.
    case records
    /// The export's file holds the annotations in a standard format: the core asks for
    /// `request` when creating the export (``Gateway/createAnnotationExport(of:name:)``),
    /// downloads the file and reads it as `reads`.
    case file(request: ExportFormat, reads: AnnotationFormat)
    /// The vendor offers no export the gateway can read annotations from; `reason` says why.
    case unsupported(reason: String)
}
