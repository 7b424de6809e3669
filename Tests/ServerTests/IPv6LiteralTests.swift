import ExportGateway
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// URLSession on Linux cannot request IPv6 literal hosts (FoundationNetworking refuses them as
/// bad URLs); the transport says so once, as a configuration error, instead of failing every
/// attempt with `URLError -1000`.
@Suite struct IPv6LiteralTests {
    @Test(arguments: ["http://[::1]:8080/api/v1/exports/", "http://[2001:db8::1]:8080/api/v1/"])
    func anIPv6LiteralIsRefusedOnceWithWhatToDo(text: String) async throws {
        let url = try #require(URL(string: text))
        #if canImport(FoundationNetworking)
        await #expect {
            try await URLSessionTransport().send(HTTPRequest(method: .get, url: url))
        } throws: { error in
            guard let error = error as? GatewayError else { return false }
            return error.kind == .configuration && error.message.contains("127.0.0.1")
        }
        #endif
    }
}
