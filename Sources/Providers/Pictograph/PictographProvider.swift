import ExportGateway
import Foundation

extension ProviderID {
    /// Pictograph (pictograph.io), selected in configuration as `"pictograph"`.
    public static let pictograph: ProviderID = "pictograph"
}

extension ProviderSet {
    /// The Pictograph adapter alone; combine with other sets using `+`.
    public static var pictograph: ProviderSet { [PictographProvider.descriptor] }
}

/// The Pictograph adapter (in progress).
public struct PictographProvider: ExportProvider {
    /// Pictograph's name, production URL and configuration variables.
    public static let descriptor = ProviderDescriptor(
        id: .pictograph, displayName: "Pictograph", defaultBaseURL: URL(string: "https://api.pictograph.io")!,
        apiKeyEnvironmentVariable: "PICTOGRAPH_API_KEY", baseURLEnvironmentVariable: "PICTOGRAPH_BASE_URL",
        makeProvider: { PictographProvider() })

    /// Creates the adapter.
    public init() {}

    public var capabilities: ProviderCapabilities {
        ProviderCapabilities(
            listsExports: false, deletesExports: false, exportsDatasets: false, exportsProjects: false, formats: [],
            itemKinds: [], resumableDownloads: false)
    }

    public func authenticate(_ request: inout HTTPRequest, key: APIKey) {
        request.headers["X-API-Key"] = key.secret
    }

    public func error(from response: HTTPResponse) -> GatewayError? { nil }

    public func createExport(_ request: ExportRequest, api: VendorAPI) async throws -> Export {
        throw unsupported("creating exports")
    }

    public func export(_ id: ExportID, api: VendorAPI) async throws -> Export {
        throw unsupported("reading exports")
    }
}
