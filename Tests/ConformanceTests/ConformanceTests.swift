import ExportGatewayProviders
import ExportGatewayTesting
import Testing

/// Every adapter, against its simulator always and the real vendor when its key is set.
let conformanceTargets: [ConformanceTarget] = [
    .simulator(AvalaProvider(), simulator: { AvalaSimulator() }),
    .live(AvalaProvider()),
]

@Test(arguments: ConformanceCase.all(for: conformanceTargets))
func conformance(_ check: ConformanceCase) async throws {
    try await check.run()
}

@Test func simulatorModeSkipsNothing() async throws {
    let simulatorCases = ConformanceCase.all(for: [conformanceTargets[0]])
    var skipped: [String] = []
    for check in simulatorCases where try await check.run() != nil {
        skipped.append(check.check.name)
    }
    // Avala cannot delete exports; that check asserts `unsupported` instead of skipping.
    #expect(skipped == [], "simulator mode should exercise every check")
}
