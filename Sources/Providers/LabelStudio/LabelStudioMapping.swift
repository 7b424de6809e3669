import ExportGateway
import Foundation

extension LabelStudioExportWire {
    /// The normalized export of project `project`, to be downloaded as `format` (`nil`: the
    /// stored JSON), located by `locate` once completed.
    func export(project: Int64, format: String?, api: VendorAPI) throws -> Export {
        try export(project: project, format: format) { try LabelStudioMapping.location(of: $0, api: api) }
    }

    /// The normalized export, its location (when completed) from `locate`.
    func export(
        project: Int64, format: String?, locate: (LabelStudioExportID) throws -> DownloadLocation
    ) throws -> Export {
        let id = LabelStudioExportID(project: project, export: self.id, format: format)
        let status = LabelStudioProvider.exportStatus(for: self.status)
        let completed = status == .completed
        return Export(
            id: id.exportID, provider: .labelStudio, name: title, status: status, rawStatus: self.status,
            format: ExportFormat(rawValue: format ?? LabelStudioFormats.stored),
            source: .dataset(DatasetRef(rawValue: String(project))), createdAt: createdAt, updatedAt: finishedAt,
            downloadLocation: completed ? try locate(id) : nil,
            progress: completed ? taskCount.map { Export.Progress(completed: $0, total: $0) } : nil,
            failureReason: status == .failed ? failureReason(format: format) : nil, providerFields: raw)
    }

    /// A snapshot carries no failure reason; a failed conversion to `format` carries a Python
    /// traceback, whose last line is the exception.
    private func failureReason(format: String?) -> String? {
        guard let format,
            let traceback = conversions.first(where: { $0.exportType == format && $0.status == "failed" })?.traceback
        else { return nil }
        return traceback.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }.map(String.init)
    }
}

extension LabelStudioTaskWire {
    /// The normalized item; `dataset` is the reference the caller used, `text` the task's
    /// own JSON text when it was read from a record stream (kept as `providerFieldsJSON`).
    func item(dataset: DatasetRef?, text: Data? = nil) -> Item {
        let key = LabelStudioMapping.key(in: data)
        let status = LabelStudioProvider.itemStatus(isLabeled: isLabeled)
        let mediaURL = key.flatMap(URL.init(string:)).flatMap { url in
            ["http", "https"].contains(url.scheme?.lowercased() ?? "") ? url : nil
        }
        return Item(
            id: ItemID(rawValue: String(id)), kind: .item, key: key, dataset: dataset, status: status?.status,
            rawStatus: status?.rawStatus, mediaURL: mediaURL, metadata: meta, annotations: annotations,
            createdAt: createdAt, providerFields: raw, providerFieldsJSON: text)
    }
}

/// Locations and keys.
enum LabelStudioMapping {
    /// Where a completed snapshot is downloaded: `/api/projects/{pid}/exports/{eid}/download`
    /// on the API itself (so the gateway sends its credential), with `?exportType=FMT` for a
    /// converted format. A conversion is made afresh on every request and its ZIP differs
    /// each time, so only the stored JSON is byte-stable, to be fetched in ranges.
    static func location(of id: LabelStudioExportID, api: VendorAPI) throws -> DownloadLocation {
        DownloadLocation(
            url: try api.url(LabelStudioRoutes.download(id), query: query(of: id)), isByteStable: id.format == nil)
    }

    /// `exportType=FMT` for a converted format; nothing for the stored JSON.
    static func query(of id: LabelStudioExportID) -> [URLQueryItem] {
        id.format.map { [URLQueryItem(name: "exportType", value: $0)] } ?? []
    }

    /// The `data` members a label config most often names, tried first for an item's key.
    static let mediaKeys = ["image", "video", "audio", "text", "html", "url", "pdf"]

    /// A task's key: the value of `data` a label config shows (`$image`, `$text`...). The
    /// first string of `data` as sent would be the natural choice, but JSON objects keep no
    /// order here, so it is the first string of the usual media members, else the string
    /// member whose name sorts first: the same task always gets the same key.
    static func key(in data: [String: JSONValue]?) -> String? {
        guard let data else { return nil }
        let names = mediaKeys.filter { data[$0] != nil } + data.keys.sorted()
        return names.lazy.compactMap { data[$0]?.stringValue }.first
    }
}
