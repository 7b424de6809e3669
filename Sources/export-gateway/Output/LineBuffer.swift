/// Lines for stdout gathered into writes of about ``capacity`` bytes: a million NDJSON rows
/// then cost a few thousand writes instead of a million.
///
/// The first line goes out at once (a reader sees output start, and a stdout that cannot be
/// written stops the command before it fetches more), and a line waits at most ``maxDelay``
/// once the next one arrives. Call ``flush()`` when the listing ends, however it ends.
struct LineBuffer {
    /// The bytes gathered before a write.
    static let capacity = 64 << 10
    /// How long gathered lines may wait when more keep coming slowly.
    static let maxDelay: Duration = .milliseconds(50)

    private let console: Console
    private var bytes: [UInt8] = []
    private var lastWrite: ContinuousClock.Instant?

    init(console: Console) {
        self.console = console
        bytes.reserveCapacity(Self.capacity + 4096)
    }

    /// Adds `line` (UTF-8, without its newline), writing what is gathered when it is time.
    mutating func append(_ line: some Sequence<UInt8>) {
        bytes.append(contentsOf: line)
        bytes.append(0x0A)
        guard bytes.count < Self.capacity, let lastWrite else { return flush() }
        if ContinuousClock.now - lastWrite >= Self.maxDelay { flush() }
    }

    /// Writes what is gathered.
    mutating func flush() {
        lastWrite = ContinuousClock.now
        guard !bytes.isEmpty else { return }
        console.lines(String(decoding: bytes, as: UTF8.self))
        bytes.removeAll(keepingCapacity: true)
    }
}
