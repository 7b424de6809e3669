import ExportGatewayProviders
import Testing

@testable import ExportGatewayTesting

/// Every adapter, against its simulator in-process and over loopback HTTP.
let conformanceTargets: [ConformanceTarget] = [
    .simulator { AvalaSimulator() },
    .loopback { api, storage in
        AvalaSimulator(apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage)
    },
    .simulator { PictographSimulator() },
    .loopback { api, storage in PictographSimulator(apiBaseURL: api, storageBaseURL: storage) },
    .simulator { LabelboxSimulator() },
    .loopback { api, storage in LabelboxSimulator(apiBaseURL: api, storageBaseURL: storage) },
    .simulator { LabelStudioSimulator() },
    .loopback { api, storage in LabelStudioSimulator(apiBaseURL: api, storageBaseURL: storage) },
]

/// Every adapter against its real vendor, each skipped with the reason unless its key is set.
/// CI runs this test alone against a real Label Studio that scripts/label-studio.sh starts.
let liveTargets: [ConformanceTarget] = [
    .live(AvalaProvider.descriptor),
    .live(PictographProvider.descriptor),
    .live(LabelboxProvider.descriptor),
    .live(LabelStudioProvider.descriptor),
]

@Test(arguments: ConformanceCase.all(for: conformanceTargets))
func conformance(_ check: ConformanceCase) async throws {
    try await check.run()
}

@Test(arguments: ConformanceCase.all(for: liveTargets))
func liveConformance(_ check: ConformanceCase) async throws {
    try await check.run()
}

/// In simulator and loopback modes a check may skip only because the provider lacks a
/// capability (``ConformanceCase/run()`` fails any other skip there, so `conformance` above
/// holds that), and exactly those listed here (the same in both modes: the wire must not
/// change what can be tested); a new skip means a check silently stopped testing something.
@Test func simulatorModeSkipsOnlyForMissingCapabilities() {
    let expectedSkips: [String: Set<String>] = [
        "avala": ["createWithLostAnswerIsRetriedWithoutDuplicate", "exportIsReadableByName"],
        "pictograph": [
            "canceledExportEndsWaitAsFailure", "itemPagingCoversDatasetExactlyOnce", "itemReadMatchesListing",
        ],
        "labelbox": [
            "createWithLostAnswerIsRetriedWithoutDuplicate", "exportIsReadableByName",
            "itemPagingCoversDatasetExactlyOnce",
            "itemReadMatchesListing",
        ],
        "label-studio": [
            "createWithLostAnswerIsRetriedWithoutDuplicate", "exportIsReadableByName",
            "canceledExportEndsWaitAsFailure",
        ],
    ]
    let simulated = conformanceTargets.filter { $0.mode == .simulator || $0.mode == .loopback }
    #expect(
        Set(simulated.map(\.description)) == [
            "avala (simulator)", "avala (loopback)", "pictograph (simulator)", "pictograph (loopback)",
            "labelbox (simulator)", "labelbox (loopback)", "label-studio (simulator)", "label-studio (loopback)",
        ])
    for target in simulated {
        let skipped = ConformanceCase.all(for: [target]).filter { $0.unmetRequirement != nil }.map(\.check.name)
        #expect(Set(skipped) == expectedSkips[target.provider.rawValue] ?? [], "\(target)")
    }
}

/// How a case skips: for an unmet requirement without running the check; for any other
/// reason only live, while against a simulator that is a failure.
@Test func onlyARequirementMaySkipACheckAgainstASimulator() async throws {
    let needsItems = ConformanceCheck("needsItems", requires: .listsItems) { _ in throw ConformanceFailure("it ran") }
    let skip = try await ConformanceCase(target: .simulator { PictographSimulator() }, check: needsItems).run()
    #expect(skip?.reason == "pictograph cannot list items")

    let skipsWhileRunning = ConformanceCheck("skipsWhileRunning") { _ in throw ConformanceSkip("no reason") }
    await #expect(throws: ConformanceFailure.self) {
        try await ConformanceCase(target: .simulator { AvalaSimulator() }, check: skipsWhileRunning).run()
    }
    await #expect(throws: ConformanceFailure.self) {
        try await ConformanceCase(
            target: .loopback { api, storage in PictographSimulator(apiBaseURL: api, storageBaseURL: storage) },
            check: skipsWhileRunning
        ).run()
    }
    let live = ConformanceTarget.live(AvalaProvider.descriptor, environment: ["AVALA_API_KEY": "not-used"])
    #expect(try await ConformanceCase(target: live, check: skipsWhileRunning).run()?.reason == "no reason")
}
