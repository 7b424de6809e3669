import ExportGateway

extension PictographProvider {
    /// Pictograph delivers annotations as a ZIP in the requested format; the gateway asks
    /// for `coco` (one COCO instances file, found by its contents) and reads it as COCO.
    /// Pictograph's native format keeps more (oriented boxes, polylines, keypoint instances),
    /// but only COCO has a reader that every vendor shares.
    public var annotationRoute: AnnotationRoute { .file(request: .coco, reads: .coco) }
}
