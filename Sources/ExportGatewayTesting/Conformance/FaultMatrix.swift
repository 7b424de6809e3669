import ExportGateway
import Foundation

/// Every fault of ``SimulatedFault/catalog``, on every origin it applies to, run through a
/// whole pipeline flow (list exports where the provider can, create, wait, download) against a
/// provider's simulator, in-process or over loopback.
///
/// Each run must end in a complete, verified file or in a typed ``GatewayError`` that names
/// its provider and operation with nothing left on disk; no create may reach the vendor twice
/// unless the adapter sends creates with an idempotency key; no credential may reach the
/// storage host. What each run ended in is its ``FaultOutcome``, the cell of the reliability
/// table in docs/reliability.md.
///
/// ```swift
/// @Test(arguments: FaultMatrix.cases(for: [.simulator { AvalaSimulator() }]))
/// func fault(_ run: FaultMatrix.Case) async throws { _ = try await run.run() }
/// ```
public enum FaultMatrix {
    /// Which request of the flow a fault hits.
    public enum Place: String, Sendable, CaseIterable {
        /// The first API request (listing the exports, where the provider lists them).
        case api
        /// The create: the flow's first `POST` (no listing before it), once the gateway holds
        /// its credential: a gateway that exchanges its key for a token does so in a listing
        /// before the fault, so the fault hits the create, not the exchange.
        case create
        /// The first request to the storage host (the download, or a record stream's piece).
        case storage

        var origin: SimulatedOrigin { self == .storage ? .storage : .api }
    }

    /// One fault at one place against one target.
    public struct Case: Sendable, CustomStringConvertible {
        /// The provider and mode.
        public let target: ConformanceTarget
        /// The fault, by its catalog name.
        public let entry: SimulatedFault.CatalogEntry
        /// Which request it hits.
        public let place: Place

        public var description: String { "\(entry.name) on \(place.rawValue) [\(target)]" }

        /// Runs the flow with the fault injected at ``place``; returns how it ended, and
        /// throws ``ConformanceFailure`` when an invariant broke.
        public func run() async throws -> FaultOutcome {
            guard case .success(let environment) = try target.makeEnvironment(), let simulator = environment.simulator
            else { throw ConformanceFailure("\(target) has no simulator to inject faults into") }
            do {
                let outcome = try await FaultMatrix.flow(
                    entry: entry, place: place, in: environment, simulator: simulator)
                await environment.teardown()
                return outcome
            } catch {
                await environment.teardown()
                throw error
            }
        }
    }

    /// Every catalog fault at each place its origins allow, against each simulated target. A
    /// fault that edits a listing (`missingListField`) is not tried on the create, which lists
    /// nothing.
    public static func cases(for targets: [ConformanceTarget]) -> [Case] {
        targets.filter { $0.mode != .live }.flatMap { target in
            SimulatedFault.catalog.flatMap { entry in
                Place.allCases.filter { place in
                    entry.fault.origins.contains(place.origin)
                        && !(place == .create && entry.fault == .missingListField)
                }.map { Case(target: target, entry: entry, place: $0) }
            }
        }
    }

    static func flow(
        entry: SimulatedFault.CatalogEntry, place: Place, in environment: ConformanceEnvironment,
        simulator: any VendorSimulator
    ) async throws -> FaultOutcome {
        let gateway = environment.gateway
        let dataset = DatasetRef(rawValue: simulator.seedDataset(named: "faults", itemCount: 3))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-faults-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("result.bin")
        if place == .create && gateway.capabilities.listsExports {
            // Any key exchange happens here, unfaulted (a `POST` of its own); the fault waits
            // for the create.
            _ = try await gateway.exports().collect(upTo: 1_000)
        }
        simulator.injectFault(entry.fault, on: place.origin, method: place == .create ? .post : nil, count: 1)

        let outcome: FaultOutcome
        do {
            if place != .create && gateway.capabilities.listsExports {
                _ = try await gateway.exports().collect(upTo: 1_000)
            }
            let created = try await gateway.createExport(ExportRequest(source: .dataset(dataset)))
            let ready = try await gateway.wait(for: created, timeout: .seconds(3600))
            let file = try await gateway.download(ready, to: destination)
            let bytes = try Data(contentsOf: destination)
            try Expect.that(
                Int64(bytes.count) == file.byteCount, "\(bytes.count) bytes on disk, \(file.byteCount) reported")
            // The fault is spent: the same download again must give the same bytes.
            let again = folder.appendingPathComponent("again.bin")
            _ = try await gateway.download(ready, to: again)
            try Expect.that(
                try Data(contentsOf: again) == bytes, "the download after the fault differs from the one under it")
            outcome = .completes
        } catch let error as GatewayError {
            try Expect.that(error.provider == gateway.provider, "the error names no provider: \(error)")
            try Expect.that(error.operation != nil, "the error names no operation: \(error)")
            try Expect.that(
                !FileManager.default.fileExists(atPath: destination.path), "a failed download left its destination")
            outcome = .fails(error.kind, error.operation)
        }
        try Expect.that(
            !FileManager.default.fileExists(atPath: destination.appendingPathExtension("part").path),
            "a .part file was left behind")
        try checkNoCredentialReachedStorage(simulator)
        try await checkAtMostOneExport(environment, in: dataset)
        return outcome
    }

    private static func checkNoCredentialReachedStorage(_ simulator: any VendorSimulator) throws {
        let storage = simulator.storageBaseURL
        let leaked = simulator.requestLog.requests.filter { entry in
            entry.url.host == storage.host && entry.url.port == storage.port && entry.carriedCredential
        }
        try Expect.that(leaked.isEmpty, "a credential reached the storage host: \(leaked.map(\.url))")
    }

    /// A create that reached the vendor twice would have made two exports.
    private static func checkAtMostOneExport(_ environment: ConformanceEnvironment, in dataset: DatasetRef) async throws
    {
        guard environment.gateway.capabilities.listsExports else { return }
        let exports = try await environment.gateway.exports().collect(upTo: 1_000)
        try Expect.that(exports.count <= 1, "\(exports.count) exports were made by one create")
    }
}

/// How one faulted flow ended: a cell of the reliability table.
public enum FaultOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The flow finished with a complete, verified file (retries or a fresh link absorbed the fault).
    case completes
    /// The flow stopped with this kind of error from this operation; nothing was left on disk.
    case fails(GatewayError.Kind, GatewayOperation?)

    public var description: String {
        switch self {
        case .completes: "completes"
        case .fails(let kind, let operation): "\(kind)" + (operation.map { " in `\($0.name)`" } ?? "")
        }
    }
}
