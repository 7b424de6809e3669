import ExportGateway
import ExportGatewayTesting
import Foundation

extension SimulatorServer {
    static func start(latency: Duration, simulator: (URL, URL) throws -> Simulator) throws -> SimulatorServer {
        try start(simulator: simulator)
    }
}
