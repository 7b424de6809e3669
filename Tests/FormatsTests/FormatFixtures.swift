import ExportGateway
import Foundation

/// The reference dataset datumaro 1.13.12 wrote as COCO, YOLO and Pascal VOC
/// (`Tests/Fixtures/formats/README.md` has the counts and conventions).
enum FormatFixtures {
    /// `Tests/Fixtures/formats`.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/formats")

    /// One format's folder, as files to read.
    static func files(_ format: AnnotationFormat) throws -> FolderFiles {
        try FolderFiles(root: root.appendingPathComponent(format == .voc ? "voc" : format.rawValue))
    }
}
