import Foundation

/// Opaque page tokens in the style of Django REST Framework's cursor pagination: base64 of a
/// position, prefixed with bytes that make the encoding contain `+`, `/` and `=`, so a
/// client that forgets to percent-encode or decode a cursor is caught.
enum CursorToken {
    private static let prefix: [UInt8] = [0xFB, 0xFF, 0xBF]

    static func encode(position: Int) -> String {
        var bytes = prefix
        bytes.append(contentsOf: Array("p=\(position)".utf8))
        // Pad the payload length to 1 mod 3 so the token always ends with "==".
        while bytes.count % 3 != 1 { bytes.insert(0xFB, at: 0) }
        return Data(bytes).base64EncodedString()
    }

    static func decode(_ token: String) -> Int? {
        guard let data = Data(base64Encoded: token) else { return nil }
        let bytes = Array(data.drop { $0 == 0xFB })
        guard bytes.starts(with: prefix.dropFirst()),
            let text = String(bytes: bytes.dropFirst(prefix.count - 1), encoding: .utf8),
            text.hasPrefix("p="), let position = Int(text.dropFirst(2)), position >= 0
        else { return nil }
        return position
    }
}
