import ExportGateway

/// `--verbose`: writes each response, retry and redirect the gateway reports to stderr,
/// such as `http: GET https://api.avala.ai/api/v1/exports/ -> 200`.
///
/// The library keeps keys in headers, so event URLs carry none; this logger still removes
/// every key value it was given from each line, because a key pasted into a base URL or a
/// vendor's redirect would otherwise reach the terminal and the scrollback.
struct RequestLogger: Sendable {
    let console: Console
    /// Key values to remove from every line.
    let secrets: [String]

    /// Logs `event` when it is about a request; polls and download steps are the
    /// commands' own progress.
    func log(_ event: GatewayEvent) {
        switch event {
        case .response, .retrying, .redirected:
            console.error("http: " + Redaction.redact(event.description, secrets: secrets))
        case .polled, .downloaded:
            break
        }
    }
}
