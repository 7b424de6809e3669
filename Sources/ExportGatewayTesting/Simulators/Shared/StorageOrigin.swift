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
    private let objects = Mutex<[String: StoredObject]>([:])
    private let signingSecret = "simulated-storage-signing-secret"

    init(baseURL: URL, time: SimulatedTime, credentials: [String], urlLifetime: TimeInterval = 3600) {
        self.baseURL = baseURL
        self.time = time
        self.credentials = credentials.filter { !$0.isEmpty }
        self.urlLifetime = urlLifetime
    }

    /// One object: its size, its ETag, and how to read any byte range of it. Stored and
    /// generated objects are served by the same code.
    private struct StoredObject: Sendable {
        var size: Int
        var etag: String
        var bytes: @Sendable (Range<Int>) -> Data
    }

    /// Stores `data` under `name` (a `/`-separated object key), replacing any earlier object.
    func put(_ data: Data, at name: String) {
        let etag = "\"\(String(CRC32.checksum(data), radix: 16))\""  // once here, not per ranged read
        objects.withLock { $0[name] = StoredObject(size: data.count, etag: etag, bytes: { data.subdata(in: $0) }) }
    }

    /// Registers an object of `size` bytes under `name` whose content is computed on each
    /// read: `bytes` returns exactly the bytes of the asked range. For results too large to
    /// hold in memory (a 300 MB stream), so only the range a request asks for is ever built.
    /// `bytes` must return the same bytes for the same range every time; the ETag is derived
    /// from the name and size.
    func put(name: String, size: Int, bytes: @escaping @Sendable (Range<Int>) -> Data) {
        let etag = "\"g-\(String(Self.fnv1a("\(name)|\(size)"), radix: 16))\""
        objects.withLock { $0[name] = StoredObject(size: max(0, size), etag: etag, bytes: bytes) }
    }

    /// Deletes the object stored under `name`, if any: signed URLs for it, even unexpired
    /// ones, then answer 404 `NoSuchKey` (a vendor deleting an export removes its file).
    func remove(_ name: String) {
        objects.withLock { $0[name] = nil }
    }

    /// The stored object's size, if it exists.
    func size(of name: String) -> Int? { objects.withLock { $0[name]?.size } }

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
        guard let expiresText = request.query("expires"), let expires = Int(expiresText),
            let sig = request.query("sig"),
            sig == signature(name, expires)
        else {
            return Self.error(
                403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.")
        }
        guard TimeInterval(expires) > time.now.timeIntervalSince1970 else {
            return Self.error(403, "AccessDenied", "Request has expired")
        }
        guard let object = objects.withLock({ $0[name] }) else {
            return Self.error(404, "NoSuchKey", "The specified key does not exist.")
        }
        var headers: HTTPHeaders = [
            "Content-Type": Self.contentType(of: name), "Accept-Ranges": "bytes", "ETag": object.etag,
        ]
        var status = 200
        var range = 0..<object.size
        if let header = request.headers["Range"] {
            guard let (start, end) = Self.parseRange(header, size: object.size) else {
                headers["Content-Range"] = "bytes */\(object.size)"
                return HTTPResponse(status: 416, headers: headers, body: Data())
            }
            status = 206
            range = start..<(end + 1)
            headers["Content-Range"] = "bytes \(start)-\(end)/\(object.size)"
        }
        headers["Content-Length"] = String(range.count)
        return HTTPResponse(
            status: status, headers: headers, body: request.method == .head ? Data() : object.bytes(range))
    }

    private static func contentType(of name: String) -> String {
        if name.hasSuffix(".zip") { return "application/zip" }
        if name.hasSuffix(".ndjson") { return "application/x-ndjson" }
        return "application/octet-stream"
    }

    /// An S3-style XML error.
    static func error(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        .text(
            status,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message></Error>",
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
        String(Self.fnv1a("\(signingSecret)|\(name)|\(expires)"), radix: 16)
    }

    /// 64-bit FNV-1a: a stable, cheap digest for signatures and generated ETags.
    private static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01B3
        }
        return hash
    }
}
