import ExportGateway
import ExportGatewayTesting
import Foundation

/// The demo's closing part: the same annotation code against every vendor's simulator, each
/// ending in a COCO folder, and a table of what each gave. Only the simulator (in real use,
/// one line of configuration) differs between vendors.
struct AnnotationsDemo {
    /// Where the COCO folders go (one per vendor).
    var outputFolder: URL
    var console: Console
    /// What the waits sleep on.
    var clock: any GatewayClock

    /// One fresh simulator per vendor, each seeded with the same annotated images.
    static func simulators() -> [any VendorSimulator] {
        [AvalaSimulator(), PictographSimulator(), LabelboxSimulator(), LabelStudioSimulator()]
    }

    /// Runs the flow for every vendor; returns the summary table's rows, header first.
    func run() async throws -> [[String]] {
        var rows = [["VENDOR", "HOW", "IMAGES", "BOXES", "POLYGONS", "CLASSES", "COCO FOLDER"]]
        for simulator in Self.simulators() {
            let gateway = simulator.gateway(
                options: GatewayOptions(
                    pollInterval: .milliseconds(50), maxPollInterval: .milliseconds(200), clock: clock))
            let folder = outputFolder.appendingPathComponent("annotations/coco-\(gateway.provider)", isDirectory: true)
            try FileManager.default.createDirectory(
                at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: folder)
            // The same lines for every vendor:
            let created = try await gateway.createAnnotationExport(of: simulator.seedAnnotatedSource())
            let ready = try await gateway.wait(for: created, timeout: .seconds(60))
            let result = try await gateway.downloadAnnotations(of: ready, as: .coco, to: folder)

            var reader = try AnnotationFormat.coco.reader(for: try FolderFiles(root: folder))
            var boxes = 0, polygons = 0
            while let item = try reader.next() {
                for annotation in item.annotations {
                    switch annotation.geometry {
                    case .box: boxes += 1
                    case .polygon: polygons += 1
                    default: break
                    }
                }
            }
            rows.append([
                "\(gateway.provider)", Self.how(gateway.annotationRoute), "\(result.summary.items)", "\(boxes)",
                "\(polygons)", "\(reader.classes.count)", folder.path,
            ])
        }
        return rows
    }

    /// How the gateway got a vendor's annotations, in a few words.
    static func how(_ route: AnnotationRoute) -> String {
        switch route {
        case .records: "record stream, mapped"
        case .file(let request, _): "\(request) file, read"
        case .unsupported: "unsupported"
        }
    }
}
