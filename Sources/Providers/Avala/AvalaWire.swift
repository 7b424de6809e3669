import ExportGateway
import Foundation

// Avala's JSON objects as they arrive (snake_case). Only `uid` is required; every other
// field is optional and an unexpected type in one is ignored rather than fatal, because
// Avala's docs and SDK disagree on which fields exist (protocol notes, section 7). Each
// struct also keeps the whole object as `raw`, for `providerFields`.

/// One list page: `{"next": url|null, "previous": url|null, "results": [...]}`.
struct AvalaPageWire<Element: Decodable & Sendable>: Decodable, Sendable {
    /// The page's elements; a missing or null `results` is an empty page.
    var results: [Element]
    /// The cursor token for the following page, taken from `next`; `nil` on the last page.
    var nextToken: String?

    private enum CodingKeys: String, CodingKey { case next, results }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        results = try container.decodeIfPresent([Element].self, forKey: .results) ?? []
        nextToken = AvalaPaging.token(fromNext: container.optionalValue(String.self, forKey: .next))
    }
}

/// An export object (`/exports/`, `/exports/{uid}/`).
struct AvalaExportWire: Decodable, Sendable {
    var uid: String
    var name: String?
    var format: String?
    var status: String?
    var totalTaskCount: Int64?
    var exportedTaskCount: Int64?
    var downloadURL: String?
    var datasets: [String]?
    var projects: [String]?
    var createdAt: Date?
    var updatedAt: Date?
    var raw: JSONValue

    private enum CodingKeys: String, CodingKey {
        case uid, name, format, status, datasets, projects
        case totalTaskCount = "total_task_count"
        case exportedTaskCount = "exported_task_count"
        case downloadURL = "download_url"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        uid = try container.decode(String.self, forKey: .uid)
        name = container.optionalValue(String.self, forKey: .name)
        format = container.optionalValue(String.self, forKey: .format)
        status = container.optionalValue(String.self, forKey: .status)
        totalTaskCount = container.optionalValue(Int64.self, forKey: .totalTaskCount)
        exportedTaskCount = container.optionalValue(Int64.self, forKey: .exportedTaskCount)
        downloadURL = container.optionalValue(String.self, forKey: .downloadURL)
        datasets = container.optionalValue([String].self, forKey: .datasets)
        projects = container.optionalValue([String].self, forKey: .projects)
        createdAt = container.optionalValue(Date.self, forKey: .createdAt)
        updatedAt = container.optionalValue(Date.self, forKey: .updatedAt)
        raw = try JSONValue(from: decoder)
    }
}

/// A dataset item or sequence (`.../items/`, `.../sequences/` and their detail views).
///
/// Items carry the SDK's `url` or the docs' `data_url`; sequences carry `featured_image`.
struct AvalaItemWire: Decodable, Sendable {
    var uid: String
    var key: String?
    var status: String?
    var url: String?
    var dataURL: String?
    var featuredImage: String?
    var metadata: JSONValue?
    var annotations: JSONValue?
    var createdAt: Date?
    var raw: JSONValue

    private enum CodingKeys: String, CodingKey {
        case uid, key, status, url, metadata, annotations
        case dataURL = "data_url"
        case featuredImage = "featured_image"
        case createdAt = "created_at"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        uid = try container.decode(String.self, forKey: .uid)
        key = container.optionalValue(String.self, forKey: .key)
        status = container.optionalValue(String.self, forKey: .status)
        url = container.optionalValue(String.self, forKey: .url)
        dataURL = container.optionalValue(String.self, forKey: .dataURL)
        featuredImage = container.optionalValue(String.self, forKey: .featuredImage)
        metadata = container.optionalValue(JSONValue.self, forKey: .metadata)
        annotations = container.optionalValue(JSONValue.self, forKey: .annotations)
        createdAt = container.optionalValue(Date.self, forKey: .createdAt)
        raw = try JSONValue(from: decoder)
    }
}

/// A dataset (`/datasets/{uid}/`, `/datasets/{owner}/{slug}/`): only what addressing needs.
struct AvalaDatasetWire: Decodable, Sendable {
    var uid: String?
    var slug: String?
    var ownerName: String?

    private enum CodingKeys: String, CodingKey {
        case uid, slug
        case ownerName = "owner_name"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        uid = container.optionalValue(String.self, forKey: .uid)
        slug = container.optionalValue(String.self, forKey: .slug)
        ownerName = container.optionalValue(String.self, forKey: .ownerName)
    }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or `nil` when it is missing, `null` or not a `T`.
    func optionalValue<T: Decodable>(_ type: T.Type, forKey key: Key) -> T? {
        (try? decodeIfPresent(type, forKey: key)) ?? nil
    }
}
