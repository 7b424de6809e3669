import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

@testable import export_gateway

/// `convert` and `exports download --as`: annotation datasets written in the same layout
/// whatever they came from.
@Suite("export-gateway annotation commands")
struct AnnotationCommandTests {
    /// The datumaro-written reference dataset (`Tests/Fixtures/formats`).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/formats")

    private static func count(_ folder: URL, as format: AnnotationFormat) throws -> (items: Int, annotations: Int) {
        var reader = try format.reader(for: try FolderFiles(root: folder))
        var items = 0, annotations = 0
        while let item = try reader.next() {
            items += 1
            annotations += item.annotations.count
        }
        return (items, annotations)
    }

    @Test func convertWritesEveryImageAndBoxOfTheCOCOFixtureAsYOLO() async throws {
        let output = CLIHarness.temporaryFile("yolo")
        defer { try? FileManager.default.removeItem(at: output) }
        let cli = CLIHarness(variables: [:], transport: AvalaSimulator().transport)
        let run = await cli.run([
            "convert", "--from", "coco", "--to", "yolo", Self.fixtures.appendingPathComponent("coco").path, output.path,
        ])
        #expect(run.status == .success, "stderr: \(run.errors)")
        #expect(run.output.contains("Wrote 12 images"), "\(run.output)")
        let written = try Self.count(output, as: .yolo)
        #expect(written.items == 12)
        // 17 boxes, and the 2 polygons as their bounding boxes (reported as adjusted).
        #expect(written.annotations == 19)
        #expect(run.output.contains("adjusted"), "\(run.output)")
        #expect(
            FileManager.default.fileExists(atPath: output.appendingPathComponent("images/train/city/0001.jpg").path))
    }

    @Test func convertRecognizesTheInputFormatWhenFromIsLeftOut() async throws {
        let output = CLIHarness.temporaryFile("coco")
        defer { try? FileManager.default.removeItem(at: output) }
        let cli = CLIHarness(variables: [:], transport: AvalaSimulator().transport)
        let run = await cli.run([
            "convert", "--to", "coco", Self.fixtures.appendingPathComponent("voc").path, output.path,
        ])
        #expect(run.status == .success, "stderr: \(run.errors)")
        let written = try Self.count(output, as: .coco)
        #expect(written.items == 12)
    }

    @Test func convertWithoutToIsAUsageErrorThatSaysWhatToType() async throws {
        let cli = CLIHarness(variables: [:], transport: AvalaSimulator().transport)
        let run = await cli.run(["convert", Self.fixtures.appendingPathComponent("coco").path, "/tmp/never-written"])
        #expect(run.status == .usage)
        #expect(run.errors.contains("--to coco|yolo|voc"), "\(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written"))
    }

    @Test func convertLeavesAFolderThatHoldsFilesAsItWas() async throws {
        let output = CLIHarness.temporaryFile("taken")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: output) }
        try Data("keep".utf8).write(to: output.appendingPathComponent("mine.txt"))
        let cli = CLIHarness(variables: [:], transport: AvalaSimulator().transport)
        let run = await cli.run([
            "convert", "--to", "coco", Self.fixtures.appendingPathComponent("yolo").path, output.path,
        ])
        #expect(run.status != .success)
        #expect(run.errors.contains("not an empty folder"), "\(run.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["mine.txt"])
    }

    @Test func convertReadsASavedLabelboxStreamWithTheAdaptersMapping() async throws {
        let simulator = LabelboxSimulator()
        let gateway = simulator.gateway()
        let ready = try await gateway.wait(
            for: try await gateway.createAnnotationExport(of: simulator.seedAnnotatedSource()), timeout: .seconds(600))
        let saved = CLIHarness.temporaryFile("rows.ndjson")
        let output = CLIHarness.temporaryFile("coco")
        defer {
            try? FileManager.default.removeItem(at: saved)
            try? FileManager.default.removeItem(at: output)
        }
        try await gateway.download(ready, to: saved)
        let cli = CLIHarness(labelbox: simulator)
        let run = await cli.run(["convert", "--from", "labelbox-ndjson", "--to", "coco", saved.path, output.path])
        #expect(run.status == .success, "stderr: \(run.errors)")
        let written = try Self.count(output, as: .coco)
        #expect(written.items == SeededAnnotations.images.count)
        #expect(written.annotations == SeededAnnotations.images.reduce(0) { $0 + $1.objects.count })
    }

    @Test func convertReadsASavedLabelStudioSnapshotTaskByTask() async throws {
        let simulator = LabelStudioSimulator()
        let gateway = simulator.gateway()
        let ready = try await gateway.wait(
            for: try await gateway.createAnnotationExport(of: simulator.seedAnnotatedSource()), timeout: .seconds(600))
        let saved = CLIHarness.temporaryFile("tasks.json")
        let output = CLIHarness.temporaryFile("yolo")
        defer {
            try? FileManager.default.removeItem(at: saved)
            try? FileManager.default.removeItem(at: output)
        }
        try await gateway.download(ready, to: saved)
        let cli = CLIHarness(variables: [:], transport: simulator.transport)
        let run = await cli.run(["convert", "--from", "label-studio-json", "--to", "yolo", saved.path, output.path])
        #expect(run.status == .success, "stderr: \(run.errors)")
        // YOLO needs no size for an image with nothing on it, so all five are there; the
        // polygons become their bounding boxes.
        #expect(run.output.contains("Wrote \(SeededAnnotations.images.count) images"), "\(run.output)")
        let labels = try FileManager.default.subpathsOfDirectory(atPath: output.appendingPathComponent("labels").path)
            .filter { $0.hasSuffix(".txt") }
        #expect(labels.count == SeededAnnotations.images.count)
    }

    @Test func exportsDownloadAsCOCOWritesTheSameImagesForAFileVendorAndAStreamingOne() async throws {
        var counts: [Int] = []
        for simulator in [AvalaSimulator(), LabelboxSimulator()] as [any VendorSimulator] {
            let gateway = simulator.gateway()
            let ready = try await gateway.wait(
                for: try await gateway.createAnnotationExport(of: simulator.seedAnnotatedSource()),
                timeout: .seconds(600))
            let output = CLIHarness.temporaryFile("coco")
            defer { try? FileManager.default.removeItem(at: output) }
            let cli = CLIHarness(
                variables: [
                    "EXPORT_GATEWAY_PROVIDER": "\(gateway.provider)",
                    type(of: simulator).provider.apiKeyEnvironmentVariable: simulator.apiKey,
                    "EXPORT_GATEWAY_BASE_URL": simulator.apiBaseURL.absoluteString,
                ], transport: simulator.transport)
            let run = await cli.run(["exports", "download", ready.id.rawValue, "--as", "coco", "--output", output.path])
            #expect(run.status == .success, "stderr: \(run.errors)")
            #expect(
                FileManager.default.fileExists(atPath: output.appendingPathComponent("annotations").path),
                "the COCO layout: annotations/instances_<subset>.json")
            counts.append(try Self.count(output, as: .coco).items)
        }
        #expect(counts == [SeededAnnotations.images.count, SeededAnnotations.images.count])
    }
}
