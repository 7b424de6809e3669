import ExportGateway
import Foundation

extension ProviderID {
    /// Labelbox (labelbox.com), selected in configuration as `"labelbox"`.
    public static let labelbox: ProviderID = "labelbox"
}

extension ProviderSet {
    /// The Labelbox adapter alone; combine with other sets using `+`.
    public static var labelbox: ProviderSet { [LabelboxProvider.descriptor] }
}

/// The Labelbox adapter (in progress).
public struct LabelboxProvider: ExportProvider {
    /// Labelbox's name, production URL and configuration variables.
    public static let descriptor = ProviderDescriptor(
        id: .labelbox, displayName: "Labelbox", defaultBaseURL: URL(string: "https://api.labelbox.com")!,
        apiKeyEnvironmentVariable: "LABELBOX_API_KEY", baseURLEnvironmentVariable: "LABELBOX_BASE_URL",
        makeProvider: { LabelboxProvider() })

    /// Creates the adapter.
    public init() {}

    public var capabilities: ProviderCapabilities {
        ProviderCapabilities(
            listsExports: false, deletesExports: false, exportsDatasets: false, exportsProjects: false, formats: [],
            itemKinds: [], resumableDownloads: false)
    }

    public func authenticate(_ request: inout HTTPRequest, key: APIKey) {
        request.headers["Authorization"] = "Bearer \(key.secret)"
    }

    public func error(from response: HTTPResponse) -> GatewayError? { nil }

    public func createExport(_ request: ExportRequest, api: VendorAPI) async throws -> Export {
        throw unsupported("creating exports")
    }

    public func export(_ id: ExportID, api: VendorAPI) async throws -> Export {
        throw unsupported("reading exports")
    }
}
