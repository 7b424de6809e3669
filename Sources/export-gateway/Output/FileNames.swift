import ExportGateway
import Foundation

/// File names built from what a vendor sends (export ids, suggested names), made safe to
/// join to a folder.
enum FileNames {
    /// `text` with anything but letters, digits, `.`, `-` and `_` replaced by `_`, so a
    /// vendor's id or suggested name can never name a path outside the folder it goes in.
    static func safe(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
        let name = String(text.map { allowed.contains($0) ? $0 : "_" })
        return name.allSatisfy { $0 == "." } ? "export" : name
    }

    /// The extension of the file `export` downloads as, for when the vendor gives no file
    /// name: that of the file name it gives, else by format: a JSON export (Label Studio's
    /// stored snapshot) is one `.json` file, an NDJSON one (Labelbox's stream) one `.ndjson`
    /// file, and any other format an archive, `.zip`.
    static func fileExtension(for export: Export) -> String {
        if let name = export.downloadLocation?.fileName {
            let suffix = URL(fileURLWithPath: name).pathExtension
            if !suffix.isEmpty { return safe(suffix) }
        }
        switch export.format?.rawValue.lowercased() {
        case ExportFormat.json.rawValue: return "json"
        case ExportFormat.ndjson.rawValue: return "ndjson"
        default: return "zip"
        }
    }
}
