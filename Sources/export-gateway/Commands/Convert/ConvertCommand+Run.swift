import ExportGateway
import ExportGatewayLabelStudio
import ExportGatewayLabelbox
import Foundation

/// One run of `convert`: open the input, pick its reader, write the output, report.
struct ConvertCommand {
    let session: GatewaySession

    /// `--from FORMAT`.
    static let from: Option<ConvertSource?> = .value(
        "from", placeholder: ConvertSource.allCases.map(\.rawValue).joined(separator: "|"),
        help: "The layout of IN (default: recognized from its files; needed for the two vendor exports).",
        .choice(among: ConvertSource.allCases.map { ($0.rawValue, $0) }))

    /// `--to FORMAT`.
    static let to: Option<AnnotationFormat?> = .value(
        "to", placeholder: "coco|yolo|voc", help: "The layout to write (required).",
        .choice(among: AnnotationFormat.allCases.map { ($0.rawValue, $0) }))

    /// `IN`.
    static let input = Argument("in", help: "A folder, a ZIP archive or a file to read.", ValueParser.path)
    /// `OUT`.
    static let output = Argument("out", help: "The folder to write (must not exist, or be empty).", ValueParser.path)

    func run() async throws {
        guard let target = session.arguments[Self.to] else {
            throw UsageError("Missing '--to coco|yolo|voc': say which layout to write.", command: ["convert"])
        }
        let input = URL(fileURLWithPath: session.arguments[Self.input])
        let destination = URL(fileURLWithPath: session.arguments[Self.output], isDirectory: true)
        let session = self.session
        let progress: (Int, Int) -> Void = { items, annotations in
            if items % 100 == 0 {
                session.progress(
                    "Writing \(target): \(Format.grouped(items)) images, \(Format.grouped(annotations)) annotations")
            }
        }
        let summary = try await session.withProgress { () throws -> AnnotationWriteSummary in
            switch session.arguments[Self.from] {
            case .labelboxNDJSON:
                return try Self.convertRecords(
                    input, framing: .lines, to: target, at: destination, progress: progress,
                    item: LabelboxAnnotations.item(fromRow:))
            case .labelStudioJSON:
                return try Self.convertRecords(
                    input, framing: .jsonArray, to: target, at: destination, progress: progress,
                    item: LabelStudioAnnotations.item(fromTask:))
            case let source:
                let files = try AnnotationFormat.files(at: input)
                guard let format = source?.format ?? AnnotationFormat.detect(in: files) else {
                    throw UsageError(
                        "Could not tell the layout of \(input.path) from its files. Name it with --from "
                            + ConvertSource.allCases.map(\.rawValue).joined(separator: "|") + ".",
                        command: ["convert"])
                }
                var reader = try format.reader(for: files)
                var writer = try target.writer(to: destination, classes: reader.classes)
                return try reader.write(into: &writer, images: files, progress: progress)
            }
        }
        AnnotationSummaryPresenter(session: session).show(
            summary, format: target, destination: destination, how: "converted")
    }

    /// Converts a saved vendor export, record by record, with the adapter's own mapping.
    private static func convertRecords(
        _ input: URL, framing: RecordFraming, to format: AnnotationFormat, at destination: URL,
        progress: (Int, Int) -> Void, item: (JSONValue) throws -> AnnotatedItem
    ) throws -> AnnotationWriteSummary {
        var records = try RecordFileReader(url: input, framing: framing)
        var writer = try format.writer(to: destination)
        var items = 0, annotations = 0
        do {
            while let record = try records.next() {
                let annotated = try item(record.value)
                try writer.write(annotated, image: nil)
                items += 1
                annotations += annotated.annotations.count
                progress(items, annotations)
            }
            return try writer.finish()
        } catch {
            writer.discard()
            throw error
        }
    }
}
