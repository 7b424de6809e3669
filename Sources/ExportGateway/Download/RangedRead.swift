import Foundation

/// One ranged read of result bytes: the request the file downloader and the record stream
/// reader both send, and the check of a 206 answer, so the two agree byte for byte.
enum RangedRead {
    /// A GET of bytes `first...last` of `url`, with `Accept-Encoding: identity`, because
    /// ranges must count stored bytes, not gzip output. It carries no credential:
    /// ``VendorAPI/fetchResult(_:)`` adds one only when `url` is on the API's own origin.
    static func request(_ url: URL, from first: Int64, through last: Int64) -> HTTPRequest {
        var request = whole(url)
        request.headers["Range"] = "bytes=\(first)-\(last)"
        return request
    }

    /// A GET of all of `url` in one answer, for bytes that may differ between requests
    /// (``DownloadLocation/isByteStable``), where joining ranges could splice two files.
    static func whole(_ url: URL) -> HTTPRequest {
        var request = HTTPRequest(method: .get, url: url)
        request.headers["Accept-Encoding"] = "identity"
        request.headers["User-Agent"] = UserAgent.value
        return request
    }

    /// The range a 206 answer claims, when it starts at `first` and covers exactly the bytes
    /// of its body; `nil` for any other answer, which must not be written.
    static func checkedRange(of response: HTTPResponse, startingAt first: Int64) -> ContentRange? {
        guard let range = ContentRange(response.headers["Content-Range"]), range.first == first,
            range.count == Int64(response.body.count)
        else { return nil }
        return range
    }
}
