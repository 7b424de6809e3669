import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayTesting

/// What each vendor-neutral fault puts on the wire, in-process: the answer the transport
/// returns or the error it throws, and (through ``SimulatorTransport/answer(_:)``) exactly what
/// the loopback server would write. Faults in a vendor's own shapes are checked beside that
/// vendor's simulator; Avala is the vehicle here.
@Suite("Simulated faults (in-process)")
struct SimulatedFaultTests {
    let avala = AvalaSimulator()
    let content = Data((0..<1000).map { UInt8($0 % 251) })

    /// A signed URL for a 1,000-byte storage object.
    func storedFile() -> URL {
        avala.host.storage.put(content, at: "results/file.bin")
        return avala.host.storage.signedURL(for: "results/file.bin").url
    }

    func request(_ path: String, method: HTTPMethod = .get) -> HTTPRequest {
        HTTPRequest(
            method: method, url: URL(string: avala.apiBaseURL.absoluteString + path)!,
            headers: ["X-Avala-Api-Key": avala.apiKey])
    }

    func code(of error: any Error) -> URLError.Code? { (error as? URLError)?.code }

    // MARK: The catalog

    @Test func catalogNamesEveryFaultOnceWithItsOrigins() {
        let names = SimulatedFault.catalog.map(\.name)
        #expect(names.count == 20 && Set(names).count == names.count)
        #expect(Set(SimulatedFault.catalog.map(\.fault)).count == names.count)
        for entry in SimulatedFault.catalog {
            #expect(SimulatedFault.named(entry.name) == entry.fault, "\(entry)")
            #expect(!entry.fault.origins.isEmpty, "\(entry)")
        }
        #expect(SimulatedFault.named("meteorStrike") == nil)
        #expect(SimulatedFault.expiredSignedURL.origins == [.storage])
        for apiOnly in ["unauthorized", "fieldErrors", "malformedJSON", "missingListField", "unknownStatusWord"] {
            #expect(SimulatedFault.named(apiOnly)?.origins == [.api], "\(apiOnly)")
        }
        #expect(SimulatedFault.named("truncatedBody")?.origins == [.api, .storage])
    }

    @Test func parametersReplaceOnlyTheValuesAFaultTakes() {
        let values = SimulatedFault.Parameters(retryAfter: 9, milliseconds: 50, bytes: 3, word: "held")
        #expect(SimulatedFault.named("rateLimited")?.with(values) == .rateLimited(retryAfterSeconds: 9))
        #expect(
            SimulatedFault.named("rateLimitedUntilSimulatedDate")?.with(values)
                == .rateLimitedUntilSimulatedDate(secondsAhead: 9))
        #expect(SimulatedFault.named("stalledBody")?.with(values) == .stalledBody(for: .milliseconds(50)))
        #expect(
            SimulatedFault.named("slowBody")?.with(values) == .slowBody(bytesPerWrite: 3, interval: .milliseconds(50)))
        #expect(SimulatedFault.named("unknownStatusWord")?.with(values) == .unknownStatusWord("held"))
        #expect(SimulatedFault.serverError.with(values) == .serverError)
        #expect(
            SimulatedFault.named("slowBody")?.with(SimulatedFault.Parameters())
                == .slowBody(bytesPerWrite: 512, interval: .milliseconds(10)))
    }

    @Test func faultOnAnOriginItDoesNotApplyToIsAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            AvalaSimulator().injectFault(.expiredSignedURL, on: .api)
        }
    }

    // MARK: Body faults

    @Test func truncatedBodyCutsTheVendorsAnswerHalfWay() async throws {
        let url = storedFile()
        avala.injectFault(.truncatedBody, on: .storage, count: 2)
        // A HEAD has no body to cut: it passes whole, and the fault waits.
        #expect(try await avala.transport.send(HTTPRequest(method: .head, url: url)).status == 200)
        let (response, delivery) = try avala.transport.answer(HTTPRequest(url: url))
        #expect(response.status == 200 && response.body == content && response.headers["Content-Length"] == "1000")
        #expect(delivery == .truncated(afterBytes: 500))
        let thrown = await #expect(throws: URLError.self) { try await avala.transport.send(HTTPRequest(url: url)) }
        #expect(thrown?.code == SimulatorTransport.truncation(remaining: 500).code)
        #expect(avala.requestLog.requests.map(\.status) == [200, 200, 200])
        #expect(try await avala.transport.send(HTTPRequest(url: url)).body == content)
    }

    @Test func stalledBodyTimesOutAfterTheStallInSimulatedTime() async throws {
        let url = storedFile()
        let before = avala.host.time.now
        avala.injectFault(.stalledBody(for: .seconds(90)), on: .storage, count: 2)
        let (response, delivery) = try avala.transport.answer(HTTPRequest(url: url))
        #expect(response.body == content && delivery == .stalled(afterBytes: 500, for: .seconds(90)))
        await #expect { try await avala.transport.send(HTTPRequest(url: url)) } throws: {
            code(of: $0) == .timedOut
        }
        // Only the in-process send waits, on the simulator's clock; the loopback server
        // waits for real.
        #expect(avala.host.time.now.timeIntervalSince(before) == 90)
    }

    @Test func slowBodyArrivesWholeAfterTheTrickleInSimulatedTime() async throws {
        let url = storedFile()
        let before = avala.host.time.now
        avala.injectFault(.slowBody(bytesPerWrite: 300, interval: .milliseconds(500)), on: .storage, count: 2)
        let (_, delivery) = try avala.transport.answer(HTTPRequest(url: url))
        #expect(delivery == .trickled(bytesPerWrite: 300, interval: .milliseconds(500)))
        #expect(try await avala.transport.send(HTTPRequest(url: url)).body == content)
        // Four pieces of at most 300 bytes, half a second apart.
        #expect(avala.host.time.now.timeIntervalSince(before) == 2)
    }

    @Test func bodyFaultsCountOnlyAnswersWithABody() async throws {
        let url = storedFile()
        avala.injectFault(.truncatedBody, on: .storage, count: 1, after: 1)
        #expect(try await avala.transport.send(HTTPRequest(method: .head, url: url)).status == 200)
        #expect(try await avala.transport.send(HTTPRequest(url: url)).body == content)
        await #expect(throws: URLError.self) { try await avala.transport.send(HTTPRequest(url: url)) }
    }

    @Test func malformedJSONIsTheVendorsAnswerCutInHalfButWellFramed() async throws {
        let whole = try await avala.transport.send(request("/exports/"))
        avala.injectFault(.malformedJSON, method: .get, count: 1)
        let (response, delivery) = try avala.transport.answer(request("/exports/"))
        #expect(delivery == .whole && response.status == 200)
        #expect(response.body == whole.body.prefix(whole.body.count / 2))
        #expect(response.headers["Content-Type"] == "application/json" && response.headers["X-RateLimit-Limit"] != nil)
        #expect(throws: (any Error).self) { try JSONValue(parsing: response.body) }
        #expect(try await avala.transport.send(request("/exports/")).body == whole.body)
    }

    // MARK: Answers in the vendor's place

    @Test func expiredSignedURLIsTheStorageHostsAccessDenied() async throws {
        let url = storedFile()
        avala.injectFault(.expiredSignedURL, on: .storage, count: 1)
        let expired = try await avala.transport.send(HTTPRequest(url: url))
        #expect(expired.status == 403 && expired.headers["Content-Type"] == "application/xml")
        #expect(expired.bodyText?.contains("<Code>AccessDenied</Code><Message>Request has expired</Message>") == true)
        #expect(try await avala.transport.send(HTTPRequest(url: url)).status == 200)
    }

    @Test func rateLimitUntilSimulatedDateNamesADateOnTheSimulatorsClock() async throws {
        avala.injectFault(.rateLimitedUntilSimulatedDate(secondsAhead: 5), count: 1)
        avala.injectFault(.rateLimitedUntilSimulatedDate(secondsAhead: 65), on: .storage, count: 1)
        let api = try await avala.transport.send(request("/exports/"))
        #expect(api.status == 429 && api.headers["Retry-After"] == "Wed, 15 Jan 2025 09:30:05 GMT")
        #expect(try JSONValue(parsing: api.body)["detail"] == "Request was throttled. Expected available in 5 seconds.")
        let storage = try await avala.transport.send(HTTPRequest(url: storedFile()))
        #expect(storage.status == 503 && storage.headers["Retry-After"] == "Wed, 15 Jan 2025 09:31:05 GMT")
        #expect(storage.bodyText?.contains("<Code>SlowDown</Code>") == true)
    }

    @Test func redirectToOtherHostSendsTheSamePathToTheOtherOrigin() async throws {
        avala.injectFault(.redirectToOtherHost, count: 1)
        let fromAPI = try await avala.transport.send(request("/exports/?limit=2&cursor=a%2Bb"))
        #expect(fromAPI.status == 302)
        #expect(fromAPI.headers["Location"] == "https://storage.avala.sim/api/v1/exports/?limit=2&cursor=a%2Bb")
        let url = storedFile()
        avala.injectFault(.redirectToOtherHost, on: .storage, count: 1)
        let fromStorage = try await avala.transport.send(HTTPRequest(url: url))
        #expect(fromStorage.headers["Location"] == "https://api.avala.sim\(url.path)?\(url.query ?? "")")
    }

    @Test func gatewayFollowsARedirectToAnotherHostWithoutTheKey() async throws {
        let dataset = try #require(avala.datasetUID(for: avala.seedDataset(named: "hop", itemCount: 1)))
        let created = try await avala.gateway().createExport(
            ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
        avala.injectFault(.redirectToOtherHost, method: .get, count: 1)
        await #expect(throws: GatewayError.self) { try await avala.gateway().export(created.id) }
        let hop = try #require(avala.requestLog.requests(to: avala.storageBaseURL).last)
        #expect(SimulatedRequest.rawPath(of: hop.url) == "/api/v1/exports/\(created.id.rawValue)/")
        #expect(!hop.carriedCredential)
        #expect(hop.status == 403)
    }

    @Test func redirectsToNonHTTPSchemesNameFileAndFTPURLs() async throws {
        avala.injectFault(.redirectToNonHTTPScheme("ftp"), count: 1)
        avala.injectFault(.redirectToNonHTTPScheme("file"), count: 1)
        let ftp = try await avala.transport.send(request("/exports/?limit=1"))
        #expect(ftp.status == 302 && ftp.headers["Location"] == "ftp://api.avala.sim/api/v1/exports/?limit=1")
        let file = try await avala.transport.send(request("/exports/"))
        #expect(file.status == 302 && file.headers["Location"] == "file:///etc/passwd")
        #expect(try await avala.transport.send(request("/exports/")).status == 200)
    }
}
