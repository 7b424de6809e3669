import ExportGateway
import Foundation

/// What one conformance check works with: gateways with good and bad keys, and, in
/// simulator and loopback modes, the simulator to script and inspect.
public struct ConformanceEnvironment: Sendable {
    /// The key of ``gatewayWithWrongKey``: no vendor knows it, and no error may repeat it.
    static let wrongAPIKey = "wrong-key-for-conformance"

    /// A gateway with a valid key.
    public let gateway: Gateway
    /// A gateway whose key the vendor does not know.
    public let gatewayWithWrongKey: Gateway
    /// A gateway whose valid key lacks access to the test data, when the mode has one.
    public let gatewayWithRestrictedKey: Gateway?
    /// The simulator, in simulator and loopback modes.
    public let simulator: (any VendorSimulator)?
    /// The clock the gateways wait and retry on.
    public let clock: any GatewayClock
    /// A dataset to read in live mode (`EXPORT_GATEWAY_LIVE_DATASET`).
    let liveDataset: DatasetRef?
    /// Whether checks may create exports (always against a simulator; opt-in live).
    let allowsWrites: Bool
    /// Releases what the environment holds (a loopback server) once the check is over.
    let teardown: @Sendable () async -> Void

    init(
        gateway: Gateway, gatewayWithWrongKey: Gateway, gatewayWithRestrictedKey: Gateway?,
        simulator: (any VendorSimulator)?, clock: any GatewayClock, liveDataset: DatasetRef?, allowsWrites: Bool,
        teardown: @escaping @Sendable () async -> Void = {}
    ) {
        self.gateway = gateway
        self.gatewayWithWrongKey = gatewayWithWrongKey
        self.gatewayWithRestrictedKey = gatewayWithRestrictedKey
        self.simulator = simulator
        self.clock = clock
        self.liveDataset = liveDataset
        self.allowsWrites = allowsWrites
        self.teardown = teardown
    }

    /// The simulator, or a skip saying the check needs one.
    public func requireSimulator(_ why: String) throws -> any VendorSimulator {
        guard let simulator else { throw ConformanceSkip("needs the simulator to \(why)") }
        return simulator
    }

    /// A dataset with `itemCount` items: seeded in simulator mode, the configured one live
    /// (whose size is then unknown, so `exactCount` is `nil`).
    public func dataset(named name: String, itemCount: Int) throws -> (ref: DatasetRef, exactCount: Int?) {
        if let simulator {
            return (DatasetRef(rawValue: simulator.seedDataset(named: name, itemCount: itemCount)), itemCount)
        }
        guard let liveDataset else { throw ConformanceSkip("EXPORT_GATEWAY_LIVE_DATASET is not set") }
        return (liveDataset, nil)
    }

    /// Throws a skip unless checks may create exports here.
    public func requireWrites() throws {
        guard allowsWrites else {
            throw ConformanceSkip("creates exports; set EXPORT_GATEWAY_LIVE_WRITES=1 to allow it live")
        }
    }
}
