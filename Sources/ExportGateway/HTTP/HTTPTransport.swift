/// The seam between the core and the network: sends one request, returns one response.
///
/// Adapters never see a transport; they describe requests and the core sends them
/// through one. Use ``URLSessionTransport`` in production. The simulators in
/// `ExportGatewayTesting` conform too, so the same gateway runs in-process in tests.
///
/// A transport must:
/// - return non-2xx responses as responses, not throw them;
/// - throw only for failures with no response (connection refused, reset, cancelled);
/// - never forward a field named in ``HTTPRequest/credentialHeaderNames`` to another host
///   when it follows a redirect;
/// - never send a request whose ``HTTPRequest/isRepeatable`` is `false` twice, not even the
///   silent resend some HTTP stacks make when a kept-alive connection turns out to be dead:
///   ``URLSessionTransport`` gives such a request a connection of its own.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the response, whatever its status.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
