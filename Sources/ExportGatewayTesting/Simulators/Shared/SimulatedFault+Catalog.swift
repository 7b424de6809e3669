extension SimulatedFault {
    /// One fault of the ``SimulatedFault/catalog``: a stable name and the fault with the
    /// catalog's values.
    public struct CatalogEntry: Sendable, Hashable, CustomStringConvertible {
        /// The stable name: what a `--faults` file of `export-gateway simulate` calls it, and
        /// what a test that runs every fault labels it by.
        public let name: String
        /// The fault, with small values (waits of milliseconds, a one-second `Retry-After`)
        /// so a test running it stays fast; ``SimulatedFault/with(_:)`` changes them.
        public let fault: SimulatedFault

        public var description: String { name }
    }

    /// Every fault a simulator offers, each once under a stable name, in a stable order:
    /// what a matrix test iterates to run every fault against every adapter.
    ///
    /// Inject an entry's fault on each origin in its ``SimulatedFault/origins``, on the
    /// requests a flow makes:
    ///
    /// ```swift
    /// for entry in SimulatedFault.catalog {
    ///     for origin in entry.fault.origins {
    ///         let avala = AvalaSimulator()
    ///         avala.injectFault(entry.fault, on: origin, count: 1)
    ///         // run a flow through avala.gateway(); expect a clear GatewayError or a retried success
    ///     }
    /// }
    /// ```
    ///
    /// Names never change meaning; a new fault is a new name. Several entries may share a
    /// case with different values (`redirectToFTP`, `redirectToFile`).
    public static let catalog: [CatalogEntry] = [
        CatalogEntry(name: "rateLimited", fault: .rateLimited(retryAfterSeconds: 1)),
        CatalogEntry(name: "rateLimitedUntilDate", fault: .rateLimitedUntilDate(secondsAhead: 1)),
        CatalogEntry(name: "rateLimitedUntilSimulatedDate", fault: .rateLimitedUntilSimulatedDate(secondsAhead: 1)),
        CatalogEntry(name: "serverError", fault: .serverError),
        CatalogEntry(name: "badGateway", fault: .badGateway),
        CatalogEntry(name: "serviceUnavailable", fault: .serviceUnavailable),
        CatalogEntry(name: "unauthorized", fault: .unauthorized),
        CatalogEntry(name: "fieldErrors", fault: .fieldErrors),
        CatalogEntry(name: "expiredSignedURL", fault: .expiredSignedURL),
        CatalogEntry(name: "redirectToOtherHost", fault: .redirectToOtherHost),
        CatalogEntry(name: "redirectToFTP", fault: .redirectToNonHTTPScheme("ftp")),
        CatalogEntry(name: "redirectToFile", fault: .redirectToNonHTTPScheme("file")),
        CatalogEntry(name: "dropConnection", fault: .dropConnection),
        CatalogEntry(name: "loseResponse", fault: .loseResponse),
        CatalogEntry(name: "truncatedBody", fault: .truncatedBody),
        CatalogEntry(name: "stalledBody", fault: .stalledBody(for: .milliseconds(200))),
        CatalogEntry(name: "slowBody", fault: .slowBody(bytesPerWrite: 512, interval: .milliseconds(10))),
        CatalogEntry(name: "malformedJSON", fault: .malformedJSON),
        CatalogEntry(name: "missingListField", fault: .missingListField),
        CatalogEntry(name: "unknownStatusWord", fault: .unknownStatusWord("quarantined")),
    ]

    /// The catalog's fault named `name`, or `nil` for a name it does not have.
    public static func named(_ name: String) -> SimulatedFault? {
        catalog.first { $0.name == name }?.fault
    }

    /// Values a fault may take in place of its own, as a `--faults` file gives them.
    public struct Parameters: Sendable, Hashable {
        /// Seconds a rate limit asks the client to wait (its `Retry-After`, or how far ahead
        /// its date lies).
        public var retryAfter: Int?
        /// Milliseconds a body stalls for, or between the pieces of a slow body.
        public var milliseconds: Int?
        /// Bytes in each piece of a slow body.
        public var bytes: Int?
        /// The word an unknown-status fault reports.
        public var word: String?

        /// Values to use; `nil` keeps the fault's own.
        public init(retryAfter: Int? = nil, milliseconds: Int? = nil, bytes: Int? = nil, word: String? = nil) {
            self.retryAfter = retryAfter
            self.milliseconds = milliseconds
            self.bytes = bytes
            self.word = word
        }
    }

    /// This fault with `parameters` in place of its own values; those it does not take are
    /// ignored.
    public func with(_ parameters: Parameters) -> SimulatedFault {
        let duration = parameters.milliseconds.map { Duration.milliseconds($0) }
        return switch self {
        case .rateLimited(let seconds): .rateLimited(retryAfterSeconds: parameters.retryAfter ?? seconds)
        case .rateLimitedUntilDate(let seconds): .rateLimitedUntilDate(secondsAhead: parameters.retryAfter ?? seconds)
        case .rateLimitedUntilSimulatedDate(let seconds):
            .rateLimitedUntilSimulatedDate(secondsAhead: parameters.retryAfter ?? seconds)
        case .stalledBody(let stall): .stalledBody(for: duration ?? stall)
        case .slowBody(let size, let interval):
            .slowBody(bytesPerWrite: parameters.bytes ?? size, interval: duration ?? interval)
        case .unknownStatusWord(let word): .unknownStatusWord(parameters.word ?? word)
        case .serverError, .badGateway, .serviceUnavailable, .unauthorized, .fieldErrors, .expiredSignedURL,
            .redirectToOtherHost, .redirectToNonHTTPScheme, .dropConnection, .loseResponse, .truncatedBody,
            .malformedJSON, .missingListField:
            self
        }
    }
}
