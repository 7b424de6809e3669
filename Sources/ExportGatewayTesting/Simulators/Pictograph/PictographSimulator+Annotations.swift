import ExportGateway
import Foundation

extension PictographSimulator {
    /// The name of the dataset ``seedAnnotatedSource()`` seeds.
    public static let annotatedDatasetName = "seeded annotations"

    /// Seeds (in organization A) a dataset of the ``SeededAnnotations`` images whose `coco`
    /// exports are ``SeededCOCOFile`` as `annotations.json`, with the images as real PNGs
    /// under `images/` when `include_images` is set, and returns it as an export source.
    ///
    /// The seeded file ignores `class_filter`, `status_filter` and `organize_by_split`: it
    /// is always exactly the seed. Exports of the dataset in any other format are the
    /// simulator's usual computed images, as for every other dataset.
    @discardableResult
    public func seedAnnotatedSource() -> ExportSource {
        let name = seedDataset(named: Self.annotatedDatasetName, itemCount: SeededAnnotations.images.count)
        state.withLock { state in
            for index in state.datasets.indices
            where state.datasets[index].name == name && state.datasets[index].organization == .a {
                state.datasets[index].annotated = true
            }
        }
        return .dataset(DatasetRef(rawValue: name))
    }

    /// The ZIP of a `coco` export of an annotated dataset, or `nil` for any other export
    /// (which the usual fixtures build).
    func annotatedArchive(
        for record: ExportRecord, dataset: Dataset
    ) -> (data: Data, imageCount: Int, annotationCount: Int)? {
        guard dataset.annotated, record.request.format == "coco" else { return nil }
        var entries = [ZipArchive.Entry(path: SeededCOCOFile.path, contents: SeededCOCOFile.data)]
        if record.request.includeImages {
            for image in SeededAnnotations.images {
                let png = MinimalPNG.checkerboard(width: image.size.width, height: image.size.height) ?? Data()
                entries.append(ZipArchive.Entry(path: "images/" + image.key, contents: png))
            }
        }
        return (ZipArchive.make(entries), SeededAnnotations.images.count, SeededCOCOFile.annotationCount)
    }
}
