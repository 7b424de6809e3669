import ExportGateway
import ExportGatewayTesting
import Testing

/// ``WireMutants/feed(_:allowed:inject:operation:)``, with every problem recorded as an issue.
@discardableResult
public func expectRobust(
    _ mutants: [WireMutant], allowed: Set<GatewayError.Kind> = [.decoding], inject: (HTTPResponse) -> Void,
    operation: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) async -> MutantTally {
    let tally = await WireMutants.feed(mutants, allowed: allowed, inject: inject, operation: operation)
    for problem in tally.problems { Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation) }
    return tally
}
