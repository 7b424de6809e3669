import ExportGateway

extension AvalaProvider {
    /// Avala's `YOLO` export is the only one with a known layout; its native
    /// `avala-json-external` schema is documented nowhere, so the gateway asks for YOLO
    /// (boxes only) and reads it, sizing images from their headers when the ZIP holds them.
    public var annotationRoute: AnnotationRoute { .file(request: .yolo, reads: .yolo) }
}
