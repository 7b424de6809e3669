import ExportGateway
import Foundation

/// Writing and reading a million annotations: each writer fed a generated stream of images
/// (ten boxes each), then the COCO file read back incrementally. One child process per case,
/// so each peak resident memory belongs to one writer or reader: it must stay flat as the
/// count grows (the writers stream; the COCO reader keeps the image list, not the annotations).
enum AnnotationsScenario {
    static let name = "annotations"
    static let boxesPerImage = 10

    static func run(size: BenchmarkSize) throws -> [Measurement] {
        let counts = size == .full ? [100_000, 1_000_000] : [2_000]
        var measurements: [Measurement] = []
        for count in counts {
            for format in AnnotationFormat.allCases {
                measurements += try ChildProcess.runCase([
                    name, "--write", format.rawValue, "--annotations", "\(count)",
                ])
            }
            measurements += try ChildProcess.runCase([name, "--read", "coco", "--annotations", "\(count)"])
        }
        return measurements
    }

    static func runCase(_ arguments: ChildArguments) async throws {
        let count = try arguments.int("annotations")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eg-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let label = "\(count / 1000)k annotations"
        if let written = try? arguments.string("write"), let format = AnnotationFormat(rawValue: written) {
            let started = ContinuousClock.now
            let summary = try await generated(count).write(as: format, to: folder, classes: classes)
            let seconds = (ContinuousClock.now - started).seconds
            guard summary.annotations == count else {
                throw BenchmarkFailure("The \(format) writer wrote \(summary.annotations) of \(count) annotations.")
            }
            ChildProtocol.report(
                Measurement(
                    scenario: name, label: "write \(format), \(label)", seconds: seconds,
                    rate: Double(count) / seconds, unit: "annotations/s",
                    note: "\(count / boxesPerImage) images, \(boxesPerImage) boxes each"))
        } else {
            _ = try await generated(count).write(as: .coco, to: folder, classes: classes)
            let started = ContinuousClock.now
            var reader = try AnnotationFormat.coco.reader(for: try FolderFiles(root: folder))
            var read = 0
            while let item = try reader.next() { read += item.annotations.count }
            let seconds = (ContinuousClock.now - started).seconds
            guard read == count else { throw BenchmarkFailure("The COCO reader read \(read) of \(count) annotations.") }
            ChildProtocol.report(
                Measurement(
                    scenario: name, label: "read coco, \(label)", seconds: seconds, rate: Double(count) / seconds,
                    unit: "annotations/s", note: "peak includes writing the file first"))
        }
    }

    static let classes = ["car", "traffic light", "vélo", "person"]

    /// `count` boxes on 1280x720 images, ten per image, generated as they are asked for.
    static func generated(_ count: Int) -> GeneratedImages { GeneratedImages(annotations: count) }
}

/// Images with ten boxes each, made one at a time as they are iterated: nothing is held.
struct GeneratedImages: AsyncSequence {
    let annotations: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let annotations: Int
        var image = 0

        mutating func next() async -> AnnotatedItem? {
            let perImage = AnnotationsScenario.boxesPerImage, classes = AnnotationsScenario.classes
            guard image * perImage < annotations else { return nil }
            defer { image += 1 }
            let boxes = (0..<perImage).map { index in
                Annotation(
                    label: classes[(image + index) % classes.count],
                    geometry: .box(Box(x: Double(index * 100), y: Double(image % 500), width: 80.5, height: 60.25)))
            }
            return AnnotatedItem(
                id: ItemID(rawValue: "frames/\(image)"), key: "frames/\(image).jpg",
                imageSize: ImageSize(width: 1280, height: 720), subset: image % 10 == 0 ? "val" : "train",
                annotations: boxes)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(annotations: annotations) }
}
