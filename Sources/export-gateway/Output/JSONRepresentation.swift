import ExportGateway
import Foundation

/// The `--json` shapes of the library's values: stable field names in camelCase, dates in
/// ISO 8601, absent values left out, and the vendor's own object under `providerFields`
/// so nothing the vendor said is lost.
///
/// A result's signed URL is included (under `download.url`) because the vendor's object
/// often carries it too; it grants the file, never the API, and it expires.
enum JSONRepresentation {
    /// An export as a JSON object.
    static func export(_ export: Export) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(export.id.rawValue),
            "provider": .string(export.provider.rawValue),
            "status": .string(export.status.description),
            "downloadable": .bool(export.status == .completed),
            "providerFields": export.providerFields,
        ]
        object["name"] = export.name.map(JSONValue.string)
        object["rawStatus"] = export.rawStatus.map(JSONValue.string)
        object["format"] = export.format.map { .string($0.rawValue) }
        object["source"] = export.source.map(source)
        object["createdAt"] = export.createdAt.map(date)
        object["updatedAt"] = export.updatedAt.map(date)
        object["failureReason"] = export.failureReason.map(JSONValue.string)
        if let progress = export.progress {
            object["progress"] = .object(
                ["completed": .int(progress.completed), "total": progress.total.map(JSONValue.int) ?? .null])
        }
        if let location = export.downloadLocation {
            var download: [String: JSONValue] = ["url": .string(location.url.absoluteString)]
            download["fileName"] = location.fileName.map(JSONValue.string)
            download["byteCount"] = location.byteCount.map(JSONValue.int)
            download["expiresAt"] = location.expiresAt.map(date)
            object["download"] = .object(download)
        }
        return .object(object)
    }

    /// An item as a JSON object.
    static func item(_ item: Item) -> JSONValue {
        var object = normalizedMembers(of: item)
        object["providerFields"] = item.providerFields
        return .object(object)
    }

    /// An item's members but `providerFields`.
    private static func normalizedMembers(of item: Item) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "id": .string(item.id.rawValue),
            "kind": .string(item.kind.rawValue),
        ]
        object["key"] = item.key.map(JSONValue.string)
        object["dataset"] = item.dataset.map { .string($0.rawValue) }
        object["status"] = item.status.map { .string($0.description) }
        object["rawStatus"] = item.rawStatus.map(JSONValue.string)
        object["mediaURL"] = item.mediaURL.map { .string($0.absoluteString) }
        object["metadata"] = item.metadata
        object["annotations"] = item.annotations
        object["createdAt"] = item.createdAt.map(date)
        return object
    }

    /// An item as one NDJSON line (without its newline): ``item(_:)`` serialized, but with
    /// the vendor's own text for `providerFields`, `metadata` and `annotations` where the
    /// item kept it, instead of decoding and encoding the row again. Members stay in the
    /// order ``JSONValue/serialized(sortingKeys:)`` sorts them; objects inside the vendor's
    /// text keep the vendor's order.
    static func itemLine(_ item: Item) -> Data {
        guard let text = item.providerFieldsJSON, isOneLine(text) else { return Self.item(item).serialized() }
        // Bytes, not `Data`, whose appends cost more than the rest of the line.
        var line: [UInt8] = [UInt8(ascii: "{")]
        line.reserveCapacity(text.count + 512)
        func name(_ name: StaticString) {
            if line.count > 1 { line.append(UInt8(ascii: ",")) }
            line.append(UInt8(ascii: "\""))
            line.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            line.append(UInt8(ascii: "\""))
            line.append(UInt8(ascii: ":"))
        }
        func member(_ key: StaticString, _ value: Data) {
            name(key)
            value.withUnsafeBytes { line.append(contentsOf: $0) }
        }
        func member(_ key: StaticString, _ value: JSONValue?) {
            if let value { member(key, value.serialized()) }
        }
        func member(_ key: StaticString, _ text: String?) {
            guard let text else { return }
            name(key)
            JSONValue.appendString(text, to: &line)
        }
        func member(_ key: StaticString, _ text: DeferredMemberText, else value: @autoclosure () -> JSONValue?) {
            switch text {
            case .text(let data) where isOneLine(data): member(key, data)
            case .absent: break
            default: member(key, value())
            }
        }
        // In the order `serialized()` sorts the members of ``item(_:)``.
        member("annotations", item.annotationsText, else: item.annotations)
        member("createdAt", item.createdAt.map(ISO8601.string(from:)))
        member("dataset", item.dataset?.rawValue)
        member("id", item.id.rawValue)
        member("key", item.key)
        member("kind", item.kind.rawValue)
        member("mediaURL", item.mediaURLString)
        member("metadata", item.metadataText, else: item.metadata)
        member("providerFields", text)
        member("rawStatus", item.rawStatus)
        member("status", item.status?.description)
        line.append(UInt8(ascii: "}"))
        return Data(line)
    }

    /// Whether JSON text holds no line break (outside strings, where JSON allows none, it
    /// may: a pretty-printed array element), so it fits on one NDJSON line as it is.
    private static func isOneLine(_ text: Data) -> Bool {
        text.withUnsafeBytes { bytes in !bytes.contains { $0 == 0x0A || $0 == 0x0D } }
    }

    /// What a provider can do, as a JSON object.
    static func capabilities(_ capabilities: ProviderCapabilities) -> JSONValue {
        .object([
            "listsExports": .bool(capabilities.listsExports),
            "deletesExports": .bool(capabilities.deletesExports),
            "exportsDatasets": .bool(capabilities.exportsDatasets),
            "exportsProjects": .bool(capabilities.exportsProjects),
            "formats": .array(capabilities.formats.map(\.rawValue).sorted().map(JSONValue.string)),
            "filters": .array(capabilities.filters.sorted().map { .string($0.description) }),
            "itemKinds": .array(capabilities.itemKinds.map(\.rawValue).sorted().map(JSONValue.string)),
            "streamsRecords": .bool(capabilities.streamsRecords),
            "rangedDownloads": .bool(capabilities.rangedDownloads),
            "idempotentCreate": .bool(capabilities.idempotentCreate),
            "readsExportsByName": .bool(capabilities.readsExportsByName),
        ])
    }

    private static func source(_ source: ExportSource) -> JSONValue {
        switch source {
        case .dataset(let dataset): .object(["dataset": .string(dataset.rawValue)])
        case .project(let project): .object(["project": .string(project)])
        }
    }

    private static func date(_ date: Date) -> JSONValue { .string(ISO8601.string(from: date)) }
}
