import Foundation

/// The one object a pipeline holds: create, wait, download, list, whatever the vendor.
///
/// Which vendor answers is configuration; the code below runs unchanged against each.
///
/// ```swift
/// let gateway = try Gateway(configuration: .environment(), providers: .standard)
/// let export = try await gateway.createExport(ExportRequest(source: .dataset("acme/street-scenes")))
/// let ready = try await gateway.wait(for: export, timeout: .seconds(900))
/// let file = try await gateway.download(ready, to: URL(filePath: "out/street-scenes.zip"))
/// for try await item in gateway.items(in: "acme/street-scenes") { print(item.id) }
/// ```
public struct Gateway: Sendable {
    /// The provider this gateway talks to.
    public var provider: ProviderID { api.provider }
    /// What that provider can do.
    public var capabilities: ProviderCapabilities { adapter.capabilities }
    /// The vendor API base URL in use.
    public var baseURL: URL { api.baseURL }
    /// The options in effect.
    public let options: GatewayOptions

    let adapter: any ExportProvider
    let api: VendorAPI

    /// Creates a gateway for the provider `configuration` names.
    ///
    /// - Parameters:
    ///   - configuration: provider, key and base URL (see ``GatewayConfiguration``).
    ///   - providers: the adapters to choose from, such as `.standard`.
    ///   - transport: how requests travel; production uses ``URLSessionTransport``.
    /// - Throws: ``GatewayError/Kind/configuration`` for an unknown provider or a missing key,
    ///   saying what to set.
    public init(
        configuration: GatewayConfiguration, providers: ProviderSet,
        transport: any HTTPTransport = URLSessionTransport.shared, options: GatewayOptions = GatewayOptions()
    ) throws {
        guard let descriptor = providers[configuration.provider] else {
            let known = providers.ids.map(\.rawValue).joined(separator: ", ")
            throw GatewayError(
                .configuration,
                message:
                    "Unknown provider \"\(configuration.provider)\". Known providers: \(known.isEmpty ? "none linked" : known). Set \(GatewayConfiguration.providerVariable) or \"provider\" to one of them."
            )
        }
        let keyVariable = configuration.apiKeyEnvironmentVariable ?? descriptor.apiKeyEnvironmentVariable
        guard let key = configuration.apiKey ?? configuration.environment.nonEmpty(keyVariable).map(APIKey.init),
            !key.secret.isEmpty
        else {
            throw GatewayError(
                .configuration, provider: descriptor.id,
                message: "No API key for \(descriptor.displayName). Set the environment variable \(keyVariable).")
        }
        let baseURL: URL
        if let configured = configuration.baseURL {
            try GatewayConfiguration.refuseUserInfo(in: configured, source: "The configured base URL")
            baseURL = configured
        } else if let text = configuration.environment.nonEmpty(descriptor.baseURLEnvironmentVariable) {
            baseURL = try GatewayConfiguration.parseBaseURL(text, source: descriptor.baseURLEnvironmentVariable)
        } else {
            baseURL = descriptor.defaultBaseURL
        }
        var options = options
        if let pageSize = configuration.pageSize {
            guard pageSize > 0 else {
                throw GatewayError(
                    .configuration, provider: descriptor.id,
                    message:
                        "Page size \(pageSize) is not a positive whole number. Set \"pageSize\" or \(GatewayConfiguration.pageSizeVariable) to 1 or more."
                )
            }
            options.pageSize = pageSize
        }
        self.init(
            adapter: descriptor.makeProvider(), id: descriptor.id, apiKey: key, baseURL: baseURL, transport: transport,
            options: options)
    }

    /// Creates a gateway for one adapter, configured in code (handy in tests and tools).
    ///
    /// A user name or password in `baseURL` is dropped: it would otherwise travel to the
    /// vendor and appear in logs (``init(configuration:providers:transport:options:)``
    /// refuses such a URL instead).
    public init<Provider: ExportProvider>(
        provider: Provider, apiKey: APIKey, baseURL: URL? = nil,
        transport: any HTTPTransport = URLSessionTransport.shared, options: GatewayOptions = GatewayOptions()
    ) {
        self.init(
            adapter: provider, id: Provider.id, apiKey: apiKey,
            baseURL: (baseURL ?? Provider.descriptor.defaultBaseURL).removingUserInfo, transport: transport,
            options: options)
    }

    private init(
        adapter: any ExportProvider, id: ProviderID, apiKey: APIKey, baseURL: URL, transport: any HTTPTransport,
        options: GatewayOptions
    ) {
        self.adapter = adapter
        self.options = options
        let client = HTTPClient(
            transport: transport, retryPolicy: options.retryPolicy, clock: options.clock,
            eventHandler: options.eventHandler)
        self.api = VendorAPI(provider: id, baseURL: baseURL, key: apiKey, adapter: adapter, client: client)
    }

    // MARK: Exports

    /// Starts an export. It usually begins as `.pending`; ``wait(for:timeout:pollInterval:)`` follows it.
    public func createExport(_ request: ExportRequest) async throws -> Export {
        try await api.perform(request) { request in
            if let filter = request.filters.setFilters.first(where: { !adapter.capabilities.filters.contains($0) }) {
                throw adapter.unsupported(
                    filter.description,
                    advice:
                        "It cannot filter exports by \(filter.meaning): remove \(filter), or filter the result yourself (a vendor option in providerOptions may do it; see docs/providers.md)."
                )
            }
            do {
                return try await adapter.createExport(request, api: api)
            } catch var error as GatewayError where error.mayHaveTakenEffect {
                error.message +=
                    " The export may have been created: list exports"
                    + (request.name.map { " (or read the one named \"\($0)\")" } ?? "")
                    + " to check before creating it again."
                throw error
            }
        }
    }

    /// Reads the current state of an export.
    public func export(_ id: ExportID) async throws -> Export {
        try await api.perform(ExportReadRequest(id: id)) { try await adapter.export($0, api: api) }
    }

    /// Every export, fetched lazily page by page (one page ahead: ``GatewayOptions/prefetchesPages``).
    public func exports(pageSize: Int? = nil) -> PagedSequence<Export> {
        let adapter = self.adapter, api = self.api, size = pageSize ?? options.pageSize
        return PagedSequence(
            fetchPage: { cursor in
                try await api.perform(ExportsPageRequest(cursor: cursor, pageSize: size)) {
                    try await adapter.exportsPage($0, api: api)
                }
            }, prefetchesPages: options.prefetchesPages,
            stamp: { api.stamped($0, operation: .exportsPage, resource: nil) })
    }

    /// Deletes an export, where the provider can (see ``ProviderCapabilities/deletesExports``).
    public func deleteExport(_ id: ExportID) async throws {
        try await api.perform(ExportDeleteRequest(id: id)) { try await adapter.deleteExport($0, api: api) }
    }

    /// Deletes several exports at once where the vendor can (one at a time otherwise).
    /// Unknown ids come back in ``ExportDeletion/notFound`` rather than as an error.
    /// - Throws: ``GatewayError/Kind/unsupported`` when the vendor cannot delete.
    public func deleteExports(_ ids: [ExportID]) async throws -> ExportDeletion {
        var seen = Set<ExportID>()
        let unique = ids.filter { seen.insert($0).inserted }
        return try await api.perform(ExportsDeleteRequest(ids: unique)) { request in
            guard adapter.capabilities.deletesExports else { throw adapter.unsupported("deleting exports") }
            return try await adapter.deleteExports(request, api: api)
        }
    }

    /// Reads an export by its name within `dataset`, for vendors whose export names are
    /// unique per dataset (see ``ProviderCapabilities/readsExportsByName``).
    /// - Throws: ``GatewayError/Kind/notFound`` when no such export exists,
    ///   ``GatewayError/Kind/unsupported`` when the vendor has no names.
    public func export(named name: String, in dataset: DatasetRef) async throws -> Export {
        try await api.perform(ExportNameRequest(name: name, dataset: dataset)) {
            try await adapter.exportNamed($0, api: api)
        }
    }

    /// Polls until the export ends, with growing pauses.
    ///
    /// - Returns: the completed export, with its download location.
    /// - Throws: ``GatewayError/Kind/exportFailed`` when it fails or is canceled;
    ///   ``GatewayError/Kind/timeout`` when `timeout` passes first (the export may still
    ///   finish later; ``GatewayError/lastStatus`` says where it was); `CancellationError`
    ///   when the task is canceled.
    public func wait(for export: Export, timeout: Duration, pollInterval: Duration? = nil) async throws -> Export {
        if export.status == .completed && export.downloadLocation != nil { return export }
        return try await wait(for: export.id, timeout: timeout, pollInterval: pollInterval)
    }

    /// Polls the export with this id until it ends; see ``wait(for:timeout:pollInterval:)``.
    public func wait(for id: ExportID, timeout: Duration, pollInterval: Duration? = nil) async throws -> Export {
        let waiter = Waiter(
            clock: options.clock, initialInterval: pollInterval ?? options.pollInterval,
            maxInterval: max(options.maxPollInterval, pollInterval ?? .zero), eventHandler: options.eventHandler)
        do {
            return try await waiter.wait(timeout: timeout) { try await export(id) }
        } catch let error as GatewayError {
            throw api.stamped(error, operation: .wait, resource: .export(id))
        }
    }

    /// Downloads a completed export's result to `destination`.
    ///
    /// The file appears at `destination` only when complete (it grows as `<destination>.part`);
    /// memory stays bounded by ``GatewayOptions/downloadConcurrency`` x
    /// ``GatewayOptions/downloadChunkSize`` (except for a location
    /// whose bytes are not stable between requests, fetched in one piece); a storage host never
    /// receives the vendor's credential, which goes only to a location on the API's own origin.
    /// An existing file at `destination` is replaced.
    /// - Parameter progress: called after each chunk is written.
    /// - Throws: ``GatewayError/Kind/notReady`` for an export that has not completed,
    ///   ``GatewayError/Kind/localFile`` when `destination` cannot be written.
    @discardableResult
    public func download(
        _ export: Export, to destination: URL, progress: (@Sendable (DownloadProgress) -> Void)? = nil
    ) async throws -> DownloadedFile {
        let handler = options.eventHandler
        let report: @Sendable (DownloadProgress) -> Void = { value in
            handler?(.downloaded(bytes: value.bytesWritten, of: value.totalBytes))
            progress?(value)
        }
        let downloader = Downloader(
            api: api, chunkSize: options.downloadChunkSize, concurrency: options.downloadConcurrency)
        do {
            if export.downloadLocation == nil, adapter.capabilities.streamsRecords {
                // A streaming vendor's result is its results stream, written as one NDJSON file.
                return try await downloader.download(
                    stream: try await resultsReader(of: export), to: destination, progress: report)
            }
            let location: DownloadLocation
            if let known = export.downloadLocation, known.expiresAt.map({ $0 > Date() }) ?? true {
                location = known
            } else {
                location = try await freshLocation(for: export)
            }
            return try await downloader.download(
                from: location, to: destination, refreshLocation: { try await freshLocation(for: export) },
                progress: report)
        } catch let error as GatewayError {
            throw api.stamped(error, operation: .download, resource: .export(export.id))
        }
    }

    private func freshLocation(for export: Export) async throws -> DownloadLocation {
        try await api.perform(DownloadLocationRequest(export: export)) {
            try await adapter.downloadLocation($0, api: api)
        }
    }

    /// A reader over the whole results stream, or `nil` when the vendor reports it empty.
    private func resultsReader(of export: Export) async throws -> StreamByteReader? {
        let source = recordSource(of: export, stream: .results, startingAt: 0)
        return try await source.info().map { info in
            StreamByteReader(
                stream: .results, totalBytes: info.totalBytes, startingAt: 0, pieceSize: options.downloadChunkSize,
                api: api, locate: source.locate)
        }
    }

    // MARK: Records

    /// The size of one record stream of a completed export, or `nil` when it is empty (an
    /// export whose filters matched nothing, an errors stream of a clean export).
    /// - Throws: ``GatewayError/Kind/unsupported`` where the vendor does not stream records
    ///   (see ``ProviderCapabilities/streamsRecords``), ``GatewayError/Kind/notReady`` for an
    ///   export that has not completed.
    public func recordStreamInfo(of export: Export, stream: RecordStream = .results) async throws -> RecordStreamInfo? {
        try await recordSource(of: export, stream: stream, startingAt: 0).info()
    }

    /// Every exported record (data row) of a completed export, as items whose
    /// ``Item/providerFields`` hold the whole row, read lazily in bounded memory.
    ///
    /// Throws ``GatewayError/Kind/unsupported`` on first use where the vendor does not stream
    /// records, and ``GatewayError/Kind/notReady`` for an export that has not completed
    /// (``wait(for:timeout:pollInterval:)`` for it first).
    public func records(of export: Export) -> RecordSequence<Item> {
        let adapter = self.adapter, api = self.api
        return RecordSequence(source: recordSource(of: export, stream: .results, startingAt: 0)) { record in
            let text = try record.checked()
            do {
                return try adapter.record(from: RecordRow(text: text, export: export, offset: record.offset))
            } catch let error as GatewayError {
                throw api.stamped(error, operation: .record, resource: .export(export.id))
            }
        }
    }

    /// The vendor's error records for a completed export (rows it could not export), each as
    /// the vendor's JSON; empty for a clean export.
    public func errors(of export: Export) -> RecordSequence<JSONValue> {
        RecordSequence(source: recordSource(of: export, stream: .errors, startingAt: 0)) { try $0.line().value }
    }

    /// The lines of one record stream from a byte offset, each with the offset of the next:
    /// for pipelines that stop and later resume where they were.
    ///
    /// ```swift
    /// var resumeAt: Int64 = savedOffset
    /// for try await line in gateway.lines(of: ready, startingAt: resumeAt) {
    ///     try process(line.value)
    ///     resumeAt = line.nextOffset      // persist this to resume after a crash
    /// }
    /// ```
    /// - Parameter offset: where a line starts: 0, or a ``RecordLine/nextOffset`` seen before.
    public func lines(
        of export: Export, stream: RecordStream = .results, startingAt offset: Int64 = 0
    ) -> RecordSequence<RecordLine> {
        RecordSequence(source: recordSource(of: export, stream: stream, startingAt: offset)) { try $0.line() }
    }

    func recordSource(of export: Export, stream: RecordStream, startingAt offset: Int64) -> RecordSource {
        let adapter = self.adapter, api = self.api
        return RecordSource(
            stream: stream, startOffset: offset, pieceSize: min(options.downloadChunkSize, RecordSource.largestPiece),
            readAhead: options.recordReadAhead, api: api,
            info: {
                try await api.perform(RecordStreamInfoRequest(export: export, stream: stream)) { request in
                    guard adapter.capabilities.streamsRecords else { throw adapter.unsupported("streaming records") }
                    guard export.status == .completed else { throw GatewayError.notReady(export) }
                    return try await adapter.recordStreamInfo(request, api: api)
                }
            },
            locate: { offset in
                try await api.perform(RecordChunkRequest(export: export, stream: stream, offset: offset)) {
                    try await adapter.recordChunk($0, api: api)
                }
            },
            stamp: { error in api.stamped(error, operation: .recordChunk, resource: .export(export.id)) })
    }

    // MARK: Items

    /// Every item (or sequence) of a dataset, fetched lazily page by page (one page ahead:
    /// ``GatewayOptions/prefetchesPages``).
    public func items(in dataset: DatasetRef, kind: ItemKind = .item, pageSize: Int? = nil) -> PagedSequence<Item> {
        let adapter = self.adapter, api = self.api, size = pageSize ?? options.pageSize
        return PagedSequence(
            fetchPage: { cursor in
                try await api.perform(ItemsPageRequest(dataset: dataset, kind: kind, cursor: cursor, pageSize: size)) {
                    try await adapter.itemsPage($0, api: api)
                }
            }, prefetchesPages: options.prefetchesPages,
            stamp: { api.stamped($0, operation: .itemsPage, resource: .dataset(dataset)) })
    }

    /// One item (or sequence) of a dataset.
    public func item(_ id: ItemID, kind: ItemKind = .item, in dataset: DatasetRef) async throws -> Item {
        try await api.perform(ItemReadRequest(id: id, kind: kind, dataset: dataset)) {
            try await adapter.item($0, api: api)
        }
    }
}

extension URL {
    /// This URL without a user name or password.
    fileprivate var removingUserInfo: URL {
        guard user != nil || password != nil,
            var components = URLComponents(url: self, resolvingAgainstBaseURL: false)
        else { return self }
        components.user = nil
        components.password = nil
        return components.url ?? self
    }
}
