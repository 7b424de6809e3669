import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// Only http and https redirects are followed; anything else is a final, typed error that
/// names the request, and it is not asked again.
@Suite struct RedirectRuleTests {
    @Test(arguments: ["ftp://files.example.test/export.zip", "file:///etc/passwd", "javascript:alert(1)"])
    func aRedirectToAnotherSchemeIsRefusedOnceAndNamed(location: String) async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.completes(afterPolls: 0))
        let before = avala.simulator.requestLog.requests.count
        avala.simulator.injectAnswer(HTTPResponse(status: 302, headers: ["Location": location]), method: .get, count: 5)
        do {
            _ = try await avala.gateway().export(created.id)
            Issue.record("a \(location) redirect was followed")
        } catch let error as GatewayError {
            #expect(error.kind == .server && error.httpStatus == 302)
            #expect(error.message.contains("only http and https"))
            #expect(error.requestLine == "GET /api/v1/exports/\(created.id)/")
            #expect(error.operation == .export)
        }
        #expect(avala.simulator.requestLog.requests.count == before + 1, "asked once, not retried")
        #expect(avala.clock.sleeps.isEmpty)
    }

    @Test func aRedirectLoopEndsAfterFiveHopsWithoutRetrying() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.completes(afterPolls: 0))
        let before = avala.simulator.requestLog.requests.count
        let path = "/api/v1/exports/\(created.id)/"
        avala.simulator.injectAnswer(HTTPResponse(status: 307, headers: ["Location": path]), method: .get, count: 50)
        do {
            _ = try await avala.gateway().export(created.id)
            Issue.record("a redirect loop returned")
        } catch let error as GatewayError {
            #expect(error.kind == .server && error.message.contains("Gave up after 5 redirects"))
        }
        #expect(avala.simulator.requestLog.requests.count == before + 6, "the first request and five hops, once")
    }
}
