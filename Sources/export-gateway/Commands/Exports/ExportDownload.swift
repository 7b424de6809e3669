import ExportGateway
import Foundation

/// `exports download`: reads the export, picks the destination, and downloads with a
/// progress line.
struct ExportDownload {
    let session: GatewaySession

    /// `--output FILE`: a file, or a folder to keep the vendor's file name in.
    static let output: Option<String?> = .value(
        "output", short: "o", placeholder: "FILE",
        help:
            "Where to save it; a folder keeps the vendor's file name (default: the vendor's file name, else <export-id>.zip, .json or .ndjson by format, here).",
        .path)

    /// `--as coco|yolo|voc`: a dataset folder instead of the vendor's file.
    static let annotationFormat: Option<AnnotationFormat?> = .value(
        "as", placeholder: "coco|yolo|voc",
        help:
            "Write the annotations as a COCO, YOLO or Pascal VOC dataset folder (--output DIR, default <export-id>-<format>), the same layout whatever the vendor, instead of saving the vendor's file.",
        .choice(among: AnnotationFormat.allCases.map { ($0.rawValue, $0) }))

    func run(_ id: ExportID) async throws {
        let gateway = try session.makeGateway()
        let export = try await gateway.export(id)
        if let format = session.arguments[Self.annotationFormat] {
            return try await AnnotationDownloadCommand(session: session).run(export, as: format, gateway: gateway)
        }
        let destination = Self.destination(for: export, output: session.arguments[Self.output])
        let meter = TransferMeter(clock: session.console.environment.clock)
        let session = self.session
        let file = try await session.withProgress {
            try await gateway.download(export, to: destination) { progress in
                session.progress("Downloading \(id): \(meter.line(for: progress))")
            }
        }
        if session.json {
            return session.emit(
                .object([
                    "export": .string(id.rawValue), "path": .string(file.url.path), "byteCount": .int(file.byteCount),
                ]))
        }
        if session.quiet { return session.console.line(file.url.path) }
        session.console.line("Saved \(Format.bytes(file.byteCount)) to \(file.url.path).")
    }

    /// `output` when it names a file; inside it when it is a folder (or ends in `/`); the
    /// current folder otherwise. The file name is the vendor's, made safe, else the id's.
    static func destination(for export: Export, output: String?) -> URL {
        // A streamed result (Labelbox) is NDJSON, Label Studio's snapshot JSON; others hand over an archive.
        let fallback = "\(export.id.rawValue).\(FileNames.fileExtension(for: export))"
        let name = FileNames.safe(export.downloadLocation?.fileName ?? fallback)
        guard let output else { return URL(fileURLWithPath: name) }
        var isFolder: ObjCBool = false
        if output.hasSuffix("/")
            || (FileManager.default.fileExists(atPath: output, isDirectory: &isFolder) && isFolder.boolValue)
        {
            return URL(fileURLWithPath: output, isDirectory: true).appendingPathComponent(name)
        }
        return URL(fileURLWithPath: output)
    }
}
