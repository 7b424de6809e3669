import ExportGateway
import Foundation

/// A failure a simulator can be told to produce: injected with
/// ``VendorSimulator/injectFault(_:on:method:pathPrefix:count:after:)``, or named in the
/// `--faults` file of `export-gateway simulate`.
///
/// Every fault works in-process (``SimulatorTransport``) and over loopback
/// (``SimulatorServer``), through the same code. Where the two cannot look alike, because an
/// in-process answer arrives whole or not at all, the in-process transport throws the
/// `URLError` URLSession reports for what the loopback client sees; each case says what goes
/// on the wire and what the in-process transport does.
///
/// Faults come in two families:
/// - **In the vendor's place**: the request never reaches the vendor, which changes nothing;
///   the fault's answer (or a closed connection) is all the client gets.
/// - **On the vendor's answer** (``loseResponse`` and after it): the vendor handles the
///   request (an export is created, a poll advances it), then its answer is lost, cut,
///   stalled, slowed or edited. Such a fault waits for an answer it can alter (a body to cut,
///   a list field to remove), and `count` and `after` count only those answers.
///
/// When faults of both families are due for one request, the one in the vendor's place
/// fires and the other waits for the next request.
///
/// Faults whose body is the vendor's own (rate limits, server errors, 401, 400, list fields,
/// status words) take each vendor's shape from its ``VendorFaultShapes``. Some faults exist
/// on one origin only (see ``origins``).
///
/// For a test that runs every fault, ``catalog`` lists each one once under a stable name,
/// the name a `--faults` file uses.
public enum SimulatedFault: Sendable, Hashable {
    // MARK: In the vendor's place

    /// 429 with `Retry-After: <seconds>`, in the vendor's error shape (on storage, S3's 503
    /// `SlowDown`).
    case rateLimited(retryAfterSeconds: Int)
    /// 429 with `Retry-After` as an HTTP-date that many seconds ahead of the real clock (a
    /// client compares the date with its own wall clock, not the simulator's).
    case rateLimitedUntilDate(secondsAhead: Int)
    /// 429 with `Retry-After` as an HTTP-date that many seconds ahead of the simulator's clock
    /// (``SimulatedTime``): the same header on every run. Against a real wall clock that date
    /// lies in the past (simulated time starts in January 2025), which a client must read as
    /// "retry now".
    case rateLimitedUntilSimulatedDate(secondsAhead: Int)
    /// 500 with the vendor's JSON error body (on storage, S3's XML `InternalError`).
    case serverError
    /// 502 with an HTML body, as a proxy in front of the vendor sends.
    case badGateway
    /// 503 with a plain-text body, as a load balancer sends during maintenance.
    case serviceUnavailable
    /// 401 with the vendor's refusal of the key (Avala `{"detail": "Invalid API key."}`,
    /// Pictograph's `unauthorized` envelope, Labelbox `AUTHENTICATION_ERROR`): a key revoked
    /// while a pipeline runs. API only.
    case unauthorized
    /// 400 with field errors in the vendor's own shape: Avala's DRF `{"field": ["message"]}`,
    /// Pictograph's `validation_error` envelope with `details.errors` (`loc`, `msg`, `type`),
    /// Labelbox's `MALFORMED_REQUEST` GraphQL error with an `errors` list. API only.
    case fieldErrors
    /// 403 `AccessDenied` "Request has expired", the XML a storage host sends for a signed URL
    /// past its expiry, however fresh the URL is. Storage only.
    case expiredSignedURL
    /// 302 (no body) to the same path and query on the simulator's other origin (an API
    /// request is sent to the storage host, a storage request to the API host): a hop to
    /// another host, which must not carry the API key (storage answers one with 400
    /// `InvalidArgument`).
    case redirectToOtherHost
    /// 302 (no body) to a URL of `scheme`: `file:///etc/passwd` for `file`, otherwise the
    /// request's own host, port, path and query under that scheme
    /// (`ftp://127.0.0.1:8080/api/v1/exports/`). A client must refuse to follow it.
    case redirectToNonHTTPScheme(String)
    /// No answer: the connection closes as soon as the request has arrived. In-process the
    /// `URLError` URLSession reports for that: on Linux `badServerResponse` "Empty reply from
    /// server", on Darwin `networkConnectionLost`.
    case dropConnection

    // MARK: On the vendor's answer

    /// The vendor handles the request, then the connection drops before the answer arrives:
    /// what makes retrying a create without an idempotency key dangerous. In-process the same
    /// `URLError` as ``dropConnection``.
    case loseResponse
    /// The vendor's answer with its body cut in half: over loopback the head (its
    /// `Content-Length` the full body's) and the first half of the body, then the connection
    /// closes. In-process the `URLError` URLSession reports for that wire: on Linux
    /// `NSURLErrorUnknown` "transfer closed with N bytes remaining to read", on Darwin
    /// `networkConnectionLost`. Fires on the next answer with a body.
    case truncatedBody
    /// The vendor's answer whose body stops arriving half-way: over loopback the head and the
    /// first half of the body, then silence for `for` with the connection open, then a close.
    /// In-process the simulator's clock moves on by `for` and the transport throws
    /// `URLError.timedOut`, as a client whose timeout is shorter than the stall sees it (over
    /// loopback, a client with a longer timeout sees the close instead). Fires on the next
    /// answer with a body.
    case stalledBody(for: Duration)
    /// The vendor's whole answer, its body trickling: over loopback the head, then
    /// `bytesPerWrite` bytes every `interval`. In-process the answer arrives whole and the
    /// simulator's clock moves on by the time the trickle takes (signed URLs may expire
    /// meanwhile). Fires on the next answer with a body.
    case slowBody(bytesPerWrite: Int, interval: Duration)
    /// The vendor's answer, status and headers kept, its JSON body cut to its first half so
    /// it no longer parses; well framed (its `Content-Length` is the cut length). API only;
    /// fires on the next answer with a body.
    case malformedJSON
    /// The vendor's 200 without its list field: Avala's `results`, Pictograph's `data` list,
    /// Labelbox's `createdTasks`. API only; fires on the next answer that has the field.
    case missingListField
    /// The vendor's answer with every export status word in it replaced by this word
    /// (Avala's and Pictograph's `status`, Labelbox's task `status`). API only; fires on the
    /// next answer that reports an export's status.
    case unknownStatusWord(String)
}

extension SimulatedFault {
    /// The origins the fault can be injected on; injecting it on another is a programming
    /// error. An expired signature is a storage host's answer; a 401, field errors and the
    /// edits of a vendor's JSON are the API's.
    public var origins: Set<SimulatedOrigin> {
        switch self {
        case .unauthorized, .fieldErrors, .malformedJSON, .missingListField, .unknownStatusWord: [.api]
        case .expiredSignedURL: [.storage]
        case .rateLimited, .rateLimitedUntilDate, .rateLimitedUntilSimulatedDate, .serverError, .badGateway,
            .serviceUnavailable, .redirectToOtherHost, .redirectToNonHTTPScheme, .dropConnection, .loseResponse,
            .truncatedBody, .stalledBody, .slowBody:
            [.api, .storage]
        }
    }
}
