import Foundation

extension AsyncSequence where Element == AnnotatedItem {
    /// Writes every item in `format`'s layout into `destination` (absent, or an empty folder),
    /// as the items arrive; the folder appears only when all were written.
    ///
    /// ```swift
    /// let summary = try await gateway.annotations(of: ready).write(as: .coco, to: folder)
    /// print(summary.items, "images,", summary.annotations, "annotations")
    /// ```
    /// - Parameters:
    ///   - classes: class names to number first, in this order (unused ones are kept).
    ///   - progress: called after each item with the items and annotations written so far.
    public func write(
        as format: AnnotationFormat, to destination: URL, classes: [String] = [],
        progress: ((_ items: Int, _ annotations: Int) -> Void)? = nil
    ) async throws -> AnnotationWriteSummary {
        var writer = try format.writer(to: destination, classes: classes)
        var items = 0, annotations = 0
        do {
            for try await item in self {
                try writer.write(item, image: nil)
                items += 1
                annotations += item.annotations.count
                progress?(items, annotations)
            }
            return try writer.finish()
        } catch {
            writer.discard()
            throw error
        }
    }
}

extension AnnotationReader {
    /// Writes every remaining item into `writer`, copying each image from `files` when the
    /// reader knows where it is, and finishes the writer.
    /// - Parameter progress: called after each item with the items and annotations so far.
    public mutating func write(
        into writer: inout any AnnotationWriter, images files: (any DatasetFiles)?,
        progress: ((_ items: Int, _ annotations: Int) -> Void)? = nil
    ) throws -> AnnotationWriteSummary {
        var items = 0, annotations = 0
        do {
            while let item = try next() {
                let image = files.flatMap { files in imagePath(for: item).map { DatasetImage(files: files, path: $0) } }
                try writer.write(item, image: image)
                items += 1
                annotations += item.annotations.count
                progress?(items, annotations)
            }
            return try writer.finish()
        } catch {
            writer.discard()
            throw error
        }
    }
}
