import Foundation

/// Which provider a gateway talks to, where, and with which key: the one line of
/// configuration that differs between vendors.
///
/// Read it from a JSON file, from the environment, or both (the environment wins, so a
/// deployment can override a checked-in file):
///
/// ```json
/// {"provider": "avala", "apiKeyEnvironmentVariable": "AVALA_API_KEY"}
/// ```
///
/// | JSON field | environment | meaning |
/// |---|---|---|
/// | `provider` | `EXPORT_GATEWAY_PROVIDER` | provider name, such as `avala` |
/// | `baseURL` | `EXPORT_GATEWAY_BASE_URL`, or the provider's own (`AVALA_BASE_URL`) | API base URL |
/// | `apiKeyEnvironmentVariable` | | where to read the key (default: the provider's, `AVALA_API_KEY`) |
/// | `apiKey` | the provider's key variable | the key itself (prefer the environment) |
/// | `pageSize` | `EXPORT_GATEWAY_PAGE_SIZE` | list page size |
public struct GatewayConfiguration: Sendable {
    /// The provider to use.
    public var provider: ProviderID
    /// The API base URL; `nil` uses the provider's variable or its production URL.
    public var baseURL: URL?
    /// The key, when given directly (from a file); otherwise it is read from the environment.
    public var apiKey: APIKey?
    /// The environment variable to read the key from; `nil` uses the provider's own.
    public var apiKeyEnvironmentVariable: String?
    /// List page size; `nil` uses ``GatewayOptions/pageSize``.
    public var pageSize: Int?
    /// The environment the key and base URL are looked up in.
    public var environment: [String: String]

    /// Environment variable naming the provider.
    public static let providerVariable = "EXPORT_GATEWAY_PROVIDER"
    /// Environment variable overriding the base URL for any provider.
    public static let baseURLVariable = "EXPORT_GATEWAY_BASE_URL"
    /// Environment variable setting the page size.
    public static let pageSizeVariable = "EXPORT_GATEWAY_PAGE_SIZE"

    /// Creates a configuration in code.
    public init(
        provider: ProviderID, baseURL: URL? = nil, apiKey: APIKey? = nil, apiKeyEnvironmentVariable: String? = nil,
        pageSize: Int? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.provider = provider
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
        self.pageSize = pageSize
        self.environment = environment
    }

    /// Reads the configuration from the environment alone.
    /// - Throws: ``GatewayError/Kind/configuration`` when `EXPORT_GATEWAY_PROVIDER` is unset
    ///   or a value is malformed.
    public static func environment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> GatewayConfiguration {
        guard let provider = environment.nonEmpty(providerVariable) else {
            throw GatewayError(
                .configuration,
                message:
                    "No provider configured. Set \(providerVariable) to a provider name (the `id` of one of your ProviderSet's descriptors) or use a configuration file."
            )
        }
        var configuration = GatewayConfiguration(provider: ProviderID(rawValue: provider), environment: environment)
        try configuration.applyEnvironmentOverrides()
        return configuration
    }

    /// Reads a JSON configuration file, then applies environment overrides.
    /// - Throws: ``GatewayError/Kind/configuration`` naming the file and what is wrong with it.
    public static func load(
        from file: URL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> GatewayConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw GatewayError(
                .configuration, message: "Cannot read configuration file \(file.path): \(error.localizedDescription).")
        }
        let fileContents: FileContents
        do {
            fileContents = try JSONDecoder().decode(FileContents.self, from: data)
        } catch {
            throw GatewayError(
                .configuration,
                message:
                    "Configuration file \(file.path) is not valid: \(error.readableDecodingDescription). Expected a JSON object such as {\"provider\": \"<name>\"}."
            )
        }
        let provider = environment.nonEmpty(providerVariable) ?? fileContents.provider
        guard let provider, !provider.isEmpty else {
            throw GatewayError(
                .configuration,
                message:
                    "Configuration file \(file.path) names no provider. Add \"provider\": \"<name>\" or set \(providerVariable)."
            )
        }
        var configuration = GatewayConfiguration(
            provider: ProviderID(rawValue: provider), apiKey: fileContents.apiKey.map(APIKey.init),
            apiKeyEnvironmentVariable: fileContents.apiKeyEnvironmentVariable, pageSize: fileContents.pageSize,
            environment: environment)
        if let text = fileContents.baseURL {
            configuration.baseURL = try Self.parseBaseURL(text, source: "\"baseURL\" in \(file.path)")
        }
        try configuration.applyEnvironmentOverrides()
        return configuration
    }

    private mutating func applyEnvironmentOverrides() throws {
        if let text = environment.nonEmpty(Self.baseURLVariable) {
            baseURL = try Self.parseBaseURL(text, source: Self.baseURLVariable)
        }
        if let text = environment.nonEmpty(Self.pageSizeVariable) {
            guard let size = Int(text), size > 0 else {
                throw GatewayError(
                    .configuration, message: "\(Self.pageSizeVariable)=\(text) is not a positive whole number.")
            }
            pageSize = size
        }
    }

    /// Checks a base URL: http(s), a host, and plain http only on loopback, because the key
    /// would otherwise cross the network in clear text.
    static func parseBaseURL(_ text: String, source: String) throws -> URL {
        guard let url = URL(string: text.trimmingCharacters(in: .whitespaces)) else {
            throw GatewayError(
                .configuration, message: "\(source) is not a URL. Use a form like https://host/api/v1.")
        }
        return try checkBaseURL(url, source: source)
    }

    /// `url` when it can serve as a vendor API base URL: absolute, https (or http on
    /// loopback), without a user name or password. Messages never repeat a user name or
    /// password the URL carried.
    static func checkBaseURL(_ url: URL, source: String) throws -> URL {
        try refuseUserInfo(in: url, source: source)
        let text = url.absoluteString
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw GatewayError(
                .configuration,
                message: "\(source) is not an absolute URL: \"\(text)\". Use a form like https://host/api/v1.")
        }
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw GatewayError(
                .configuration,
                message: "\(source) must use https (plain http is allowed only for localhost/127.0.0.1): \"\(text)\".")
        }
        return url
    }

    /// Throws when `url` carries a user name or password, without repeating them.
    static func refuseUserInfo(in url: URL, source: String) throws {
        guard url.user == nil && url.password == nil else {
            throw GatewayError(
                .configuration,
                message: "\(source) carries a user name or password (\"user:password@\"). The gateway sends only the "
                    + "vendor's API key, and never in a URL: remove that part of the base URL.")
        }
    }

    private struct FileContents: Decodable {
        var provider: String?
        var baseURL: String?
        var apiKey: String?
        var apiKeyEnvironmentVariable: String?
        var pageSize: Int?
    }
}

extension Dictionary where Key == String, Value == String {
    /// The value for `key`, trimmed, or `nil` when absent or blank.
    func nonEmpty(_ key: String) -> String? {
        guard let value = self[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}

extension Error {
    var readableDecodingDescription: String {
        guard let error = self as? DecodingError else { return localizedDescription }
        switch error {
        case .typeMismatch(let type, let context):
            return "expected \(type) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted(let context):
            return context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        default:
            return String(describing: error)
        }
    }
}
