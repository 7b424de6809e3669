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
}
