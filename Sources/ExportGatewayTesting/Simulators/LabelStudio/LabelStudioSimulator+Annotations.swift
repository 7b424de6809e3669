import ExportGateway
import Foundation

extension LabelStudioSimulator {
    /// Seeds a project whose tasks are ``SeededAnnotations/images``, in order, and returns it
    /// as an export source (`.project("3")`).
    ///
    /// Each task's annotation holds the image's boxes as `rectanglelabels` and polygons as
    /// `polygonlabels`, in percent of `original_width`/`original_height`; `empty_0004.png`
    /// has no annotation. The first task also answers the whole-image choice `weather`
    /// (`sunny`); the second carries a prediction (model `yolo-v1`, score 0.87) whose one
    /// region, with its own score 0.75, repeats the task's first box. A snapshot lists that
    /// prediction in full only when created with `serialization_options.predictions.only_id`
    /// false, as on the real server.
    public func seedAnnotatedSource() -> ExportSource {
        .project(
            String(
                seedProject(
                    named: "Seeded annotations", kind: .annotatedImages, itemCount: SeededAnnotations.images.count)))
    }
}
