import Foundation

/// A vendor adapter: turns normalized calls into one vendor's wire protocol and back.
///
/// Adapters describe; the core executes. An adapter builds requests and maps responses,
/// status words and errors. It never retries, sleeps, loops over pages, polls, writes files
/// or logs: ``VendorAPI`` and ``Gateway`` do those once, for every vendor.
///
/// Methods a vendor lacks keep their default implementation, which throws
/// ``GatewayError/Kind/unsupported``; ``capabilities`` says so up front.
///
/// ```swift
/// struct MyProvider: ExportProvider {
///     static let descriptor = ProviderDescriptor(id: "my", defaultBaseURL: ..., ...)
///     var capabilities: ProviderCapabilities { ... }
///     func authenticate(_ request: inout HTTPRequest, key: APIKey) {
///         request.headers["Authorization"] = "Bearer \(key.secret)"
///     }
///     ...
/// }
/// ```
public protocol ExportProvider: Sendable {
    /// The provider's name, base URL and configuration variables.
    static var descriptor: ProviderDescriptor { get }

    /// What this provider can do.
    var capabilities: ProviderCapabilities { get }

    /// Adds the vendor's credential to a request bound for its API host. The core marks
    /// every header this adds as a credential: never logged, never sent off-host.
    /// Used when ``exchangeKey(_:api:)`` returns `nil`: the key is sent as it is.
    func authenticate(_ request: inout HTTPRequest, key: APIKey)

    /// Exchanges the user's key for a short-lived access token, or returns `nil` to send the
    /// key itself (the default).
    ///
    /// The core calls it when a request first needs a credential, again before the token
    /// expires (on the gateway's clock) and once after a request with it is refused with
    /// 401; concurrent requests share one exchange. Send the exchange with
    /// ``VendorAPI/send(_:retry:authenticated:)`` and `authenticated: false`: its body carries
    /// the key, which is why no request body is ever logged. A key that cannot work (expired
    /// on its face) is an ``GatewayError/Kind/authentication`` error thrown before any request.
    func exchangeKey(_ request: KeyExchangeRequest, api: VendorAPI) async throws -> AccessToken?

    /// Adds an access token from ``exchangeKey(_:api:)`` to a request bound for the API host;
    /// its headers are credentials too. The default sets `Authorization: Bearer <token>`.
    func authenticate(_ request: inout HTTPRequest, token: AccessToken)

    /// The error a response stands for, or `nil` for a success. Called for every response,
    /// so a vendor that reports errors inside a 200 can say so.
    func error(from response: HTTPResponse) -> GatewayError?

    /// Starts an export.
    func createExport(_ request: ExportRequest, api: VendorAPI) async throws -> Export
    /// Reads one export.
    func export(_ request: ExportReadRequest, api: VendorAPI) async throws -> Export
    /// Reads one export by its name within a dataset, where names are unique per dataset.
    func exportNamed(_ request: ExportNameRequest, api: VendorAPI) async throws -> Export
    /// Reads one page of exports, newest first when the vendor orders them.
    func exportsPage(_ request: ExportsPageRequest, api: VendorAPI) async throws -> Page<Export>
    /// Deletes an export.
    func deleteExport(_ request: ExportDeleteRequest, api: VendorAPI) async throws
    /// Deletes several exports; ids the vendor does not know are reported, not thrown.
    /// The default deletes one at a time.
    func deleteExports(_ request: ExportsDeleteRequest, api: VendorAPI) async throws -> ExportDeletion
    /// A fresh download location for a completed export (signed URLs expire).
    func downloadLocation(_ request: DownloadLocationRequest, api: VendorAPI) async throws -> DownloadLocation
    /// Reads one page of a dataset's items or sequences.
    func itemsPage(_ request: ItemsPageRequest, api: VendorAPI) async throws -> Page<Item>
    /// Reads one item or sequence.
    func item(_ request: ItemReadRequest, api: VendorAPI) async throws -> Item
    /// The size of one record stream of a completed export, or `nil` when the stream is empty.
    func recordStreamInfo(_ request: RecordStreamInfoRequest, api: VendorAPI) async throws -> RecordStreamInfo?
    /// The stored chunk of a record stream that holds byte `request.offset` (which may lie inside it).
    func recordChunk(_ request: RecordChunkRequest, api: VendorAPI) async throws -> RecordChunk
    /// One line of an export's results stream, read as an item.
    func record(from row: RecordRow) throws -> Item
    /// How annotations are read from this vendor's exports; the default is unsupported.
    var annotationRoute: AnnotationRoute { get }
    /// One line of an export's results stream, read as an image with its annotations (for
    /// ``AnnotationRoute/records``).
    func annotatedItem(from row: RecordRow) throws -> AnnotatedItem
}

extension ExportProvider {
    /// The provider's id.
    public static var id: ProviderID { descriptor.id }

    public func exchangeKey(_ request: KeyExchangeRequest, api: VendorAPI) async throws -> AccessToken? { nil }

    public func authenticate(_ request: inout HTTPRequest, token: AccessToken) {
        request.headers["Authorization"] = "Bearer \(token.secret)"
    }

    public func exportNamed(_ request: ExportNameRequest, api: VendorAPI) async throws -> Export {
        throw unsupported("reading an export by name")
    }

    public func exportsPage(_ request: ExportsPageRequest, api: VendorAPI) async throws -> Page<Export> {
        throw unsupported("listing exports")
    }

    public func deleteExport(_ request: ExportDeleteRequest, api: VendorAPI) async throws {
        throw unsupported("deleting an export")
    }

    public func deleteExports(_ request: ExportsDeleteRequest, api: VendorAPI) async throws -> ExportDeletion {
        var deletion = ExportDeletion(deleted: [], notFound: [])
        for id in request.ids where !deletion.deleted.contains(id) && !deletion.notFound.contains(id) {
            do {
                try await deleteExport(ExportDeleteRequest(id: id), api: api)
                deletion.deleted.append(id)
            } catch let error as GatewayError where error.kind == .notFound {
                deletion.notFound.append(id)
            }
        }
        return deletion
    }

    public func downloadLocation(_ request: DownloadLocationRequest, api: VendorAPI) async throws -> DownloadLocation {
        let fresh = try await export(ExportReadRequest(id: request.export.id), api: api)
        guard let location = fresh.downloadLocation else {
            throw GatewayError.notReady(fresh)
        }
        return location
    }

    public func itemsPage(_ request: ItemsPageRequest, api: VendorAPI) async throws -> Page<Item> {
        throw unsupported("listing \(request.kind)s")
    }

    public func item(_ request: ItemReadRequest, api: VendorAPI) async throws -> Item {
        throw unsupported("reading one \(request.kind)")
    }

    public func recordStreamInfo(_ request: RecordStreamInfoRequest, api: VendorAPI) async throws -> RecordStreamInfo? {
        throw unsupported("streaming records")
    }

    public func recordChunk(_ request: RecordChunkRequest, api: VendorAPI) async throws -> RecordChunk {
        throw unsupported("streaming records")
    }

    public func record(from row: RecordRow) throws -> Item {
        throw unsupported("streaming records")
    }

    public var annotationRoute: AnnotationRoute {
        .unsupported(reason: "\(Self.descriptor.displayName) offers no export the gateway can read annotations from.")
    }

    public func annotatedItem(from row: RecordRow) throws -> AnnotatedItem {
        throw unsupported("reading annotations from records")
    }

    /// An `unsupported` error naming `feature` and this provider, with `advice` on what to
    /// do instead when there is something to say.
    public func unsupported(_ feature: String, advice: String? = nil) -> GatewayError {
        var error = GatewayError.unsupported(
            feature,
            message: "\(Self.descriptor.displayName) does not support \(feature)." + (advice.map { " \($0)" } ?? ""))
        error.provider = Self.id
        return error
    }
}

/// What a bulk delete did.
public struct ExportDeletion: Sendable, Hashable {
    /// The exports that existed and are now gone.
    public var deleted: [ExportID]
    /// The ids the vendor did not know (or that belong to someone else): not an error, so
    /// running the same delete again succeeds.
    public var notFound: [ExportID]

    /// Creates a result.
    public init(deleted: [ExportID], notFound: [ExportID]) {
        self.deleted = deleted
        self.notFound = notFound
    }
}

/// A provider's name, where its API lives, and which environment variables configure it.
public struct ProviderDescriptor: Sendable {
    /// The name used in configuration, such as `avala`.
    public var id: ProviderID
    /// A human name, such as `Avala`.
    public var displayName: String
    /// The production API base URL, path prefix included.
    public var defaultBaseURL: URL
    /// The environment variable that holds the API key, such as `AVALA_API_KEY`.
    public var apiKeyEnvironmentVariable: String
    /// The environment variable that overrides the base URL, such as `AVALA_BASE_URL`.
    public var baseURLEnvironmentVariable: String
    /// Makes an adapter.
    public var makeProvider: @Sendable () -> any ExportProvider

    /// Creates a descriptor.
    public init(
        id: ProviderID, displayName: String, defaultBaseURL: URL, apiKeyEnvironmentVariable: String,
        baseURLEnvironmentVariable: String, makeProvider: @escaping @Sendable () -> any ExportProvider
    ) {
        self.id = id
        self.displayName = displayName
        self.defaultBaseURL = defaultBaseURL
        self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
        self.baseURLEnvironmentVariable = baseURLEnvironmentVariable
        self.makeProvider = makeProvider
    }
}

/// The providers a gateway may choose from by configuration.
///
/// Each adapter module adds a constant (`ProviderSet.avala`); `ExportGatewayProviders`
/// offers `.standard` with every adapter. Combine sets with `+`.
public struct ProviderSet: Sendable, ExpressibleByArrayLiteral {
    /// The descriptors, in the order given.
    public private(set) var descriptors: [ProviderDescriptor]

    /// Creates a set.
    public init(_ descriptors: [ProviderDescriptor]) {
        var seen = Set<ProviderID>()
        self.descriptors = descriptors.filter { seen.insert($0.id).inserted }
    }

    /// Creates a set from a literal.
    public init(arrayLiteral elements: ProviderDescriptor...) { self.init(elements) }

    /// The descriptor for `id`, if the set has it.
    public subscript(id: ProviderID) -> ProviderDescriptor? { descriptors.first { $0.id == id } }

    /// The ids, in order.
    public var ids: [ProviderID] { descriptors.map(\.id) }

    /// Both sets' providers.
    public static func + (lhs: ProviderSet, rhs: ProviderSet) -> ProviderSet {
        ProviderSet(lhs.descriptors + rhs.descriptors)
    }
}
