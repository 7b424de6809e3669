import ExportGateway
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns an ``HTTPResponse`` into HTTP/1.1 bytes: status line, the handler's fields, and the
/// framing fields the server alone decides.
///
/// The server owns `Content-Length`, `Connection` and `Transfer-Encoding` (a handler's own
/// would contradict the bytes actually sent) and adds `Date` and a `Content-Type` when the
/// handler set none. A `HEAD` answer keeps the length of the body it omits: the handler's
/// `Content-Length` when it sent no body (as ``StorageOrigin`` does), else the body's size.
/// A status without a body (204, 304, 1xx) gets none, unless the handler set
/// `Content-Length: 0` itself (Django's 204s carry it).
///
/// One handler field does count: `Connection: close` makes the answer close-delimited, as a
/// WSGI server streaming a file sends it (RFC 9112, section 6.3): `Connection: close`, no
/// `Content-Length` (not even for `HEAD`), the body, then the connection closes. A client
/// learns the body's end only from the close.
enum ResponseHead {
    /// Whether the handler asked for `response`'s body to end with the connection.
    static func isCloseDelimited(_ response: HTTPResponse) -> Bool {
        response.headers["Connection"]?.trimmingCharacters(in: .whitespaces).lowercased() == "close"
    }

    /// The bytes of `response`'s head and, unless `isHead`, its body.
    static func serialize(_ response: HTTPResponse, isHead: Bool, keepAlive: Bool, date: String) -> Data {
        let (head, body) = parts(response, isHead: isHead, keepAlive: keepAlive, date: date)
        return head + body
    }

    /// The bytes of `response`'s head, and the body bytes that follow it on the wire (none
    /// for `HEAD` or a status without a body), apart: a body fault delivers only the body
    /// differently.
    static func parts(
        _ response: HTTPResponse, isHead: Bool, keepAlive: Bool, date: String
    ) -> (head: Data, body: Data) {
        var text = "HTTP/1.1 \(response.status) \(reasonPhrase(response.status))\r\n"
        let framing: Set<String> = ["content-length", "connection", "transfer-encoding", "keep-alive"]
        for field in response.headers where !framing.contains(field.name.lowercased()) {
            text += "\(field.name): \(sanitized(field.value))\r\n"
        }
        if !response.headers.contains("Date") { text += "Date: \(date)\r\n" }
        let bodyless = (100..<200).contains(response.status) || response.status == 204 || response.status == 304
        let closeDelimited = isCloseDelimited(response)
        if !bodyless {
            if !response.headers.contains("Content-Type") && !response.body.isEmpty {
                text += "Content-Type: application/octet-stream\r\n"
            }
            let declared = response.headers["Content-Length"].flatMap(Int.init)
            let length = isHead && response.body.isEmpty ? (declared ?? 0) : response.body.count
            if !closeDelimited { text += "Content-Length: \(length)\r\n" }
        } else if response.headers["Content-Length"] == "0" {
            // A handler may still declare the empty body, as Django does on a 204.
            text += "Content-Length: 0\r\n"
        }
        text += keepAlive && !closeDelimited ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return (Data(text.utf8), isHead || bodyless ? Data() : response.body)
    }

    /// A short plain-text error the server itself sends (400, 408, 413, 431, 503...) with any
    /// extra `headers` (a `Retry-After`), always followed by closing the connection.
    static func serverError(_ status: Int, _ reason: String, headers: HTTPHeaders = [:], date: String) -> Data {
        var response = HTTPResponse.text(status, "\(status) \(reasonPhrase(status)): \(reason)\n")
        for field in headers { response.headers[field.name] = field.value }
        return serialize(response, isHead: false, keepAlive: false, date: date)
    }

    /// A header value with CR and LF replaced: a handler's text must never split the head.
    private static func sanitized(_ value: String) -> String {
        value.contains(where: { $0 == "\r" || $0 == "\n" })
            ? value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") : value
    }

    /// The RFC 9110 reason phrase for `status` (clients ignore it; humans reading curl -v do not).
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 416: "Range Not Satisfiable"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }

    /// The current time as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), built with
    /// `gmtime_r` because a `DateFormatter` per response would cost more than the response.
    static func httpDate(_ date: Date = Date()) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
