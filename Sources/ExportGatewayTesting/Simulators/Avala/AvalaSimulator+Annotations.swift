import ExportGateway
import Foundation

extension AvalaSimulator {
    /// The name of the dataset ``seedAnnotatedSource()`` seeds (its slug is
    /// `seeded-annotations`, with a suffix when that is taken).
    public static let annotatedDatasetName = "seeded annotations"

    /// Seeds a dataset of the ``SeededAnnotations`` images whose `YOLO` exports are
    /// ``SeededYOLOArchive`` (data.yaml, PNG images, one label file per image), and returns
    /// it as an export source (`sim-org/<slug>`).
    ///
    /// Only an export of this dataset alone is the seed; its `avala-json-external` exports,
    /// its item listing and exports that mix it with other datasets are the simulator's
    /// usual computed items, as for every other dataset.
    @discardableResult
    public func seedAnnotatedSource() -> ExportSource {
        let reference = seedDataset(named: Self.annotatedDatasetName, itemCount: SeededAnnotations.images.count)
        state.withLock { state in
            for index in state.datasets.indices
            where "\(state.datasets[index].owner)/\(state.datasets[index].slug)" == reference {
                state.datasets[index].annotated = true
            }
        }
        return .dataset(DatasetRef(rawValue: reference))
    }

    /// The entries of a `YOLO` export of one annotated dataset, or `nil` for any other
    /// export (which the usual fixtures build).
    func annotatedEntries(format: String, datasets: [Dataset]) -> [ZipArchive.Entry]? {
        guard format == "YOLO", datasets.count == 1, datasets[0].annotated else { return nil }
        return SeededYOLOArchive.entries
    }
}
