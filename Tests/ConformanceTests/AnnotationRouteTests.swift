import ExportGateway
import ExportGatewayProviders
import ExportGatewayTesting
import Foundation
import Testing

/// What the gateway does around a vendor's annotation route: asking for the right format,
/// refusing an export made in another, and writing a dataset folder, passing a vendor's own
/// files through only when they are already in the gateway's layout.
@Suite struct AnnotationRouteTests {
    private func ready(
        _ simulator: some VendorSimulator, format: ExportFormat? = nil, annotations: Bool = true
    )
        async throws -> (Gateway, Export)
    {
        let gateway = simulator.gateway()
        let source = simulator.seedAnnotatedSource()
        let created =
            annotations
            ? try await gateway.createAnnotationExport(of: source)
            : try await gateway.createExport(ExportRequest(source: source, format: format))
        return (gateway, try await gateway.wait(for: created, timeout: .seconds(600)))
    }

    @Test func eachVendorNamesItsRoute() {
        #expect(PictographSimulator().gateway().annotationRoute == .file(request: .coco, reads: .coco))
        #expect(AvalaSimulator().gateway().annotationRoute == .file(request: .yolo, reads: .yolo))
        #expect(LabelboxSimulator().gateway().annotationRoute == .records)
        #expect(LabelStudioSimulator().gateway().annotationRoute == .records)
    }

    @Test func createAnnotationExportAsksAFileVendorForTheFormatItsReaderReads() async throws {
        let (_, export) = try await ready(PictographSimulator())
        #expect(export.format?.rawValue.lowercased() == "coco")
    }

    @Test func annotationsOfAnExportMadeInAnotherFormatSayHowToMakeOne() async throws {
        let (gateway, export) = try await ready(PictographSimulator(), annotations: false)
        let error = try await #require(throws: GatewayError.self) {
            _ = try await gateway.annotations(of: export).collect()
        }
        #expect(error.kind == .unsupported)
        #expect(error.operation == .annotations)
        #expect(error.message.contains("createAnnotationExport"), "\(error.message)")
    }

    @Test func aVendorFileAlreadyInTheLayoutIsCheckedAndPassedThrough() async throws {
        let (gateway, export) = try await ready(AvalaSimulator())
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-pass-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await gateway.downloadAnnotations(of: export, as: .yolo, to: folder)
        #expect(result.passedThrough)
        #expect(result.summary.items == SeededAnnotations.images.count)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("data.yaml").path))
    }

    @Test func aVendorFileInAnotherFormatIsConvertedWithItsImages() async throws {
        let (gateway, export) = try await ready(AvalaSimulator())
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-voc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await gateway.downloadAnnotations(of: export, as: .voc, to: folder)
        #expect(!result.passedThrough)
        #expect(result.summary.items == SeededAnnotations.images.count)
        let boxes = SeededAnnotations.images.flatMap(\.objects).filter {
            if case .box = $0.geometry { return true }
            return false
        }
        #expect(result.summary.annotations == boxes.count)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("labelmap.txt").path))
    }

    @Test(arguments: AnnotationFormat.allCases)
    func aStreamingVendorIsWrittenInEveryFormat(_ format: AnnotationFormat) async throws {
        let (gateway, export) = try await ready(LabelStudioSimulator())
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-ls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await gateway.downloadAnnotations(of: export, as: format, to: folder)
        #expect(!result.passedThrough)
        // Label Studio states no size for a task without regions; COCO and VOC need one, so
        // that image (which has nothing on it) is left out and reported, never invented.
        let sizeless = format == .yolo ? 0 : 1
        #expect(result.summary.items == SeededAnnotations.images.count - sizeless)
        let leftOut = result.summary.skipped.filter { $0.key.contains("without a size") }.values.reduce(0, +)
        #expect(leftOut == sizeless)
        var reader = try format.reader(for: try FolderFiles(root: folder))
        var read = 0
        while try reader.next() != nil { read += 1 }
        #expect(read == result.summary.items)
    }
}
