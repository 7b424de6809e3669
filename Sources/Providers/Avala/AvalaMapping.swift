import ExportGateway
import Foundation

extension AvalaExportWire {
    /// The normalized export. The format word is kept verbatim (`"YOLO"` stays `"YOLO"`);
    /// the source is the first dataset, else the first project.
    var export: Export {
        Export(
            id: ExportID(rawValue: uid), provider: .avala, name: name,
            status: AvalaProvider.exportStatus(for: status), rawStatus: status,
            format: format.map(ExportFormat.init(rawValue:)), source: source,
            createdAt: createdAt, updatedAt: updatedAt, downloadLocation: downloadLocation,
            progress: exportedTaskCount.map { Export.Progress(completed: $0, total: totalTaskCount) },
            failureReason: failureReason, providerFields: raw)
    }

    private var source: ExportSource? {
        if let dataset = datasets?.first { return .dataset(DatasetRef(rawValue: dataset)) }
        if let project = projects?.first { return .project(project) }
        return nil
    }

    /// Avala gives a bare signed URL: no expiry, size or file name.
    private var downloadLocation: DownloadLocation? {
        guard let downloadURL, !downloadURL.isEmpty, let url = URL(string: downloadURL) else { return nil }
        return DownloadLocation(url: url)
    }

    /// Avala documents no failure reason; read one if the server sends `failure_reason` or
    /// `error` as a string.
    private var failureReason: String? {
        [raw["failure_reason"], raw["error"]].lazy.compactMap { $0?.stringValue }.first { !$0.isEmpty }
    }
}

extension AvalaItemWire {
    /// The normalized item or sequence; `dataset` is the reference the caller used.
    func item(kind: ItemKind, dataset: DatasetRef) -> Item {
        let mediaCandidates = kind == .sequence ? [url, dataURL, featuredImage] : [url, dataURL]
        let mediaURL = mediaCandidates.lazy.compactMap { $0 }.filter { !$0.isEmpty }.compactMap(URL.init(string:)).first
        return Item(
            id: ItemID(rawValue: uid), kind: kind, key: key, dataset: dataset,
            status: AvalaProvider.itemStatus(for: status, kind: kind), rawStatus: status, mediaURL: mediaURL,
            metadata: metadata, annotations: annotations, createdAt: createdAt, providerFields: raw)
    }
}
