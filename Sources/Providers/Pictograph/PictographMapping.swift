import ExportGateway
import Foundation

extension PictographExportWire {
    /// The normalized export. The format word is kept verbatim (`pascal_voc` stays
    /// `pascal_voc`), the source is the dataset's name (what ``DatasetRef`` holds for
    /// Pictograph), and Pictograph reports no progress.
    var export: Export {
        Export(
            id: ExportID(rawValue: id), provider: .pictograph, name: name,
            status: PictographProvider.exportStatus(for: status), rawStatus: status,
            format: format.map(ExportFormat.init(rawValue:)),
            source: datasetName.map { .dataset(DatasetRef(rawValue: $0)) },
            createdAt: createdAt, updatedAt: completedAt, downloadLocation: downloadLocation, progress: nil,
            failureReason: errorMessage.flatMap { $0.isEmpty ? nil : $0 }, providerFields: raw)
    }

    /// The signed URL a read carries once the export is complete, with the ZIP's size.
    ///
    /// No expiry: the export's `expires_at` is when the ZIP itself may be deleted, not when
    /// this URL's signature ends, so the gateway fetches a fresh URL if this one is refused.
    private var downloadLocation: DownloadLocation? {
        guard let downloadURL, !downloadURL.isEmpty, let url = URL(string: downloadURL), url.scheme != nil else {
            return nil
        }
        return DownloadLocation(url: url, byteCount: fileSize)
    }
}

extension PictographDownloadWire {
    /// The normalized location: signed URL, its expiry and the ZIP's size.
    var location: DownloadLocation {
        DownloadLocation(url: url, expiresAt: expiresAt, byteCount: fileSize)
    }
}
