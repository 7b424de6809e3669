import Foundation

extension Gateway {
    /// Writes the annotations of a completed export as a COCO, YOLO or VOC dataset in
    /// `destination` (absent, or an empty folder), in the same layout whatever the vendor.
    ///
    /// A vendor file already in `format` and in the gateway's layout is read through once (the
    /// check) and then copied as it is; anything else is converted as it is read. The folder
    /// appears only when complete.
    ///
    /// ```swift
    /// let result = try await gateway.downloadAnnotations(of: ready, as: .yolo, to: folder)
    /// print(result.summary.items, "images", result.passedThrough ? "(vendor's files)" : "(converted)")
    /// ```
    /// - Parameters:
    ///   - classes: class names to number first, in this order (unused ones are kept).
    ///   - progress: called as the file downloads and as images are written.
    /// - Throws: ``GatewayError/Kind/unsupported`` when the vendor offers no readable export
    ///   or the format cannot hold the data (pixels without sizes), ``GatewayError/Kind/localFile``
    ///   when `destination` holds files.
    public func downloadAnnotations(
        of export: Export, as format: AnnotationFormat, to destination: URL, classes: [String] = [],
        progress: (@Sendable (AnnotationProgress) -> Void)? = nil
    ) async throws -> AnnotationDownload {
        let report: (Int, Int) -> Void = { progress?(.writing(items: $0, annotations: $1)) }
        guard case .file(let request, let native) = annotationRoute else {
            let summary = try await annotations(of: export).write(
                as: format, to: destination, classes: classes, progress: report)
            return AnnotationDownload(destination: destination, summary: summary, passedThrough: false)
        }
        let (files, folder) = try await downloadAnnotationFiles(
            of: export, request: request, progress: { progress?(.downloading($0)) })
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            var reader = try native.reader(for: files)
            if native == format, format.isGatewayLayout(files) {
                var summary = AnnotationWriteSummary(classes: reader.classes)
                while let item = try reader.next() {
                    summary.items += 1
                    summary.annotations += item.annotations.count
                    report(summary.items, summary.annotations)
                }
                try files.copyAll(to: destination)
                return AnnotationDownload(destination: destination, summary: summary, passedThrough: true)
            }
            var writer = try format.writer(to: destination, classes: classes.isEmpty ? reader.classes : classes)
            let summary = try reader.write(into: &writer, images: files, progress: report)
            return AnnotationDownload(destination: destination, summary: summary, passedThrough: false)
        } catch let error as GatewayError {
            throw api.stamped(error, operation: .annotations, resource: .export(export.id))
        }
    }
}

extension AnnotationFormat {
    /// Whether `files` already sit in the layout this format's writer makes, at their root.
    func isGatewayLayout(_ files: any DatasetFiles) -> Bool {
        let paths = files.paths
        switch self {
        case .coco:
            return paths.contains { $0.hasPrefix("annotations/instances_") && $0.hasSuffix(".json") }
        case .yolo:
            return paths.contains("data.yaml") && paths.contains { $0.hasPrefix("labels/") }
        case .voc:
            return paths.contains("labelmap.txt") && paths.contains { $0.hasPrefix("ImageSets/Main/") }
        }
    }
}
