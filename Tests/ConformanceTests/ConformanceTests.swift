import ExportGatewayProviders
import ExportGatewayTesting
import Testing

/// Every adapter, against its simulator always and the real vendor when its key is set.
let conformanceTargets: [ConformanceTarget] = [
    .simulator(AvalaProvider(), simulator: { AvalaSimulator() }),
    .live(AvalaProvider()),
    .simulator(PictographProvider(), simulator: { PictographSimulator() }),
    .live(PictographProvider()),
    .simulator(LabelboxProvider(), simulator: { LabelboxSimulator() }),
    .live(LabelboxProvider()),
]

@Test(arguments: ConformanceCase.all(for: conformanceTargets))
func conformance(_ check: ConformanceCase) async throws {
    try await check.run()
}

/// In simulator mode a check may skip only because the provider lacks a capability, and
/// exactly those listed here; a new skip means a check silently stopped testing something.
@Test func simulatorModeSkipsOnlyForMissingCapabilities() async throws {
    let expectedSkips: [String: Set<String>] = [
        "avala": ["createWithLostAnswerIsRetriedWithoutDuplicate", "exportIsReadableByName"],
        "pictograph": ["canceledExportEndsWaitAsFailure", "itemPagingCoversDatasetExactlyOnce", "itemReadMatchesListing"],
        "labelbox": [
            "createWithLostAnswerIsRetriedWithoutDuplicate", "exportIsReadableByName", "itemPagingCoversDatasetExactlyOnce",
            "itemReadMatchesListing",
        ],
    ]
    for target in conformanceTargets where target.mode == .simulator {
        var skipped: Set<String> = []
        for check in ConformanceCase.all(for: [target]) where try await check.run() != nil {
            skipped.insert(check.check.name)
        }
        #expect(skipped == expectedSkips[target.provider.rawValue] ?? [], "\(target)")
    }
}
