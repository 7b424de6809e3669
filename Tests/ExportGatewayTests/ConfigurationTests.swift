import ExportGateway
import Foundation
import Testing

/// A provider descriptor for configuration tests; configuration never calls the adapter.
private let sampleDescriptor = ProviderDescriptor(
    id: "sample", displayName: "Sample", defaultBaseURL: URL(string: "https://api.sample.example/v1")!,
    apiKeyEnvironmentVariable: "SAMPLE_API_KEY", baseURLEnvironmentVariable: "SAMPLE_BASE_URL",
    makeProvider: { SampleProvider() })

private struct SampleProvider: ExportProvider {
    static var descriptor: ProviderDescriptor { sampleDescriptor }
    var capabilities: ProviderCapabilities {
        ProviderCapabilities(
            listsExports: false, deletesExports: false, exportsDatasets: true, exportsProjects: false, formats: [],
            itemKinds: [], rangedDownloads: false)
    }
    func authenticate(_ request: inout HTTPRequest, key: APIKey) {}
    func error(from response: HTTPResponse) -> GatewayError? { nil }
    func createExport(_ request: ExportRequest, api: VendorAPI) async throws -> Export { throw unsupported("create") }
    func export(_ request: ExportReadRequest, api: VendorAPI) async throws -> Export { throw unsupported("read") }
}

private func configurationError(_ body: () throws -> Any) -> GatewayError? {
    do {
        _ = try body()
        return nil
    } catch let error as GatewayError {
        return error.kind == .configuration ? error : nil
    } catch {
        return nil
    }
}

private func writeTemporaryFile(_ text: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).json")
    try Data(text.utf8).write(to: url)
    return url
}

@Suite struct ConfigurationTests {
    @Test func environmentNamesProviderAndKey() throws {
        let environment = ["EXPORT_GATEWAY_PROVIDER": "Sample", "SAMPLE_API_KEY": "k-123"]
        let gateway = try Gateway(configuration: .environment(environment), providers: [sampleDescriptor])
        #expect(gateway.provider == "sample")
        #expect(gateway.baseURL == sampleDescriptor.defaultBaseURL)
    }

    @Test func missingProviderSaysWhatToSet() {
        let error = configurationError { try GatewayConfiguration.environment([:]) }
        #expect(error?.message.contains("EXPORT_GATEWAY_PROVIDER") == true)
    }

    @Test func unknownProviderListsKnownOnes() {
        let error = configurationError {
            try Gateway(
                configuration: .environment(["EXPORT_GATEWAY_PROVIDER": "nope", "SAMPLE_API_KEY": "k"]),
                providers: [sampleDescriptor])
        }
        #expect(error?.message.contains("\"nope\"") == true)
        #expect(error?.message.contains("sample") == true)
    }

    @Test func missingKeyNamesTheVariable() {
        let error = configurationError {
            try Gateway(
                configuration: .environment(["EXPORT_GATEWAY_PROVIDER": "sample"]), providers: [sampleDescriptor])
        }
        #expect(error?.message.contains("SAMPLE_API_KEY") == true)
    }

    @Test func blankKeyCountsAsMissing() {
        let error = configurationError {
            try Gateway(
                configuration: .environment(["EXPORT_GATEWAY_PROVIDER": "sample", "SAMPLE_API_KEY": "  "]),
                providers: [sampleDescriptor])
        }
        #expect(error != nil)
    }

    @Test func fileReadsFieldsAndEnvironmentOverridesThem() throws {
        let file = try writeTemporaryFile(
            #"{"provider": "sample", "baseURL": "https://file.example/v1", "apiKeyEnvironmentVariable": "MY_KEY", "pageSize": 7}"#
        )
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try GatewayConfiguration.load(from: file, environment: ["MY_KEY": "secret"])
        #expect(fromFile.baseURL?.absoluteString == "https://file.example/v1")
        #expect(fromFile.pageSize == 7)
        let gateway = try Gateway(configuration: fromFile, providers: [sampleDescriptor])
        #expect(gateway.options.pageSize == 7)

        let overridden = try GatewayConfiguration.load(
            from: file,
            environment: ["EXPORT_GATEWAY_BASE_URL": "http://127.0.0.1:8080/v1", "EXPORT_GATEWAY_PAGE_SIZE": "3"])
        #expect(overridden.baseURL?.absoluteString == "http://127.0.0.1:8080/v1")
        #expect(overridden.pageSize == 3)
    }

    @Test func nonPositivePageSizeFromAFileIsAConfigurationError() throws {
        let file = try writeTemporaryFile(#"{"provider": "sample", "pageSize": 0}"#)
        defer { try? FileManager.default.removeItem(at: file) }
        let configuration = try GatewayConfiguration.load(from: file, environment: ["SAMPLE_API_KEY": "k"])
        let error = configurationError { try Gateway(configuration: configuration, providers: [sampleDescriptor]) }
        #expect(error?.message.contains("pageSize") == true)
    }

    @Test func providerBaseURLVariableIsUsedWhenNothingElseIsSet() throws {
        let gateway = try Gateway(
            configuration: .environment([
                "EXPORT_GATEWAY_PROVIDER": "sample", "SAMPLE_API_KEY": "k",
                "SAMPLE_BASE_URL": "https://eu.sample.example/v1",
            ]),
            providers: [sampleDescriptor])
        #expect(gateway.baseURL.absoluteString == "https://eu.sample.example/v1")
    }

    @Test func malformedFileIsAConfigurationErrorNamingTheFile() throws {
        let file = try writeTemporaryFile("{not json")
        defer { try? FileManager.default.removeItem(at: file) }
        let error = configurationError { try GatewayConfiguration.load(from: file, environment: [:]) }
        #expect(error?.message.contains(file.path) == true)
    }

    @Test func missingFileIsAConfigurationError() {
        let error = configurationError {
            try GatewayConfiguration.load(from: URL(fileURLWithPath: "/nonexistent/gateway.json"), environment: [:])
        }
        #expect(error?.message.contains("/nonexistent/gateway.json") == true)
    }

    @Test func plainHTTPIsRefusedOffLoopback() {
        let error = configurationError {
            try GatewayConfiguration.environment([
                "EXPORT_GATEWAY_PROVIDER": "sample", "EXPORT_GATEWAY_BASE_URL": "http://api.example.com/v1",
            ])
        }
        #expect(error?.message.contains("https") == true)
    }

    @Test func badPageSizeIsRefused() {
        let error = configurationError {
            try GatewayConfiguration.environment([
                "EXPORT_GATEWAY_PROVIDER": "sample", "EXPORT_GATEWAY_PAGE_SIZE": "many",
            ])
        }
        #expect(error?.message.contains("EXPORT_GATEWAY_PAGE_SIZE") == true)
    }
}

/// A user name or password in a base URL is refused (or, in code, dropped) and never repeated.
@Suite struct BaseURLUserInfoTests {
    @Test func aBaseURLWithUserInfoFromTheEnvironmentIsRefusedWithoutEchoingIt() throws {
        let environment = [
            "EXPORT_GATEWAY_PROVIDER": "sample", "SAMPLE_API_KEY": "k",
            "SAMPLE_BASE_URL": "http://operator:hunter2@127.0.0.1:8080/api",
        ]
        do {
            _ = try Gateway(configuration: .environment(environment), providers: [sampleDescriptor])
            Issue.record("a base URL with a password was accepted")
        } catch let error as GatewayError {
            #expect(error.kind == .configuration)
            #expect(error.message.contains("user name or password"))
            #expect(!"\(error)".contains("hunter2") && !"\(error)".contains("operator"))
        }
    }

    @Test func aBaseURLWithUserInfoSetInCodeIsDroppedBeforeAnyRequest() throws {
        let url = try #require(URL(string: "https://operator:hunter2@api.example.test/v1"))
        let gateway = Gateway(provider: SampleProvider(), apiKey: APIKey("k"), baseURL: url)
        #expect(gateway.baseURL.user == nil && gateway.baseURL.password == nil)
        #expect(gateway.baseURL.host == "api.example.test")
        #expect(throws: GatewayError.self) {
            try Gateway(
                configuration: GatewayConfiguration(provider: "sample", baseURL: url, apiKey: APIKey("k")),
                providers: [sampleDescriptor])
        }
    }
}
