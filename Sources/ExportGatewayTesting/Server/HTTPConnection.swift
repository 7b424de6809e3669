import ExportGateway
import Foundation

/// One accepted client connection: reads requests one after another (keep-alive, pipelined
/// bytes kept for the next request), answers each through the handler, and closes on the
/// client's word, on a protocol error, on a timeout, or when the server stops.
///
/// It runs on a thread of its own (see ``LoopbackHTTPServer``): every wait is a `poll(2)` on
/// its one socket, bounded by the idle timeout, so a waiting or slow connection holds up no
/// other, and a silent client costs nothing for long.
struct HTTPConnection: Sendable {
    let socket: Socket
    let origin: URL
    let limits: LoopbackServerLimits
    /// The body bytes every connection of the server holds together.
    let budget: BodyBudget
    let handler: LoopbackHTTPServer.DeliveringHandler

    /// Hop-by-hop and framing fields: they describe this connection, not the request, and an
    /// in-process transport never carries them, so the handler does not see them either.
    private static let connectionFields: Set<String> = [
        "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "expect", "content-length",
        "proxy-connection",
    ]

    /// Serves requests until the connection ends, on the calling thread. Never throws: every
    /// failure ends in a close.
    func serve() {
        var input: [UInt8] = []
        var start = 0
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { scratch.deallocate() }

        // A client that has just connected means to send: its first request gets the longer
        // of the keep-alive and request bounds to begin, since a busy client (its tasks waiting
        // for a thread) can take longer to send than a pause between requests lasts.
        var waitForRequest = max(limits.keepAliveTimeout, limits.requestTimeout)
        while true {
            // The request's clock starts with its first byte: before that the connection is
            // merely idle between requests, and only the keep-alive timeout applies.
            var deadline: ContinuousClock.Instant?
            let head: RequestHead
            readingHead: while true {
                switch RequestHead.parse(input, from: start, maxBytes: limits.maxHeaderBytes) {
                case .head(let parsed, let bodyStart):
                    head = parsed
                    start = bodyStart
                    break readingHead
                case .needMore:
                    let begun = input.contains { $0 != 13 && $0 != 10 }
                    if begun, deadline == nil { deadline = ContinuousClock.now + limits.requestTimeout }
                    let outcome =
                        begun
                        ? fill(&input, scratch, idle: limits.idleTimeout, deadline: deadline)
                        : fill(&input, scratch, idle: waitForRequest, deadline: nil)
                    switch outcome {
                    case .more: continue
                    case .timedOut where begun: return refuse(408, "the request did not arrive in time")
                    case .timedOut, .closed: return
                    }
                case .tooLarge:
                    return refuse(431, "the request head is larger than \(limits.maxHeaderBytes) bytes")
                case .invalid(let reason):
                    return refuse(400, reason)
                }
            }

            let bodyDeadline = deadline ?? ContinuousClock.now + limits.requestTimeout
            let framing: BodyFraming
            do {
                framing = try BodyFraming(of: head, maxBodyBytes: limits.maxBodyBytes)
            } catch {
                return refuse(error.status, error.reason)
            }
            // What this request's body holds of the budget, given back however the request ends.
            var reserved = 0
            defer { budget.release(reserved) }
            if case .length(let length) = framing {
                // Before a byte of the body is kept, and before `100 Continue` invites it.
                guard budget.reserve(length) else { return refuseOverBudget() }
                reserved = length
            }
            if framing != .none, head.expectsContinue, input.count == start {
                guard write(Data("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
            }

            var body: Data?
            switch framing {
            case .none:
                body = nil
            case .length(let length):
                // Straight into a body of its final size, the input never holding more than
                // one read: the body's bytes are kept once, as the budget counts them.
                var received = Data(capacity: length)
                while true {
                    let taken = min(length - received.count, input.count - start)
                    received.append(contentsOf: input[start..<(start + taken)])
                    start += taken
                    if received.count == length { break }
                    input.removeAll(keepingCapacity: true)
                    start = 0
                    switch fill(&input, scratch, idle: limits.idleTimeout, deadline: bodyDeadline) {
                    case .more: continue
                    case .timedOut: return refuse(408, "the request body did not arrive in time")
                    case .closed: return
                    }
                }
                body = received
            case .chunked:
                var decoder = ChunkedDecoder(maxBodyBytes: limits.maxBodyBytes, maxLineBytes: limits.maxHeaderBytes)
                decoding: while true {
                    let progress = decoder.decode(input, from: &start)
                    // Checked as the body grows, so it overshoots by at most one read.
                    guard budget.reserve(decoder.body.count - reserved) else { return refuseOverBudget() }
                    reserved = decoder.body.count
                    switch progress {
                    case .done:
                        break decoding
                    case .needMore:
                        // Decoded bytes live in the decoder; the input keeps only what is not.
                        input.removeFirst(start)
                        start = 0
                        switch fill(&input, scratch, idle: limits.idleTimeout, deadline: bodyDeadline) {
                        case .more: continue
                        case .timedOut: return refuse(408, "the request body did not arrive in time")
                        case .closed: return
                        }
                    case .invalid: return refuse(400, "malformed chunked body")
                    case .tooLarge: return refuse(413, "body larger than \(limits.maxBodyBytes) bytes")
                    }
                }
                body = decoder.body
            }
            // A fresh buffer for what follows: the old one keeps the capacity a large body
            // gave it for as long as the connection lives, outside any budget.
            input = Array(input[start...])
            start = 0

            guard let request = makeRequest(head, body: body) else {
                return refuse(400, "the request target is not a path on this origin")
            }
            let answer: (response: HTTPResponse, delivery: ResponseDelivery)
            do {
                answer = try handler(request)
            } catch {
                // The handler said "no answer" (a simulated dropped connection, a lost
                // response): the client must see exactly that, a connection closed unanswered.
                return
            }
            // A handler's `Connection: close` ends the connection after this answer (its body,
            // sent without a length, ends with it: see ResponseHead).
            let keepAlive = head.wantsKeepAlive && !ResponseHead.isCloseDelimited(answer.response)
            let (responseHead, responseBody) = ResponseHead.parts(
                answer.response, isHead: head.method == "HEAD", keepAlive: keepAlive, date: ResponseHead.httpDate())
            guard deliver(responseHead, responseBody, answer.delivery), keepAlive else { return }
            waitForRequest = limits.keepAliveTimeout
        }
    }

    /// Writes an answer's head and body as `delivery` says; `false` when the connection must
    /// end (the client went away, or the body was cut or stalled on purpose).
    private func deliver(_ head: Data, _ body: Data, _ delivery: ResponseDelivery) -> Bool {
        switch delivery {
        case .whole:
            return write(head + body)
        case .truncated(let sent):
            _ = write(head + body.prefix(sent))
            return false
        case .stalled(let sent, let stall):
            guard write(head + body.prefix(sent)) else { return false }
            holdSilently(for: stall)
            return false
        case .trickled(let size, let interval):
            guard write(head) else { return false }
            var offset = body.startIndex
            while offset < body.endIndex {
                // A stopping server shuts the socket down, so the next write fails: a pause
                // delays stopping by one interval at most.
                Self.pause(for: interval)
                let end = min(offset + max(1, size), body.endIndex)
                guard write(body[offset..<end]) else { return false }
                offset = end
            }
            return true
        case .held(let wait):
            // A stopping server shuts the socket down, so the write after the pause fails.
            Self.pause(for: wait)
            return write(head + body)
        }
    }

    /// Sends nothing for `duration`, ending sooner when the client closes or the server stops
    /// (either makes the socket readable at its end). What the client sends meanwhile is
    /// dropped: the connection closes after the stall anyway.
    private func holdSilently(for duration: Duration) {
        let deadline = ContinuousClock.now + duration
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 1)
        defer { scratch.deallocate() }
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero, socket.blockUntilReady(timeout: remaining) else { return }
            if socket.read(into: scratch) == .closed { return }
        }
    }

    /// Sleeps the connection's own thread, which no other connection shares.
    private static func pause(for duration: Duration) {
        if duration > .zero { Thread.sleep(forTimeInterval: duration.timeInterval) }
    }

    /// The request the handler sees: the origin's URL plus the target as sent, every field
    /// but the connection's own.
    private func makeRequest(_ head: RequestHead, body: Data?) -> HTTPRequest? {
        var target = head.target
        if !target.hasPrefix("/") {
            // Absolute form (`GET http://host/path`), as proxies send it: keep path and query.
            guard let absolute = URLComponents(string: target), absolute.scheme != nil else { return nil }
            target =
                (absolute.percentEncodedPath.isEmpty ? "/" : absolute.percentEncodedPath)
                + (absolute.percentEncodedQuery.map { "?" + $0 } ?? "")
        }
        guard
            let url = URL(string: origin.absoluteString + Self.escapingInvalidCharacters(target))
                ?? URL(string: origin.absoluteString + target)
        else { return nil }
        var headers = HTTPHeaders()
        for field in head.fields where !Self.connectionFields.contains(field.name.lowercased()) {
            headers.add(name: field.name, value: field.value)
        }
        return HTTPRequest(method: HTTPMethod(rawValue: head.method), url: url, headers: headers, body: body)
    }

    /// Characters a request target may hold as they are: RFC 3986's unreserved and
    /// sub-delimiters, `:`, `@`, `/`, `?`, and `%` (the target's own escapes).
    private static let targetAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?%"
    private static let targetCharacters = CharacterSet(charactersIn: targetAlphabet)
    /// ``targetAlphabet`` by ASCII code: what lets an ordinary target through without
    /// Foundation's escaping, which costs more than the rest of reading a request.
    private static let targetBytes: [Bool] = (0..<128).map { targetAlphabet.utf8.contains(UInt8($0)) }

    /// `target` with the characters a URL may not hold (`[`, `]`, `|`, a space...) escaped and
    /// its own escapes kept as sent: given such a character, `URL(string:)` escapes every
    /// `%` too, and `ids[]=%203` would read as `%203` rather than ` 3`.
    static func escapingInvalidCharacters(_ target: String) -> String {
        if target.utf8.allSatisfy({ $0 < 128 && targetBytes[Int($0)] }) { return target }
        return target.addingPercentEncoding(withAllowedCharacters: targetCharacters) ?? target
    }

    private enum Fill {
        case more
        case timedOut
        case closed
    }

    /// Reads what has arrived into `input`, waiting when nothing has: at most `idle`, and
    /// never past `deadline`.
    private func fill(
        _ input: inout [UInt8], _ scratch: UnsafeMutableRawBufferPointer, idle: Duration,
        deadline: ContinuousClock.Instant?
    ) -> Fill {
        while true {
            switch socket.read(into: scratch) {
            case .bytes(let count):
                input.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
                return .more
            case .closed:
                return .closed
            case .wouldBlock:
                let remaining = deadline.map { $0 - ContinuousClock.now } ?? idle
                guard remaining > .zero else { return .timedOut }
                guard socket.blockUntilReady(timeout: min(idle, remaining)) else {
                    return .timedOut
                }
            }
        }
    }

    /// Writes all of `bytes`; `false` when the client went away or stopped reading for too long.
    private func write(_ bytes: Data) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let transfer = bytes.withUnsafeBytes { socket.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            switch transfer {
            case .bytes(let count):
                offset += count
            case .wouldBlock:
                // A reader pausing between chunks is normal (a client writing to disk): hold it
                // to the longer of the two idle bounds.
                let patience = max(limits.idleTimeout, limits.keepAliveTimeout)
                guard socket.blockUntilReady(writing: true, timeout: patience) else { return false }
            case .closed:
                return false
            }
        }
        return true
    }

    /// Refuses a body the server cannot hold now: 503 with `Retry-After`, since the bodies of
    /// other requests will soon be answered and given back.
    private func refuseOverBudget() {
        refuse(
            503, "the server holds \(budget.limit) bytes of request bodies at most; try again shortly",
            headers: ["Retry-After": "1"])
    }

    /// Answers `status` and closes. The close lingers: the write side shuts first and what
    /// the client still sends (the rest of a refused body) is drained for a moment, because
    /// closing with unread bytes makes the kernel send a reset that can destroy the answer
    /// before the client reads it. Drained bytes are dropped, never kept.
    private func refuse(_ status: Int, _ reason: String, headers: HTTPHeaders = [:]) {
        let answer = ResponseHead.serverError(status, reason, headers: headers, date: ResponseHead.httpDate())
        guard write(answer) else { return }
        socket.shutdownWrite()
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 1)
        defer { scratch.deallocate() }
        let deadline = ContinuousClock.now + min(limits.idleTimeout, .seconds(2))
        var drained = 0
        while drained < limits.maxBodyBytes + limits.maxHeaderBytes {
            switch socket.read(into: scratch) {
            case .bytes(let count):
                drained += count
            case .closed:
                return
            case .wouldBlock:
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero, socket.blockUntilReady(timeout: remaining) else { return }
            }
        }
    }
}
