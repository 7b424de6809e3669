import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayTesting

/// Every fault of the catalog on every origin it applies to, over loopback and in-process
/// side by side: URLSession and the in-process transport see the same status, body and
/// redirect or rate-limit header, or fail with the same error.
@Suite("Fault catalog parity")
struct FaultCatalogParityTests {
    static let cases = SimulatedFault.catalog.flatMap { entry in
        entry.fault.origins.sorted { "\($0)" < "\($1)" }.map { (entry.name, $0) }
    }

    /// What a client made of one request: an answer's parts, or the failure.
    struct Outcome: Equatable, CustomStringConvertible {
        var status: Int?
        var body: Data?
        var location: String?
        var retryAfter: String?
        var failure: URLError.Code?
        var failureText: String?

        init(keepingRetryAfter: Bool, _ send: () async throws -> HTTPResponse) async {
            do {
                let response = try await send()
                status = response.status
                body = response.body
                location = response.headers["Location"]
                retryAfter = keepingRetryAfter ? response.headers["Retry-After"] : nil
            } catch {
                failure = (error as? URLError)?.code ?? URLError.Code(rawValue: 0)
                failureText = error.localizedDescription
            }
        }

        var description: String {
            failure.map { "URLError \($0.rawValue) \(failureText ?? "")" }
                ?? "\(status ?? 0) \(location ?? "") \(retryAfter ?? "") \(body?.count ?? 0) bytes"
        }
    }

    /// Seeds `simulator` the same way on both sides: an export in the listing (so a status
    /// word can be replaced) and a file on storage.
    static func seed(_ simulator: AvalaSimulator) async throws {
        let dataset = try #require(simulator.datasetUID(for: simulator.seedDataset(named: "parity", itemCount: 2)))
        let create = HTTPRequest(
            method: .post, url: URL(string: simulator.apiBaseURL.absoluteString + "/exports/")!,
            headers: ["X-Avala-Api-Key": simulator.apiKey, "Content-Type": "application/json"],
            body: JSONValue.object(["dataset": .string(dataset)]).serialized())
        #expect(try await simulator.transport.send(create).status == 201)
        simulator.host.storage.put(Data(repeating: 7, count: 1500), at: "results/file.bin")
    }

    @Test(arguments: cases)
    func faultLooksTheSameOverLoopbackAndInProcess(_ name: String, _ origin: SimulatedOrigin) async throws {
        // A stall far longer than the client waits, so both sides report the client's timeout.
        let values = SimulatedFault.Parameters(milliseconds: name == "stalledBody" ? 60_000 : nil)
        let fault = try #require(SimulatedFault.named(name)).with(values)
        let server = try avalaServer()
        let twin = AvalaSimulator(
            apiBaseURL: server.simulator.apiBaseURL, storageBaseURL: server.simulator.storageBaseURL)
        for simulator in [server.simulator, twin] {
            try await Self.seed(simulator)
            simulator.injectFault(fault, on: origin, count: 1)
        }
        let request =
            origin == .api
            ? HTTPRequest(
                url: URL(string: twin.apiBaseURL.absoluteString + "/exports/")!,
                headers: ["X-Avala-Api-Key": twin.apiKey])
            : HTTPRequest(url: twin.host.storage.signedURL(for: "results/file.bin").url)
        let client = name == "stalledBody" ? URLSessionTransport(idleTimeout: 0.5) : URLSessionTransport()
        // A wall-clock date may fall on the next second between the two sends.
        let keepRetryAfter = name != "rateLimitedUntilDate"
        let overLoopback = await Outcome(keepingRetryAfter: keepRetryAfter) { try await client.send(request) }
        let inProcess = await Outcome(keepingRetryAfter: keepRetryAfter) { try await twin.transport.send(request) }
        #expect(overLoopback == inProcess, "\(name) on \(origin): loopback \(overLoopback), in-process \(inProcess)")
        await server.stop()
    }
}
