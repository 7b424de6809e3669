import ExportGateway
import Foundation

extension VendorSimulator {
    /// A gateway wired to this simulator in one call: the adapter it simulates, its API base
    /// URL, `apiKey` (the full-access ``apiKey`` unless given, such as ``restrictedAPIKey``
    /// or a wrong key) and `transport` (the in-process ``transport`` unless given, such as
    /// `URLSessionTransport()` for a simulator behind a ``SimulatorServer``).
    ///
    /// The default options wait and retry on a new ``VirtualClock``: simulated exports
    /// advance by status reads, not by time, so no test needs to sleep. Options passed in
    /// keep their own clock; pass a ``VirtualClock`` there too unless real pauses are wanted.
    ///
    /// With a `latency`, the in-process transport delays every answer by it, waited on the
    /// options' clock: a ``VirtualClock`` moves on by each delay at once, the system clock
    /// waits it for real (for a benchmark that should see a network's round trips).
    ///
    /// ```swift
    /// let avala = AvalaSimulator()
    /// let gateway = avala.gateway()
    /// let denied = avala.gateway(apiKey: avala.restrictedAPIKey)
    /// let paged = avala.gateway(options: GatewayOptions(pageSize: 7, clock: VirtualClock()))
    /// ```
    public func gateway(
        apiKey: String? = nil, transport: (any HTTPTransport)? = nil,
        options: GatewayOptions = GatewayOptions(clock: VirtualClock()), latency: SimulatedLatency = .none
    ) -> Gateway {
        Gateway(
            provider: Self.provider.makeProvider(), apiKey: APIKey(apiKey ?? self.apiKey), baseURL: apiBaseURL,
            transport: transport ?? self.transport.withLatency(latency, clock: options.clock), options: options)
    }
}
