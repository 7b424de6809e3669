import ExportGatewayProviders
import ExportGatewayTesting
import Testing

/// Every adapter, against its simulator always (in-process and over loopback HTTP) and the
/// real vendor when its key is set.
let conformanceTargets: [ConformanceTarget] = [
    .simulator { AvalaSimulator() },
    .loopback { api, storage in AvalaSimulator(apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage) },
    .live(AvalaProvider.descriptor),
    .simulator { PictographSimulator() },
    .loopback { api, storage in PictographSimulator(apiBaseURL: api, storageBaseURL: storage) },
    .live(PictographProvider.descriptor),
    .simulator { LabelboxSimulator() },
    .loopback { api, storage in LabelboxSimulator(apiBaseURL: api, storageBaseURL: storage) },
    .live(LabelboxProvider.descriptor),
]

@Test(arguments: ConformanceCase.all(for: conformanceTargets))
func conformance(_ check: ConformanceCase) async throws {
    try await check.run()
}

/// In simulator and loopback modes a check may skip only because the provider lacks a
/// capability, and exactly those listed here (the same in both modes: the wire must not
/// change what can be tested); a new skip means a check silently stopped testing something.
@Test func simulatorModeSkipsOnlyForMissingCapabilities() async throws {
    let expectedSkips: [String: Set<String>] = [
        "avala": ["createWithLostAnswerIsRetriedWithoutDuplicate", "exportIsReadableByName"],
        "pictograph": ["canceledExportEndsWaitAsFailure", "itemPagingCoversDatasetExactlyOnce", "itemReadMatchesListing"],
        "labelbox": [
            "createWithLostAnswerIsRetriedWithoutDuplicate", "exportIsReadableByName", "itemPagingCoversDatasetExactlyOnce",
            "itemReadMatchesListing",
        ],
    ]
    let simulated = conformanceTargets.filter { $0.mode == .simulator || $0.mode == .loopback }
    #expect(Set(simulated.map(\.description)) == [
        "avala (simulator)", "avala (loopback)", "pictograph (simulator)", "pictograph (loopback)",
        "labelbox (simulator)", "labelbox (loopback)",
    ])
    for target in simulated {
        var skipped: Set<String> = []
        for check in ConformanceCase.all(for: [target]) where try await check.run() != nil {
            skipped.insert(check.check.name)
        }
        #expect(skipped == expectedSkips[target.provider.rawValue] ?? [], "\(target)")
    }
}
