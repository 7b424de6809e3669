import ExportGateway
import ExportGatewayPictograph
import ExportGatewayTesting
import Foundation
import Testing

/// The Pictograph adapter through the gateway's public API, against the Pictograph simulator.
@Suite("PictographProvider") struct PictographProviderTests {}

// MARK: - Descriptor and capabilities

extension PictographProviderTests {
    @Suite("descriptor and capabilities")
    struct DescriptorAndCapabilities {
        @Test func descriptorNamesPictographsHostAndVariables() {
            let descriptor = PictographProvider.descriptor
            #expect(descriptor.id == .pictograph && descriptor.id.rawValue == "pictograph")
            #expect(descriptor.defaultBaseURL.absoluteString == "https://api.pictograph.io")
            #expect(descriptor.apiKeyEnvironmentVariable == "PICTOGRAPH_API_KEY")
            #expect(descriptor.baseURLEnvironmentVariable == "PICTOGRAPH_BASE_URL")
            #expect(ProviderSet.pictograph.ids == [.pictograph])
        }

        @Test func capabilitiesSayWhatTheAdapterDoes() {
            let capabilities = PictographProvider().capabilities
            #expect(capabilities.listsExports && capabilities.deletesExports)
            #expect(capabilities.exportsDatasets && !capabilities.exportsProjects)
            #expect(capabilities.formats == [.native, .coco, .yolo, .pascalVOC, .csv])
            #expect(capabilities.filters == [.classes, .itemStatuses])
            #expect(capabilities.itemKinds.isEmpty && !capabilities.streamsRecords)
            #expect(capabilities.rangedDownloads && capabilities.idempotentCreate && capabilities.readsExportsByName)
        }

        @Test func everyRequestCarriesTheKeyInXAPIKeyAndNothingElse() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("keyed"))))
            _ = try await gateway.export(created.id)
            _ = try await gateway.exports().collect(upTo: 100_000)
            let sent = pictograph.recorder.exchanges.map(\.request)
            try #require(sent.count == 3)
            for request in sent {
                #expect(request.headers["X-API-Key"] == pictograph.simulator.apiKey)
                #expect(request.headers["Authorization"] == nil)
                #expect(request.credentialHeaderNames == ["x-api-key"])
                #expect(request.headers["Accept"] == "application/json")
            }
            #expect(
                pictograph.simulator.requestLog.requests.allSatisfy {
                    $0.carriedCredential && [200, 201].contains($0.status ?? 0)
                })
        }
    }
}

// MARK: - Status words

extension PictographProviderTests {
    @Suite("export status")
    struct StatusWords {
        @Test(
            "Pictograph's four words, and unknown ones kept verbatim",
            arguments: [
                ("pending", ExportStatus.pending), ("processing", .running), ("completed", .completed),
                ("failed", .failed),
                ("Completed", .unknown("Completed")), ("cancelled", .unknown("cancelled")),
                ("queued", .unknown("queued")),
                ("", .unknown("")),
            ])
        func wordMapsToStatus(word: String, expected: ExportStatus) {
            #expect(PictographProvider.exportStatus(for: word) == expected)
        }

        @Test func missingStatusIsUnknownAndNotTerminal() {
            #expect(PictographProvider.exportStatus(for: nil) == .unknown(""))
            #expect(!PictographProvider.exportStatus(for: nil).isTerminal)
            #expect(!PictographProvider.exportStatus(for: "quarantined").isTerminal)
            #expect(PictographProvider.exportStatus(for: "completed").isTerminal)
            #expect(PictographProvider.exportStatus(for: "failed").isTerminal)
        }

        @Test func defaultExportGoesPendingProcessingCompleted() async throws {
            let pictograph = Pictograph(pollsToComplete: 3)
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("flow"))))
            var reads = [created]
            for _ in 0..<3 { reads.append(try await gateway.export(created.id)) }
            #expect(reads.first?.status == .pending && reads.first?.rawStatus == "pending")
            #expect(reads.last?.status == .completed && reads.last?.rawStatus == "completed")
            #expect(reads.contains { $0.status == .running && $0.rawStatus == "processing" })
            #expect(reads.allSatisfy { $0.status == PictographProvider.exportStatus(for: $0.rawStatus) })
            #expect(reads.last?.downloadLocation != nil)
            #expect(reads.dropLast().allSatisfy { $0.downloadLocation == nil })
            #expect(reads.allSatisfy { $0.progress == nil })
        }

        @Test(
            "Scripted endings read through the gateway, raw word kept",
            arguments: [
                (ExportScript.completes(afterPolls: 1), "completed", ExportStatus.completed),
                (.fails(afterPolls: 1, reason: "disk full"), "failed", .failed),
                (.hangs(rawStatus: "quarantined"), "quarantined", .unknown("quarantined")),
            ])
        func scriptedEnding(script: ExportScript, rawStatus: String, expected: ExportStatus) async throws {
            let pictograph = Pictograph()
            pictograph.simulator.scriptNextExport(script)
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(pictograph.dataset("scripted"))))
            let read = try await gateway.export(created.id)
            #expect(read.status == expected)
            #expect(read.rawStatus == rawStatus)
            #expect((read.downloadLocation != nil) == (expected == .completed))
            #expect(read.failureReason == (expected == .failed ? "disk full" : nil))
        }

        @Test func unknownWordInAListingIsKeptNotFatal() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let dataset = pictograph.dataset("odd")
            pictograph.simulator.scriptNextExport(.hangs(rawStatus: "quarantined"))
            let odd = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
            let plain = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
            _ = try await gateway.export(odd.id)
            let listed = try await gateway.exports().collect(upTo: 100_000)
            #expect(Set(listed.map(\.id)) == [odd.id, plain.id])
            #expect(listed.first { $0.id == odd.id }?.status == .unknown("quarantined"))
        }

        @Test func waitFailsWithThePictographReason() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.scriptNextExport(.fails(afterPolls: 2, reason: "annotation store unavailable"))
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("doomed"))))
            let error = try await #require(throws: GatewayError.self) {
                try await gateway.wait(for: created, timeout: .seconds(600))
            }
            #expect(error.kind == .exportFailed && error.failureReason == "annotation store unavailable")
        }

        @Test func waitOnAnUnknownWordTimesOutCarryingIt() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.scriptNextExport(.hangs(rawStatus: "quarantined"))
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(ExportRequest(source: .dataset(pictograph.dataset("stuck"))))
            let error = try await #require(throws: GatewayError.self) {
                try await gateway.wait(for: created, timeout: .seconds(30))
            }
            #expect(error.kind == .timeout && error.lastStatus == .unknown("quarantined"))
        }
    }
}
