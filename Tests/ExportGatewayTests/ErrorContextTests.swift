import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

/// Every error names the provider, the call, the resource and the request, wherever it is
/// thrown: a single call, a page of a lazy list, a wait, a download.
@Suite struct ErrorContextTests {
    @Test func singleCallErrorNamesProviderOperationResourceAndRequest() async throws {
        let avala = SimulatedAvala()
        let error = try await gatewayError { try await avala.gateway().export("e-missing") }
        #expect(error.kind == .notFound)
        #expect(error.provider == .avala)
        #expect(error.operation == .export && error.resource == .export("e-missing"))
        #expect(error.requestLine == "GET /api/v1/exports/e-missing/")
        #expect(
            "\(error)".hasPrefix(
                "avala: could not read export e-missing: not found (HTTP 404, GET /api/v1/exports/e-missing/): "))
        #expect(!"\(error)".contains(avala.simulator.apiKey))
    }

    @Test func pageErrorsOfALazyListAreNamedLikeSingleCalls() async throws {
        let avala = SimulatedAvala()
        let error = try await gatewayError {
            try await avala.gateway().items(in: "sim-org/no-such-dataset").collect(upTo: 10)
        }
        #expect(error.kind == .notFound && error.provider == .avala)
        #expect(error.operation == .itemsPage && error.resource == .dataset("sim-org/no-such-dataset"))
        #expect(error.requestLine == "GET /api/v1/datasets/sim-org/no-such-dataset/items/")
        #expect("\(error)".contains("could not list the items of dataset sim-org/no-such-dataset"))
    }

    @Test func aRepeatedCursorIsNamedWithTheListItCameFrom() async throws {
        let avala = SimulatedAvala()
        let dataset = avala.simulator.seedDataset(named: "looping", itemCount: 3)
        let page = HTTPResponse.json(200, ["results": [], "next": "https://x.test/?cursor=same", "previous": .null])
        avala.simulator.injectAnswer(page, method: .get, count: 2)
        let error = try await gatewayError {
            try await avala.gateway(pageSize: 1).items(in: DatasetRef(rawValue: dataset)).collect(upTo: 10)
        }
        #expect(error.kind == .server && error.message.contains("twice"))
        #expect(error.provider == .avala && error.operation == .itemsPage)
    }

    @Test func aWaitThatRunsOutNamesTheWaitAndTheExport() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.hangs(rawStatus: nil))
        let error = try await gatewayError { try await avala.gateway().wait(for: created, timeout: .seconds(10)) }
        #expect(error.kind == .timeout && error.lastStatus != nil)
        #expect(error.operation == .wait && error.resource == .export(created.id) && error.provider == .avala)
        #expect("\(error)".contains("could not wait for export \(created.id): timed out (last status"))
    }

    @Test func downloadingAnUnfinishedExportIsNotReadyAndWritesNothing() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.hangs(rawStatus: nil))
        let destination = SimulatedAvala.temporaryFile()
        let error = try await gatewayError { try await avala.gateway().download(created, to: destination) }
        #expect(error.kind == .notReady && error.lastStatus.map { !$0.isTerminal } == true)
        #expect(error.resource == .export(created.id) && error.provider == .avala)
        #expect(!FileManager.default.fileExists(atPath: destination.deletingLastPathComponent().path))
    }

    @Test func aDestinationThatCannotBeCreatedIsALocalFileError() async throws {
        let avala = SimulatedAvala()
        let ready = try await avala.gateway().wait(for: avala.export(.completes(afterPolls: 0)), timeout: .seconds(60))
        let blocker = SimulatedAvala.temporaryFile("blocker")
        try FileManager.default.createDirectory(
            at: blocker.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("a file where a folder should be".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker.deletingLastPathComponent()) }

        let error = try await gatewayError {
            try await avala.gateway().download(ready, to: blocker.appendingPathComponent("out.zip"))
        }
        #expect(error.kind == .localFile)
        #expect(error.operation == .download && error.resource == .export(ready.id))
        #expect(error.message.contains(blocker.path))
    }

    @Test func everyKindHasItsOwnNameAndComparesByValue() {
        let names = GatewayError.Kind.allCases.map(\.description)
        #expect(Set(names).count == names.count)
        #expect(GatewayError.Kind.allCases.contains(.notReady) && GatewayError.Kind.allCases.contains(.localFile))
        let error = GatewayError(.rateLimited, message: "slow down", retryAfter: .seconds(7))
        switch error.kind {
        case .rateLimited: #expect(error.retryAfter == .seconds(7) && "\(error)".contains("retry after 7s"))
        default: Issue.record("a kind compares equal to its constant")
        }
    }

    @Test func redactionReachesEveryTextTheErrorCarries() {
        let error = GatewayError(
            .exportFailed, message: "key sk_1 refused", fieldErrors: ["key": ["sk_1 is wrong"]],
            failureReason: "sk_1 expired")
        var withLine = error
        withLine.requestLine = "GET /a/sk_1"
        let redacted = withLine.redacting(["sk_1"])
        #expect(!"\(redacted)".contains("sk_1") && redacted.failureReason?.contains("sk_1") == false)
        #expect(redacted.requestLine?.contains("sk_1") == false)
    }

    private func gatewayError<T>(_ body: () async throws -> T) async throws -> GatewayError {
        do {
            _ = try await body()
        } catch let error as GatewayError {
            return error
        }
        Issue.record("expected a GatewayError")
        throw CancellationError()
    }
}

/// `collect(upTo:)` returns short lists whole and refuses long ones at the first element past
/// the bound, so memory never holds more than the bound.
@Suite struct BoundedCollectionTests {
    @Test func collectsAListThatFitsTheBoundExactly() async throws {
        let avala = SimulatedAvala()
        let dataset = DatasetRef(rawValue: avala.simulator.seedDataset(named: "five", itemCount: 5))
        let items = try await avala.gateway(pageSize: 2).items(in: dataset).collect(upTo: 5)
        #expect(items.count == 5)
    }

    @Test func refusesALongerListAsLimitExceededNamingTheList() async throws {
        let avala = SimulatedAvala()
        let dataset = DatasetRef(rawValue: avala.simulator.seedDataset(named: "six", itemCount: 6))
        do {
            _ = try await avala.gateway(pageSize: 2).items(in: dataset).collect(upTo: 5)
            Issue.record("six items were collected under a bound of five")
        } catch let error as GatewayError {
            #expect(error.kind == .limitExceeded && error.message.contains("more than 5"))
        }
        let pagesRead = avala.simulator.requestLog.requests.filter { $0.url.path.hasSuffix("/items") }.count
        #expect(pagesRead == 3, "it stops at the page holding the sixth item")
    }

    @Test func aNegativeBoundIsAnInvalidRequest() async throws {
        await #expect(throws: GatewayError.self) {
            try await PagedSequence<Int> { _ in Page(elements: [1], next: nil) }.collect(upTo: -1)
        }
    }
}

/// Adapters build paths from raw segments; the core refuses a blank one before sending,
/// because `/exports//` would name the list, not an export.
@Suite struct BlankPathSegmentTests {
    @Test func aBlankIDIsRefusedBeforeAnyRequest() async throws {
        let avala = SimulatedAvala()
        do {
            _ = try await avala.gateway().export("")
            Issue.record("a blank id was sent")
        } catch let error as GatewayError {
            #expect(error.kind == .invalidRequest && error.fieldErrors["path"] != nil)
            #expect(error.operation == .export && error.provider == .avala)
        }
        #expect(avala.simulator.requestLog.requests.isEmpty)
    }
}

/// A vendor's runaway message is cut, so one answer cannot flood a log line.
@Suite struct VendorMessageLengthTests {
    @Test func aHugeVendorMessageAndFieldMessagesAreCut() {
        let huge = String(repeating: "x", count: 1_000_000)
        let error = GatewayError.standard(
            for: HTTPResponse(status: 400), message: huge, fieldErrors: ["name": [huge]])
        #expect(error.message.count < GatewayError.maxVendorTextLength + 100)
        #expect(error.message.contains("(cut)"))
        #expect((error.fieldErrors["name"]?.first?.count ?? .max) < GatewayError.maxVendorTextLength + 10)
    }
}

/// A storage host that keeps refusing a signed link is reported as the link's problem, not a
/// key's: no key is ever sent to storage.
@Suite struct StorageRefusalTests {
    @Test func aSignedLinkRefusedEvenWhenFreshSaysItExpiredOrWasRevoked() async throws {
        let avala = SimulatedAvala()
        let ready = try await avala.gateway().wait(for: avala.export(.completes(afterPolls: 0)), timeout: .seconds(60))
        avala.simulator.injectFault(.expiredSignedURL, on: .storage, count: 10)
        do {
            _ = try await avala.gateway().download(ready, to: SimulatedAvala.temporaryFile())
            Issue.record("a refused link gave a file")
        } catch let error as GatewayError {
            #expect(error.kind == .permissionDenied && error.httpStatus == 403)
            #expect(error.message.contains("expired or was revoked"), "\(error)")
            #expect(!error.message.contains("key"), "no key was involved: \(error)")
        }
    }
}

/// A key that a cut vendor message split in two does not survive in part.
@Suite struct CutMessageRedactionTests {
    @Test func theStartOfAKeyLeftByTheCutIsRedacted() {
        let key = "sk_live_0123456789abcdef"
        let message = String(repeating: "x", count: GatewayError.maxVendorTextLength - 15) + " bad key " + key
        let error = GatewayError.standard(for: HTTPResponse(status: 401), message: message).redacting([key])
        #expect(error.message.contains("(cut)"))
        #expect(!error.message.contains("sk_liv"), "\(error.message.suffix(80))")
        #expect(error.message.contains("[redacted]"))
    }
}
