import Foundation

/// The errors a ZIP archive gives, worded once: each names the archive (and the entry) and
/// says what to do.
enum ZipError {
    /// The archive itself is damaged or not a ZIP archive.
    static func damaged(_ archive: URL, _ problem: String) -> GatewayError {
        GatewayError(
            .decoding,
            message: "The ZIP archive \(archive.path) cannot be read: \(problem). "
                + "Download or export it again; if it keeps failing, unpack it with another tool and read the folder.")
    }

    /// One entry is damaged, hostile or does not match what the central directory declares.
    static func damaged(_ archive: URL, entry: String, _ problem: String) -> GatewayError {
        GatewayError(
            .decoding,
            message: "The entry \(entry) of the ZIP archive \(archive.path) cannot be read: \(problem). "
                + "Download or export the archive again.")
    }

    /// The archive or one entry uses a ZIP feature this reader does not implement.
    static func unsupported(_ archive: URL, entry: String?, _ feature: String, advice: String) -> GatewayError {
        let subject =
            entry.map { "The entry \($0) of the ZIP archive \(archive.path)" } ?? "The ZIP archive \(archive.path)"
        return GatewayError(
            .unsupported, message: "\(subject) uses \(feature), which cannot be read. " + advice, feature: feature)
    }
}
