import ExportGateway
import ExportGatewayLabelStudio
import Testing

@Suite struct LabelStudioStatusTests {
    @Test(arguments: [
        ("created", ExportStatus.pending), ("in_progress", .running), ("completed", .completed), ("failed", .failed),
    ])
    func everyDocumentedWordIsMapped(word: String, status: ExportStatus) {
        #expect(LabelStudioProvider.exportStatus(for: word) == status)
    }

    @Test(arguments: ["quarantined", "Completed", "canceled", ""])
    func anyOtherWordIsKeptUnknownAndNotTerminal(word: String) {
        let status = LabelStudioProvider.exportStatus(for: word)
        #expect(status == .unknown(word) && !status.isTerminal)
    }

    @Test func tasksAreLabeledOrNot() {
        #expect(LabelStudioProvider.itemStatus(isLabeled: true)?.status == .completed)
        #expect(LabelStudioProvider.itemStatus(isLabeled: true)?.rawStatus == "labeled")
        #expect(LabelStudioProvider.itemStatus(isLabeled: false)?.status == .notStarted)
        #expect(LabelStudioProvider.itemStatus(isLabeled: false)?.rawStatus == "unlabeled")
        #expect(LabelStudioProvider.itemStatus(isLabeled: nil) == nil)
    }

    @Test func theDescriptorAndCapabilitiesSayWhatLabelStudioIs() {
        let descriptor = LabelStudioProvider.descriptor
        #expect(descriptor.id == "label-studio" && descriptor.displayName == "Label Studio")
        #expect(descriptor.defaultBaseURL.absoluteString == "http://localhost:8080")
        #expect(descriptor.apiKeyEnvironmentVariable == "LABEL_STUDIO_API_KEY")
        #expect(descriptor.baseURLEnvironmentVariable == "LABEL_STUDIO_URL")
        let capabilities = LabelStudioProvider().capabilities
        #expect(capabilities.filters == [.itemStatuses] && capabilities.itemKinds == [.item])
        #expect(capabilities.streamsRecords && !capabilities.idempotentCreate && !capabilities.readsExportsByName)
        #expect(capabilities.listsExports && capabilities.deletesExports)
    }
}
