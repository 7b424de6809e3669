import ExportGateway
import Foundation

/// How export results are printed: for people, as JSON, or as bare ids (`--quiet`).
struct ExportPresenter {
    let session: GatewaySession

    /// The table and NDJSON of `exports list`.
    static let listing = Listing<Export>(
        columns: [
            .init(title: "ID") { $0.id.rawValue },
            .init(title: "STATUS") { $0.status.description },
            .init(title: "VENDOR WORD") { $0.rawStatus ?? "-" },
            .init(title: "FORMAT") { $0.format?.rawValue ?? "-" },
            .init(title: "CREATED") { $0.createdAt.map(ISO8601.string(from:)) ?? "-" },
            .init(title: "NAME") { $0.name ?? "-" },
        ],
        id: { $0.id.rawValue }, json: JSONRepresentation.export, noun: ("export", "exports"))

    /// After `exports create`.
    func created(_ export: Export) {
        if session.json { return session.emit(JSONRepresentation.export(export)) }
        if session.quiet { return session.console.line(export.id.rawValue) }
        session.console.line("Created export \(export.id): \(Self.status(of: export)).")
        session.console.line("Next: \(Usage.programName) exports wait \(export.id)")
    }

    /// After `exports get` (and `exports wait`).
    func show(_ export: Export) {
        if session.json { return session.emit(JSONRepresentation.export(export)) }
        if session.quiet { return session.console.line(export.id.rawValue) }
        var rows = [
            ["ID", export.id.rawValue], ["Provider", export.provider.rawValue], ["Status", Self.status(of: export)],
        ]
        if let name = export.name { rows.append(["Name", name]) }
        if let format = export.format { rows.append(["Format", format.rawValue]) }
        if let source = export.source { rows.append(["Source", source.description]) }
        if let created = export.createdAt { rows.append(["Created", ISO8601.string(from: created)]) }
        if let updated = export.updatedAt { rows.append(["Updated", ISO8601.string(from: updated)]) }
        if let progress = export.progress {
            rows.append(["Progress", "\(progress.completed)" + (progress.total.map { " of \($0)" } ?? "")])
        }
        if let reason = export.failureReason { rows.append(["Failure", reason]) }
        if export.status == .completed {
            let location = export.downloadLocation
            let details = [location?.fileName, location?.byteCount.map(Format.bytes)].compactMap { $0 }
            rows.append(["Result", "ready" + (details.isEmpty ? "" : ": " + details.joined(separator: ", "))])
        }
        Format.table(rows, indent: 0).forEach { session.console.line($0) }
    }

    /// After `exports delete`.
    func deleted(_ deletion: ExportDeletion) {
        if session.json {
            return session.emit(
                .object([
                    "deleted": .array(deletion.deleted.map { .string($0.rawValue) }),
                    "notFound": .array(deletion.notFound.map { .string($0.rawValue) }),
                ]))
        }
        if session.quiet { return deletion.deleted.forEach { session.console.line($0.rawValue) } }
        deletion.deleted.forEach { session.console.line("Deleted export \($0).") }
        deletion.notFound.forEach { session.console.line("No export \($0) (nothing to delete).") }
    }

    /// `running (vendor word "exporting")`.
    static func status(of export: Export) -> String {
        export.status.description + (export.rawStatus.map { " (vendor word \"\($0)\")" } ?? "")
    }
}
