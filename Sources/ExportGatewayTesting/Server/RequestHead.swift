/// The request line and header fields of one HTTP/1.x request, as parsed from the wire.
///
/// Parsing is strict where leniency lets two parties read one message two ways (bare
/// header folding, a space before the colon, `Content-Length` beside `Transfer-Encoding`):
/// such requests are refused with 400 rather than guessed at.
struct RequestHead: Sendable, Equatable {
    /// The method word, such as `GET`.
    var method: String
    /// The request target exactly as sent, such as `/api/v1/exports?cursor=abc`.
    var target: String
    /// The minor version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    var minorVersion: Int
    /// The header fields in order, names as sent.
    var fields: [(name: String, value: String)]

    static func == (lhs: RequestHead, rhs: RequestHead) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.minorVersion == rhs.minorVersion
            && lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The value of the first field called `name` (case-insensitive).
    func value(_ name: String) -> String? {
        fields.first { $0.name.lowercased() == name }?.value
    }

    /// Every value of the fields called `name` (case-insensitive), in order.
    func values(_ name: String) -> [String] {
        fields.filter { $0.name.lowercased() == name }.map(\.value)
    }

    /// Every element of the comma-separated fields called `name`, spaces around each trimmed
    /// (`Connection: keep-alive, Upgrade` is two elements).
    func listValues(_ name: String) -> [String] {
        values(name).flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { element in
            String(element.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
    }

    /// Whether the client wants the connection kept open after this exchange: HTTP/1.1
    /// unless it says `close`, HTTP/1.0 only when it says `keep-alive`.
    var wantsKeepAlive: Bool {
        let tokens = listValues("connection").map { $0.lowercased() }
        if tokens.contains("close") { return false }
        return minorVersion >= 1 || tokens.contains("keep-alive")
    }

    /// Whether the client waits for `100 Continue` before sending its body.
    var expectsContinue: Bool { value("expect")?.lowercased() == "100-continue" }

    /// What the outcome of looking for a request head in received bytes was.
    enum ParseResult: Equatable {
        /// The head is not complete yet.
        case needMore
        /// The head is complete; the body (if any) starts at `bodyStart`.
        case head(RequestHead, bodyStart: Int)
        /// The head is longer than the limit (answer 431).
        case tooLarge
        /// The bytes are not an HTTP/1.x request head (answer 400).
        case invalid(String)
    }

    /// Looks for a complete request head in `bytes[start...]`, no longer than `maxBytes`.
    static func parse(_ bytes: [UInt8], from start: Int, maxBytes: Int) -> ParseResult {
        var begin = start
        // RFC 9112 §2.2: a server should ignore empty lines received before the request line.
        while begin + 1 < bytes.count, bytes[begin] == 13, bytes[begin + 1] == 10 { begin += 2 }
        guard let end = headEnd(bytes, from: begin, limit: begin + maxBytes) else {
            return bytes.count - begin > maxBytes ? .tooLarge : .needMore
        }
        let lines = bytes[begin..<end].split(separator: 10, omittingEmptySubsequences: false).map { line in
            line.last == 13 ? line.dropLast() : line
        }
        guard let requestLine = lines.first, let (method, target, minor) = parseRequestLine(requestLine) else {
            return .invalid("malformed request line")
        }
        var fields: [(name: String, value: String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            guard let field = parseField(line) else { return .invalid("malformed header field") }
            fields.append(field)
        }
        return .head(
            RequestHead(method: method, target: target, minorVersion: minor, fields: fields), bodyStart: end + 4)
    }

    /// The index of the `\r\n\r\n` that ends the head, searched no further than `limit`.
    private static func headEnd(_ bytes: [UInt8], from start: Int, limit: Int) -> Int? {
        let last = min(bytes.count, limit + 4) - 4
        guard last >= start else { return nil }
        var index = start
        while index <= last {
            if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                return index
            }
            index += 1
        }
        return nil
    }

    /// `METHOD SP request-target SP HTTP/1.x`, each part checked against its grammar.
    private static func parseRequestLine(_ line: ArraySlice<UInt8>) -> (String, String, Int)? {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte),
            !parts[1].isEmpty, parts[1].allSatisfy({ $0 > 32 && $0 < 127 })
        else { return nil }
        let version = Array(parts[2])
        guard version.count == 8, version.starts(with: Array("HTTP/1.".utf8)), (48...57).contains(version[7]) else {
            return nil
        }
        return (
            String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self), Int(version[7] - 48)
        )
    }

    /// `name: value` with a token name and no control bytes in the value (tab allowed).
    private static func parseField(_ line: ArraySlice<UInt8>) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: 58) else { return nil }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else { return nil }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 32 || first == 9 { value = value.dropFirst() }
        while let last = value.last, last == 32 || last == 9 { value = value.dropLast() }
        guard value.allSatisfy({ $0 == 9 || $0 >= 32 && $0 != 127 }) else { return nil }
        // Values are ISO-8859-1 on the wire; UTF-8 is what every client here sends, and
        // anything else arrives as replacement characters rather than as a crash.
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
