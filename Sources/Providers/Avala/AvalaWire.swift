import ExportGateway
import Foundation

// Avala's JSON objects as they arrive (snake_case), read through `WireValue`. What Avala
// always sends is required: a page's `results`, an object's `uid`, a dataset's `slug`. The
// other fields are optional, because Avala's docs and SDK disagree on which exist
// (protocol notes, section 7): absent or `null` reads as unknown, but a field that is there
// with another type is a decoding error, not a silent blank. Each struct keeps the whole
// object as `raw`, for `providerFields`.

/// One list page: `{"next": url|null, "previous": url|null, "results": [...]}`.
struct AvalaPageWire<Element: Sendable>: Sendable {
    /// The page's elements. `results` is required: a page without it is not an empty page
    /// (the SDK would read it as one, and a pipeline would quietly process nothing).
    var results: [Element]
    /// The cursor token for the following page, taken from `next`; `nil` on the last page.
    var nextToken: String?

    init(_ page: WireValue, element: (WireValue) throws -> Element) throws {
        results = try page.required("results").elements().map(element)
        nextToken = AvalaPaging.token(fromNext: try page.optional("next")?.string())
    }
}

/// An export object (`/exports/`, `/exports/{uid}/`).
struct AvalaExportWire: Sendable {
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

    init(_ value: WireValue) throws {
        uid = try AvalaWireFields.uid(in: value)
        name = try value.optional("name")?.string()
        format = try value.optional("format")?.string()
        // Optional: Avala's SDK model allows a missing or null status (protocol notes, 4.1).
        status = try value.optional("status")?.string()
        totalTaskCount = try value.optional("total_task_count")?.integer()
        exportedTaskCount = try value.optional("exported_task_count")?.integer()
        downloadURL = try value.optional("download_url")?.string()
        datasets = try AvalaWireFields.strings(value.optional("datasets"))
        projects = try AvalaWireFields.strings(value.optional("projects"))
        createdAt = try AvalaWireFields.date(value.optional("created_at"))
        updatedAt = try AvalaWireFields.date(value.optional("updated_at"))
        raw = value.json
    }
}

/// A dataset item or sequence (`.../items/`, `.../sequences/` and their detail views).
///
/// Items carry the SDK's `url` or the docs' `data_url`; sequences carry `featured_image`.
struct AvalaItemWire: Sendable {
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

    init(_ value: WireValue) throws {
        uid = try AvalaWireFields.uid(in: value)
        key = try value.optional("key")?.string()
        status = try value.optional("status")?.string()
        url = try value.optional("url")?.string()
        dataURL = try value.optional("data_url")?.string()
        featuredImage = try value.optional("featured_image")?.string()
        // Passed through to the caller as they are, whatever their shape.
        metadata = try value.optional("metadata")?.json
        annotations = try value.optional("annotations")?.json
        createdAt = try AvalaWireFields.date(value.optional("created_at"))
        raw = value.json
    }
}

/// A dataset (`/datasets/{uid}/`, `/datasets/{owner}/{slug}/`): only what addressing needs.
struct AvalaDatasetWire: Sendable {
    var uid: String
    var slug: String
    /// `null` for a dataset with no owner handle (protocol notes, 2.2).
    var ownerName: String?

    init(_ value: WireValue) throws {
        uid = try value.required("uid").string()
        slug = try value.required("slug").string()
        ownerName = try value.optional("owner_name")?.string()
    }
}

/// Field readers Avala's objects share.
enum AvalaWireFields {
    /// The object's `uid`: a non-empty string, required by the SDK's every model.
    static func uid(in value: WireValue) throws -> String {
        let field = try value.required("uid")
        let uid = try field.string()
        guard !uid.isEmpty else { throw field.mismatch("a non-empty string") }
        return uid
    }

    /// An array of uid strings, such as `datasets`.
    static func strings(_ value: WireValue?) throws -> [String]? {
        try value?.elements().map { try $0.string() }
    }

    /// A timestamp. It must be a string, but one that is not ISO-8601 reads as unknown: a
    /// timestamp only informs, so an odd one should not fail the whole answer.
    static func date(_ value: WireValue?) throws -> Date? {
        guard let text = try value?.string() else { return nil }
        return ISO8601.date(from: text)
    }
}
