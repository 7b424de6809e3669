import ExportGateway
import ExportGatewayTesting
import Testing

@Suite struct WaitTests {
    @Test func waitReturnsTheCompletedExportWithItsDownloadLocation() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.completes(afterPolls: 3))
        let ready = try await avala.gateway().wait(for: created, timeout: .seconds(300))
        #expect(ready.status == .completed)
        #expect(ready.downloadLocation != nil)
    }

    @Test func waitBacksOffBetweenPollsUpToTheCap() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.completes(afterPolls: 8))
        _ = try await avala.gateway().wait(for: created, timeout: .seconds(3600))
        let sleeps = avala.clock.sleeps
        #expect(sleeps.first == .seconds(2))
        #expect(zip(sleeps, sleeps.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(sleeps.allSatisfy { $0 <= .seconds(10) })
        #expect(sleeps.last == .seconds(10))
    }

    @Test func waitThrowsTimeoutWithLastSeenStatusAndNeverSleepsPastTheDeadline() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.hangs(rawStatus: nil))
        do {
            _ = try await avala.gateway().wait(for: created, timeout: .seconds(45))
            Issue.record("wait returned for an export that never ends")
        } catch let error as GatewayError {
            guard error.kind == .timeout, case let last = error.lastStatus else {
                Issue.record("expected timeout, got \(error)")
                return
            }
            #expect(last == .running || last == .pending)
            #expect(error.message.contains(created.id.rawValue))
        }
        #expect(avala.clock.now == .seconds(45))
    }

    @Test func waitKeepsPollingThroughAnUnknownWordUntilTimeout() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.hangs(rawStatus: "quarantined"))
        await #expect {
            try await avala.gateway().wait(for: created, timeout: .seconds(20))
        } throws: { error in
            (error as? GatewayError)?.kind == .timeout
                && (error as? GatewayError)?.lastStatus == .unknown("quarantined")
        }
    }

    @Test func waitThrowsExportFailedWithTheReason() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.fails(afterPolls: 2, reason: "disk full"))
        await #expect {
            try await avala.gateway().wait(for: created, timeout: .seconds(300))
        } throws: { error in
            guard let error = error as? GatewayError, case .exportFailed = error.kind else { return false }
            return error.message.contains("failed")
        }
    }

    @Test func canceledTaskStopsTheWait() async throws {
        let avala = SimulatedAvala()
        let created = try await avala.export(.hangs(rawStatus: nil))
        let gateway = avala.gateway()
        let task = Task { try await gateway.wait(for: created, timeout: .seconds(1_000_000)) }
        while avala.clock.sleeps.count < 3 { await Task.yield() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
