import ExportGateway
import Foundation
import Synchronization

/// A simulated object store (S3-like) on its own origin: serves result files by signed,
/// expiring URLs, honors `Range`, and needs no vendor credential — it refuses one, so a
/// gateway that leaks the API key to storage fails loudly.
public final class StorageOrigin: Sendable {
    /// The origin's base URL, such as `https://storage.avala.sim`.
    public let baseURL: URL
    /// How long a signed URL stays valid.
    public let urlLifetime: TimeInterval

    private let time: SimulatedTime
    private let credentials: [String]
    private let objects = Mutex<[String: (data: Data, etag: String)]>([:])
    private let signingSecret = "simulated-storage-signing-secret"

    init(baseURL: URL, time: SimulatedTime, credentials: [String], urlLifetime: TimeInterval = 3600) {
        self.baseURL = baseURL
        self.time = time
        self.credentials = credentials.filter { !$0.isEmpty }
        self.urlLifetime = urlLifetime
    }

    /// Stores `data` under `name` (a `/`-separated object key), replacing any earlier object.
    func put(_ data: Data, at name: String) {
        let etag = "\"\(String(CRC32.checksum(data), radix: 16))\""  // once here, not per ranged read
        objects.withLock { $0[name] = (data, etag) }
    }

    /// Deletes the object stored under `name`, if any: signed URLs for it, even unexpired
    /// ones, then answer 404 `NoSuchKey` (a vendor deleting an export removes its file).
    func remove(_ name: String) {
        objects.withLock { $0[name] = nil }
    }

    /// The stored object's size, if it exists.
    func size(of name: String) -> Int? { objects.withLock { $0[name]?.data.count } }

    /// A URL for `name` that works until `urlLifetime` from now (simulated time).
    func signedURL(for name: String) -> (url: URL, expiresAt: Date) {
        let expires = Int(time.now.timeIntervalSince1970 + urlLifetime)
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)!
        components.path = "/" + name
        components.queryItems = [
            URLQueryItem(name: "expires", value: String(expires)),
            URLQueryItem(name: "sig", value: signature(name, expires)),
        ]
        return (components.url!, Date(timeIntervalSince1970: TimeInterval(expires)))
    }

    func handle(_ request: SimulatedRequest) -> HTTPResponse {
        if credentials.contains(where: { secret in request.headers.contains { $0.value.contains(secret) } }) {
            return Self.error(400, "InvalidArgument", "A vendor API credential was sent to the storage host.")
        }
        guard request.method == .get || request.method == .head else {
            return Self.error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
        }
        let name = String(request.url.path.dropFirst())
        guard let expiresText = request.query("expires"), let expires = Int(expiresText), let sig = request.query("sig"),
              sig == signature(name, expires)
        else { return Self.error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.") }
        guard TimeInterval(expires) > time.now.timeIntervalSince1970 else {
            return Self.error(403, "AccessDenied", "Request has expired")
        }
        guard let (object, etag) = objects.withLock({ $0[name] }) else {
            return Self.error(404, "NoSuchKey", "The specified key does not exist.")
        }
        var headers: HTTPHeaders = [
            "Content-Type": name.hasSuffix(".zip") ? "application/zip" : "application/octet-stream",
            "Accept-Ranges": "bytes", "ETag": etag,
        ]
        var status = 200
        var body = object
        if let range = request.headers["Range"] {
            guard let (start, end) = Self.parseRange(range, size: object.count) else {
                headers["Content-Range"] = "bytes */\(object.count)"
                return HTTPResponse(status: 416, headers: headers, body: Data())
            }
            status = 206
            body = object.subdata(in: start..<(end + 1))
            headers["Content-Range"] = "bytes \(start)-\(end)/\(object.count)"
        }
        headers["Content-Length"] = String(body.count)
        return HTTPResponse(status: status, headers: headers, body: request.method == .head ? Data() : body)
    }

    /// An S3-style XML error.
    static func error(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        .text(status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message></Error>",
              contentType: "application/xml")
    }

    /// `bytes=a-b`, `bytes=a-` or `bytes=-n` within `size`; `nil` when unsatisfiable.
    private static func parseRange(_ header: String, size: Int) -> (Int, Int)? {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2 else { return nil }
        if spec[0].isEmpty {
            guard let suffix = Int(spec[1]), suffix > 0, size > 0 else { return nil }
            return (max(0, size - suffix), size - 1)
        }
        guard let start = Int(spec[0]), start < size else { return nil }
        let end = spec[1].isEmpty ? size - 1 : min(Int(spec[1]) ?? -1, size - 1)
        return end >= start ? (start, end) : nil
    }

    private func signature(_ name: String, _ expires: Int) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in "\(signingSecret)|\(name)|\(expires)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01B3
        }
        return String(hash, radix: 16)
    }
}
