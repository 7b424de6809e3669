import Foundation

extension Gateway {
    /// How this vendor's annotations are read: from its record stream, from a file in a
    /// standard format, or not at all (see ``AnnotationRoute``).
    public var annotationRoute: AnnotationRoute { adapter.annotationRoute }

    /// Starts an export that ``annotations(of:)`` can read: for a vendor that delivers a file,
    /// it asks for the standard format the gateway reads (Pictograph `coco`, Avala `YOLO`);
    /// for a vendor that streams records, it is a plain export of `source`.
    ///
    /// ```swift
    /// let export = try await gateway.createAnnotationExport(of: .dataset("team/cars"))
    /// let ready = try await gateway.wait(for: export, timeout: .seconds(600))
    /// for try await item in gateway.annotations(of: ready) { print(item.id, item.annotations.count) }
    /// ```
    /// - Throws: ``GatewayError/Kind/unsupported`` when the vendor offers no such export.
    public func createAnnotationExport(of source: ExportSource, name: String? = nil) async throws -> Export {
        switch adapter.annotationRoute {
        case .records:
            return try await createExport(ExportRequest(source: source, name: name))
        case .file(let format, _):
            return try await createExport(ExportRequest(source: source, name: name, format: format))
        case .unsupported(let reason):
            throw annotationsUnsupported(reason, resource: .source(source))
        }
    }

    /// Every image of a completed export with its annotations, in the same model whatever the
    /// vendor, read lazily in bounded memory.
    ///
    /// A vendor that streams records (Labelbox, Label Studio) is read record by record, each
    /// mapped by its adapter. A vendor that delivers a file (Avala, Pictograph) is downloaded
    /// to a temporary folder, read with the format's reader (ZIP entries are read in place),
    /// and the temporary file is removed when iteration ends; that export must have been
    /// created in the format the route names (``createAnnotationExport(of:name:)`` does so).
    ///
    /// Throws on first use: ``GatewayError/Kind/unsupported`` when the vendor offers no export
    /// the gateway can read annotations from, or the export is in another format;
    /// ``GatewayError/Kind/notReady`` for an export that has not completed.
    public func annotations(of export: Export) -> AnnotationSequence {
        let adapter = self.adapter, api = self.api
        switch adapter.annotationRoute {
        case .records:
            let records = RecordSequence(source: recordSource(of: export, stream: .results, startingAt: 0)) { record in
                let text = try record.checked()
                do {
                    return try adapter.annotatedItem(from: RecordRow(text: text, export: export, offset: record.offset))
                } catch let error as GatewayError {
                    throw api.stamped(error, operation: .annotations, resource: .export(export.id))
                }
            }
            return AnnotationSequence(records: records)
        case .file(let request, let format):
            return AnnotationSequence(file: {
                try await self.openAnnotationFile(of: export, request: request, format: format)
            })
        case .unsupported(let reason):
            return AnnotationSequence(failure: annotationsUnsupported(reason, resource: .export(export.id)))
        }
    }

    private func annotationsUnsupported(
        _ reason: String, resource: GatewayResource,
        advice: String? = "Download the export and read it with your own tools instead."
    ) -> GatewayError {
        var error = GatewayError.unsupported("annotations", message: reason + (advice.map { " " + $0 } ?? ""))
        error.provider = provider
        error.operation = .annotations
        error.resource = resource
        return error
    }
}

extension Gateway {
    /// Downloads `export` into a temporary folder and opens it with `format`'s reader.
    fileprivate func openAnnotationFile(
        of export: Export, request: ExportFormat, format: AnnotationFormat
    ) async throws -> AnnotationFile {
        let (files, folder) = try await downloadAnnotationFiles(of: export, request: request, progress: nil)
        let api = self.api
        let stamp: @Sendable (GatewayError) -> GatewayError = {
            api.stamped($0, operation: .annotations, resource: .export(export.id))
        }
        do {
            return AnnotationFile(reader: try format.reader(for: files), temporaryFolder: folder, stamp: stamp)
        } catch let error as GatewayError {
            try? FileManager.default.removeItem(at: folder)
            throw stamp(error)
        }
    }

    /// Downloads the file of `export`, which must have been made in `request`, into a new
    /// temporary folder, and returns its files (a ZIP read in place) and the folder, which
    /// the caller removes.
    func downloadAnnotationFiles(
        of export: Export, request: ExportFormat, progress: (@Sendable (DownloadProgress) -> Void)?
    ) async throws -> (files: any DatasetFiles, folder: URL) {
        if let made = export.format, made.rawValue.lowercased() != request.rawValue.lowercased() {
            throw annotationsUnsupported(
                "Export \(export.id) was made in format \(made), and annotations are read from \(request) exports. "
                    + "Create one with createAnnotationExport(of:name:) (export-gateway: exports create --format \(request)).",
                resource: .export(export.id), advice: nil)
        }
        let manager = FileManager.default
        let folder = manager.temporaryDirectory.appendingPathComponent(
            "export-gateway-annotations-\(UUID().uuidString)")
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw GatewayError(
                .localFile, message: "Could not create \(folder.path): \(error.localizedDescription)", underlying: error
            )
        }
        do {
            var file = try await download(export, to: folder.appendingPathComponent("export"), progress: progress).url
            if !ZipFiles.isArchive(file) {
                // A lone file (a COCO JSON) is found by its extension.
                let named = folder.appendingPathComponent("export.json")
                try manager.moveItem(at: file, to: named)
                file = named
            }
            return (try AnnotationFormat.files(at: file), folder)
        } catch {
            try? manager.removeItem(at: folder)
            throw error
        }
    }
}
