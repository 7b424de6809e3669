import ExportGateway
import ExportGatewayLabelStudio
import ExportGatewayTesting
import Foundation
import Testing

/// A snapshot's JSON array read with pieces fetched ahead (``GatewayOptions/recordReadAhead``)
/// gives the elements a sequential read gives, in order, from the start or a saved offset.
@Suite struct LabelStudioReadAheadTests {
    @Test(arguments: [2, 8], [29, 200])
    func elementsKeepTheirOrderAndOffsets(window: Int, pieceSize: Int) async throws {
        let ls = LabelStudio()
        let ready = try await ls.completedExport(items: 10)
        let sequential = gateway(ls, pieceSize: pieceSize, window: 1)
        let expected = try await sequential.lines(of: ready).collect(upTo: 1000)
        #expect(expected.count == 10)
        let ahead = gateway(ls, pieceSize: pieceSize, window: window)
        #expect(try await ahead.lines(of: ready).collect(upTo: 1000) == expected)
        for index in stride(from: 0, to: expected.count, by: 3) {
            let rest = try await ahead.lines(of: ready, startingAt: expected[index].nextOffset).collect(upTo: 1000)
            #expect(rest == Array(expected[(index + 1)...]), "resumed after element \(index)")
        }
    }

    private func gateway(_ ls: LabelStudio, pieceSize: Int, window: Int) -> Gateway {
        ls.simulator.gateway(
            options: GatewayOptions(downloadChunkSize: pieceSize, clock: ls.clock, recordReadAhead: window))
    }
}
