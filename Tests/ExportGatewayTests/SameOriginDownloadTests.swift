import ExportGateway
import ExportGatewayAvala
import ExportGatewayTesting
import Foundation
import Synchronization
import Testing

/// Result bytes on the vendor API's own origin are fetched with the gateway's credential;
/// every other origin (storage, another port, another scheme, a redirect away) gets none.
@Suite struct SameOriginDownloadTests {
    private static let bytes = Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) })

    private func export(at url: URL, isByteStable: Bool = true) -> Export {
        Export(
            id: "e1", provider: .avala, status: .completed, rawStatus: "exported",
            downloadLocation: DownloadLocation(url: url, isByteStable: isByteStable))
    }

    private func fileRequests(_ avala: SimulatedAvala) -> [RequestLog.Entry] {
        avala.simulator.requestLog.requests.filter { $0.url.path.hasPrefix("/api/v1/files/") }
    }

    @Test func aLocationOnTheAPIOriginIsFetchedWithTheKey() async throws {
        let avala = SimulatedAvala()
        let url = avala.simulator.apiBaseURL.appendingPathComponent("files/result.bin")
        // A host that ignores ranges answers 200: the whole file from byte 0.
        avala.simulator.injectAnswer(
            HTTPResponse(status: 200, body: Self.bytes), method: .get, pathPrefix: "/api/v1/files/")
        let destination = SimulatedAvala.temporaryFile()
        let file = try await avala.gateway().download(export(at: url), to: destination)
        #expect(try Data(contentsOf: destination) == Self.bytes)
        #expect(file.byteCount == 3000)
        let fetches = fileRequests(avala)
        #expect(fetches.count == 1 && fetches.allSatisfy { $0.carriedCredential })
        #expect(fetches.first?.headers["Range"] != nil)
    }

    @Test func storageLocationsStillGetNoCredential() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.completes(afterPolls: 0), items: 30)
        let ready = try await avala.gateway().wait(for: created, timeout: .seconds(60))
        try await avala.gateway(downloadChunkSize: 700).download(ready, to: SimulatedAvala.temporaryFile())
        let storage = avala.simulator.requestLog.requests(to: avala.simulator.storageBaseURL)
        #expect(storage.count > 1 && storage.allSatisfy { !$0.carriedCredential })
        let api = avala.simulator.requestLog.requests(to: avala.simulator.apiBaseURL)
        #expect(api.allSatisfy { $0.carriedCredential })
    }

    @Test func aRedirectFromTheAPIOriginToStorageDropsTheKey() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.completes(afterPolls: 0), items: 20)
        let ready = try await avala.gateway().wait(for: created, timeout: .seconds(60))
        let signed = try #require(ready.downloadLocation?.url)
        let expected = SimulatedAvala.temporaryFile()
        try await avala.gateway().download(ready, to: expected)
        avala.simulator.requestLog.removeAll()

        avala.simulator.injectAnswer(
            HTTPResponse(status: 302, headers: ["Location": signed.absoluteString]), method: .get,
            pathPrefix: "/api/v1/files/", count: 10)
        let events = EventLog()
        let gateway = avala.simulator.gateway(options: GatewayOptions(clock: avala.clock, eventHandler: events.record))
        let destination = SimulatedAvala.temporaryFile()
        try await gateway.download(
            export(at: avala.simulator.apiBaseURL.appendingPathComponent("files/result.zip")), to: destination)
        #expect(try Data(contentsOf: destination) == Data(contentsOf: expected))
        #expect(fileRequests(avala).allSatisfy { $0.carriedCredential })
        let storage = avala.simulator.requestLog.requests(to: avala.simulator.storageBaseURL)
        #expect(!storage.isEmpty && storage.allSatisfy { !$0.carriedCredential && $0.status == 206 })
        let redirects = events.all.compactMap { event -> Bool? in
            if case .redirected(_, _, let dropped) = event { dropped } else { nil }
        }
        #expect(!redirects.isEmpty && redirects.allSatisfy { $0 })
    }

    @Test(arguments: ["https://api.avala.sim:8443/api/v1/files/r.bin", "http://api.avala.sim/api/v1/files/r.bin"])
    func anotherPortOrSchemeIsAnotherOrigin(location: String) async throws {
        let avala = SimulatedAvala()
        let recorder = OriginRecorder(simulator: avala.simulator, answer: Self.bytes)
        let gateway = avala.simulator.gateway(transport: recorder, options: GatewayOptions(clock: avala.clock))
        let destination = SimulatedAvala.temporaryFile()
        try await gateway.download(export(at: try #require(URL(string: location))), to: destination)
        #expect(try Data(contentsOf: destination) == Self.bytes)
        let elsewhere = recorder.foreign
        #expect(elsewhere.count == 1)
        #expect(elsewhere.allSatisfy { $0.credentialHeaderNames.isEmpty && !$0.headers.contains("X-Avala-Api-Key") })
    }

    @Test func aRefusedTokenOnTheAPIOriginIsExchangedOnceMoreMidDownload() async throws {
        let setup = ExchangingSetup()
        setup.answerExchanges()
        // One range at a time, as the answers are scripted in request order.
        let gateway = setup.gateway(downloadChunkSize: 10, downloadConcurrency: 1)
        _ = try await gateway.exports().collect(upTo: 10)
        let files = "/api/v1/files/"
        setup.simulator.injectAnswer(
            HTTPResponse(status: 206, headers: ["Content-Range": "bytes 0-9/30"], body: Data("0123456789".utf8)),
            method: .get, pathPrefix: files)
        setup.simulator.injectAnswer(.json(401, ["detail": "Invalid token."]), method: .get, pathPrefix: files)
        setup.simulator.injectAnswer(
            HTTPResponse(
                status: 206, headers: ["Content-Range": "bytes 10-29/30"], body: Data("abcdefghijABCDEFGHIJ".utf8)),
            method: .get, pathPrefix: files)
        let destination = SimulatedAvala.temporaryFile()
        let location = setup.simulator.apiBaseURL.appendingPathComponent("files/r.bin")
        let export = Export(
            id: "e1", provider: "exchanging-avala", status: .completed, rawStatus: "exported",
            downloadLocation: DownloadLocation(url: location))
        try await gateway.download(export, to: destination)
        #expect(try String(contentsOf: destination, encoding: .utf8) == "0123456789abcdefghijABCDEFGHIJ")
        let statuses = setup.simulator.requestLog.requests.filter { $0.url.path.hasPrefix(files) }.map(\.status)
        #expect(statuses == [206, 401, 206])
        #expect(setup.exchanges.count == 2, "one more after the 401")
    }

    @Test func aHostThatStopsHonoringRangesGivesTheWholeFileOnce() async throws {
        let avala = SimulatedAvala()
        let files = "/api/v1/files/"
        avala.simulator.injectAnswer(
            HTTPResponse(status: 206, headers: ["Content-Range": "bytes 0-9/30"], body: Self.bytes.prefix(10)),
            method: .get, pathPrefix: files)
        avala.simulator.injectAnswer(
            HTTPResponse(status: 200, body: Self.bytes.prefix(30)), method: .get, pathPrefix: files)
        let destination = SimulatedAvala.temporaryFile()
        // One range at a time, as the answers are scripted in request order.
        let file = try await avala.gateway(downloadChunkSize: 10, downloadConcurrency: 1).download(
            export(at: avala.simulator.apiBaseURL.appendingPathComponent("files/r.bin")), to: destination)
        #expect(file.byteCount == 30)
        #expect(try Data(contentsOf: destination) == Self.bytes.prefix(30))
        #expect(fileRequests(avala).count == 2)
    }

    @Test func aByteUnstableLocationIsFetchedWholeAndStartedAgainFromByteZero() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.completes(afterPolls: 0), items: 30)
        let ready = try await avala.gateway().wait(for: created, timeout: .seconds(60))
        let expected = SimulatedAvala.temporaryFile()
        try await avala.gateway().download(ready, to: expected)
        avala.simulator.requestLog.removeAll()

        var unstable = ready
        unstable.downloadLocation?.isByteStable = false
        avala.simulator.injectFault(.truncatedBody, on: .storage, count: 1)
        let destination = SimulatedAvala.temporaryFile()
        try await avala.gateway(downloadChunkSize: 256).download(unstable, to: destination)
        #expect(try Data(contentsOf: destination) == Data(contentsOf: expected))
        let storage = avala.simulator.requestLog.requests(to: avala.simulator.storageBaseURL)
        #expect(storage.count == 2, "the cut answer, then the whole file again")
        #expect(storage.allSatisfy { $0.headers["Range"] == nil && !$0.carriedCredential })
    }

    @Test func aByteUnstableLocationRefusesAPartialAnswer() async throws {
        let avala = SimulatedAvala()
        avala.simulator.injectAnswer(
            HTTPResponse(status: 206, headers: ["Content-Range": "bytes 0-9/30"], body: Self.bytes.prefix(10)),
            method: .get, pathPrefix: "/api/v1/files/")
        let destination = SimulatedAvala.temporaryFile()
        let error = try await #require(throws: GatewayError.self) {
            try await avala.gateway().download(
                export(at: avala.simulator.apiBaseURL.appendingPathComponent("files/r.zip"), isByteStable: false),
                to: destination)
        }
        #expect(error.kind == .integrity && error.operation == .download)
        #expect(!FileManager.default.fileExists(atPath: destination.path + ".part"))
    }
}

/// Forwards requests for the simulator's origins to it and answers any other origin itself
/// with fixed bytes, keeping those requests as sent.
final class OriginRecorder: HTTPTransport {
    private let simulator: AvalaSimulator
    private let answer: Data
    private let requests = Mutex<[HTTPRequest]>([])

    init(simulator: AvalaSimulator, answer: Data) {
        self.simulator = simulator
        self.answer = answer
    }

    /// The requests sent to neither of the simulator's origins.
    var foreign: [HTTPRequest] { requests.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let known = [simulator.apiBaseURL, simulator.storageBaseURL].contains {
            $0.scheme == request.url.scheme && $0.host == request.url.host && $0.port == request.url.port
        }
        if known { return try await simulator.transport.send(request) }
        requests.withLock { $0.append(request) }
        return HTTPResponse(status: 200, body: answer)
    }
}
