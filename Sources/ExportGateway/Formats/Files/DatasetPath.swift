import Foundation

/// Relative dataset paths: the one place that decides which names are safe to read and write.
public enum DatasetPath {
    /// Whether `path` stays inside its root: relative, no `.`/`..` or empty component, no NUL.
    public static func isSafe(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0"), !path.contains("\\") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0 != "." && $0 != ".."
        }
    }

    /// A relative path made from a vendor's key or id that is safe to write under a folder:
    /// URL and query parts dropped, `\` read as `/`, empty, `.` and `..` parts removed, so
    /// `../../etc/passwd` becomes `etc/passwd` and `https://host/a/b.jpg?sig=1` becomes `b.jpg`.
    /// Returns `nil` when nothing usable is left.
    public static func sanitized(_ key: String) -> String? {
        var text = key.replacingOccurrences(of: "\\", with: "/").replacingOccurrences(of: "\0", with: "")
        if let scheme = text.range(of: "://") {
            text = String(text[scheme.upperBound...])
            text = text.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
            text = text.split(separator: "#", maxSplits: 1).first.map(String.init) ?? ""
            text = text.split(separator: "/").last.map(String.init) ?? ""
        }
        let parts = text.split(separator: "/").filter { $0 != "." && $0 != ".." && !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }

    /// `path` without its file extension: `city/0001.jpg` gives `city/0001`.
    public static func stem(_ path: String) -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        guard let dot = path[slash...].lastIndex(of: "."), dot > slash else { return path }
        return String(path[..<dot])
    }

    /// The extension of `path` without the dot, lowercased, or `""`.
    public static func fileExtension(_ path: String) -> String {
        let stem = stem(path)
        return stem.count < path.count ? String(path.dropFirst(stem.count + 1)).lowercased() : ""
    }
}
