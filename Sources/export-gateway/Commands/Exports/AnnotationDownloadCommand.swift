import ExportGateway
import Foundation

/// `exports download <id> --as FORMAT`: the export's annotations as a dataset folder, with a
/// progress line and a summary of what the format could not hold.
struct AnnotationDownloadCommand {
    let session: GatewaySession

    func run(_ export: Export, as format: AnnotationFormat, gateway: Gateway) async throws {
        let destination = URL(
            fileURLWithPath: session.arguments[ExportDownload.output] ?? "\(export.id.rawValue)-\(format)",
            isDirectory: true)
        let meter = TransferMeter(clock: session.console.environment.clock)
        let session = self.session
        let result = try await session.withProgress {
            try await gateway.downloadAnnotations(of: export, as: format, to: destination) { progress in
                switch progress {
                case .downloading(let bytes):
                    session.progress("Downloading \(export.id): \(meter.line(for: bytes))")
                case .writing(let items, let annotations):
                    session.progress(
                        "Writing \(format): \(Format.grouped(items)) images, \(Format.grouped(annotations)) annotations"
                    )
                }
            }
        }
        AnnotationSummaryPresenter(session: session).show(
            result.summary, format: format, destination: destination,
            how: result.passedThrough ? "the vendor's \(format) files, checked" : "converted")
    }
}

/// Prints what an annotation writer wrote: one line, the notes on what the format could not
/// hold, or one JSON object.
struct AnnotationSummaryPresenter {
    let session: GatewaySession

    func show(_ summary: AnnotationWriteSummary, format: AnnotationFormat, destination: URL, how: String) {
        if session.json {
            return session.emit(
                .object([
                    "path": .string(destination.path), "format": .string(format.rawValue),
                    "images": .int(Int64(summary.items)), "annotations": .int(Int64(summary.annotations)),
                    "classes": .array(summary.classes.map(JSONValue.string)),
                    "skipped": .object(summary.skipped.mapValues { .int(Int64($0)) }),
                    "adjusted": .object(summary.adjusted.mapValues { .int(Int64($0)) }),
                ]))
        }
        if session.quiet { return session.console.line(destination.path) }
        session.console.line(
            "Wrote \(Format.grouped(summary.items)) images, \(Format.grouped(summary.annotations)) annotations and "
                + "\(summary.classes.count) classes as \(format) (\(how)) to \(destination.path).")
        for (reason, count) in summary.skipped.sorted(by: { $0.key < $1.key }) {
            session.console.line("  left out \(Format.grouped(count)): \(reason)")
        }
        for (reason, count) in summary.adjusted.sorted(by: { $0.key < $1.key }) {
            session.console.line("  adjusted \(Format.grouped(count)): \(reason)")
        }
    }
}
