/// Entry names as ZIP stores them: UTF-8 when flag bit 11 says so or the bytes are valid
/// UTF-8 anyway (many tools omit the flag), IBM code page 437 otherwise, as the specification
/// and Python's `zipfile` read them.
enum ZipEntryName {
    /// Code page 437's characters for bytes 0x80 to 0xFF.
    private static let codePage437High: [Character] = Array(
        "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀"
            + "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{A0}")

    /// The name the raw bytes spell, or `nil` when flag bit 11 promises UTF-8 and they are not.
    static func decode(_ raw: ArraySlice<UInt8>, flags: UInt16) -> String? {
        if let text = String(validating: raw, as: UTF8.self) { return text }
        guard flags & 0x0800 == 0 else { return nil }
        var text = ""
        for byte in raw {
            if byte < 0x80 {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text.append(codePage437High[Int(byte - 0x80)])
            }
        }
        return text
    }

    /// The name without the leading `./` some tools write, so `./a.json` lists as `a.json`.
    static func normalized(_ name: String) -> String {
        var name = Substring(name)
        while name.hasPrefix("./") { name = name.dropFirst(2) }
        return String(name)
    }
}
