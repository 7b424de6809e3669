// Public types with the common names that AsyncHTTPClient, SwiftNIO and swift-http-types
// export, so a test can import them beside ExportGateway as a real pipeline's file would.

/// Stands in for NIOHTTP1's `HTTPHeaders`.
public struct HTTPHeaders: Sendable { public init() {} }
/// Stands in for swift-http-types' `HTTPRequest`.
public struct HTTPRequest: Sendable { public init() {} }
/// Stands in for swift-http-types' `HTTPResponse`.
public struct HTTPResponse: Sendable { public init() {} }
/// Stands in for NIOHTTP1's `HTTPMethod`.
public enum HTTPMethod: Sendable { case GET }
/// Stands in for any other module's `Gateway`.
public struct Gateway: Sendable { public init() {} }
