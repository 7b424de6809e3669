/// How a gateway pages, waits, retries and downloads. The defaults suit most pipelines.
public struct GatewayOptions: Sendable {
    /// Elements requested per list page.
    public var pageSize: Int
    /// Whether a list fetches its next page while the elements of the current one are
    /// handled (one page in flight ahead at most, see ``PagedSequence``); `false` fetches a
    /// page only when the previous one is used up.
    public var prefetchesPages: Bool
    /// The first pause between polls of a running export; it grows to ``maxPollInterval``.
    public var pollInterval: Duration
    /// The longest pause between polls.
    public var maxPollInterval: Duration
    /// Retry rules for vendor API calls and storage downloads.
    public var retryPolicy: RetryPolicy
    /// Bytes fetched per ranged download request: the bound on download memory.
    public var downloadChunkSize: Int
    /// Pieces of a record stream held at once: the one whose records are being handed out,
    /// and the ones fetched ahead of it meanwhile (see ``RecordSequence``). Memory stays
    /// within this many pieces; `1` fetches each piece only when the previous one is used up.
    public var recordReadAhead: Int
    /// Ranged download requests in flight at once (at least 1): each range is written at its
    /// offset as it arrives, so download memory is bounded by `downloadConcurrency` x
    /// ``downloadChunkSize``. A device or pipe destination is fetched one range at a time.
    public var downloadConcurrency: Int
    /// The clock waits and retries sleep on; tests inject a virtual one.
    public var clock: any GatewayClock
    /// Receives every request, retry, redirect and poll, for logs and metrics.
    public var eventHandler: (@Sendable (GatewayEvent) -> Void)?

    /// Creates options.
    public init(
        pageSize: Int = 100, pollInterval: Duration = .seconds(2), maxPollInterval: Duration = .seconds(30),
        retryPolicy: RetryPolicy = .standard, downloadChunkSize: Int = 1 << 20, clock: any GatewayClock = SystemClock(),
        eventHandler: (@Sendable (GatewayEvent) -> Void)? = nil, prefetchesPages: Bool = true,
        recordReadAhead: Int = 4, downloadConcurrency: Int = 4
    ) {
        self.recordReadAhead = max(1, recordReadAhead)
        self.downloadConcurrency = max(1, downloadConcurrency)
        self.prefetchesPages = prefetchesPages
        self.pageSize = max(1, pageSize)
        self.pollInterval = pollInterval
        self.maxPollInterval = maxPollInterval
        self.retryPolicy = retryPolicy
        self.downloadChunkSize = max(1, downloadChunkSize)
        self.clock = clock
        self.eventHandler = eventHandler
    }
}
