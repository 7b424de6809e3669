import ExportGateway
import ExportGatewayTesting
import Testing

@Suite struct RetryTests {
    @Test func serverErrorsOnReadsAreRetriedWithBackoff() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.completes(afterPolls: 1))
        avala.simulator.injectFault(.serverError, method: .get, pathPrefix: nil, count: 2)
        let read = try await avala.gateway().export(created.id)
        #expect(read.id == created.id)
        #expect(avala.clock.sleeps.count == 2)
    }

    @Test func rateLimitHonorsRetryAfterSecondsAndHTTPDate() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.completes(afterPolls: 1))
        avala.simulator.injectFault(.rateLimited(retryAfterSeconds: 7), method: .get, pathPrefix: nil, count: 1)
        _ = try await avala.gateway().export(created.id)
        #expect(avala.clock.sleeps == [.seconds(7)])

        avala.simulator.injectFault(.rateLimitedUntilDate(secondsAhead: 30), method: .get, count: 1)
        _ = try await avala.gateway().export(created.id)
        // An HTTP-date has whole seconds, so the wait lands within a second below 30 s.
        let dateWait = try #require(avala.clock.sleeps.last)
        #expect(dateWait > .seconds(28) && dateWait <= .seconds(30), "slept \(dateWait)")
    }

    @Test func retryAfterLongerThanThePolicyAllowsIsThrownNotWaited() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.completes(afterPolls: 1))
        avala.simulator.injectFault(.rateLimited(retryAfterSeconds: 600), method: .get, count: 1)
        await #expect {
            try await avala.gateway().export(created.id)
        } throws: { error in
            (error as? GatewayError)?.kind == .rateLimited && (error as? GatewayError)?.retryAfter == .seconds(600)
        }
        #expect(avala.clock.sleeps.isEmpty)
    }

    @Test func faultsMatchCollectionPathsWithTheirTrailingSlash() async throws {
        let avala = SimulatedAvala()
        _ = try await avala.export(.completes(afterPolls: 1))
        avala.simulator.injectFault(.serviceUnavailable, method: .get, pathPrefix: "/api/v1/exports/", count: 1)
        await #expect {
            try await avala.gateway(retryPolicy: .never).exports().collect(upTo: 100_000)
        } throws: { error in
            guard let error = error as? GatewayError else { return false }
            return error.kind == .server && error.httpStatus == 503 && error.message.contains("HTTP 503")
        }
    }

    @Test func retriesGiveUpAfterMaxAttemptsWithTheVendorError() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.completes(afterPolls: 1))
        avala.simulator.injectFault(.rateLimited(retryAfterSeconds: 3), method: .get, pathPrefix: nil, count: 10)
        await #expect {
            try await avala.gateway(retryPolicy: RetryPolicy(maxAttempts: 3)).export(created.id)
        } throws: { error in
            (error as? GatewayError)?.kind == .rateLimited && (error as? GatewayError)?.retryAfter == .seconds(3)
        }
        #expect(avala.clock.sleeps.count == 2)
    }

    @Test func createIsNeverRetriedBecauseAvalaHasNoIdempotencyKey() async throws {
        let avala = SimulatedAvala()
        let dataset = avala.simulator.seedDataset(named: "no-retry", itemCount: 1)
        avala.simulator.injectFault(.serverError, method: .post, pathPrefix: nil, count: 1)
        await #expect(throws: GatewayError.self) {
            try await avala.gateway().createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
        }
        #expect(avala.clock.sleeps.isEmpty)
        let posts = avala.simulator.requestLog.requests.filter { $0.method == .post }
        #expect(posts.count == 1)
    }

    @Test func aCreateWhoseAnswerIsLostIsReportedNotRepeated() async throws {
        let avala = SimulatedAvala()
        let dataset = avala.simulator.seedDataset(named: "lost-answer", itemCount: 1)
        avala.simulator.injectFault(.loseResponse, method: .post, count: 1)
        await #expect {
            try await avala.gateway().createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
        } throws: { error in
            (error as? GatewayError)?.kind == .transport
        }
        // The vendor did create it; retrying without an idempotency key would make a second.
        #expect(try await avala.gateway().exports().collect(upTo: 100_000).count == 1)
        #expect(avala.simulator.requestLog.requests.filter { $0.method == .post }.count == 1)
    }

    @Test func droppedConnectionsOnReadsAreRetried() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.completes(afterPolls: 1))
        avala.simulator.injectFault(.dropConnection, method: .get, pathPrefix: nil, count: 1)
        let read = try await avala.gateway().export(created.id)
        #expect(read.id == created.id)
    }
}
