import ExportGateway
import Foundation

// Label Studio's JSON objects as they arrive, read through `WireValue`. What Label Studio
// always sends is required (an export's `id` and `status`, a task's `id`, a list's list);
// everything else is optional: absent or `null` reads as unknown, but a field of another
// type is a decoding error, not a silent blank. Exports and tasks keep the whole object.

/// An export snapshot (`/api/projects/{pid}/exports/`, `.../exports/{eid}`).
struct LabelStudioExportWire: Sendable {
    var id: Int64
    var title: String?
    var status: String
    var createdAt: Date?
    var finishedAt: Date?
    var taskCount: Int64?
    var conversions: [Conversion]
    var raw: JSONValue

    /// One `converted_formats` entry: a conversion made with `/convert`, with its traceback
    /// when it failed.
    struct Conversion: Sendable {
        var exportType: String?
        var status: String?
        var traceback: String?
    }

    init(_ value: WireValue) throws {
        id = try LabelStudioWireFields.id(in: value)
        title = try value.optional("title")?.string()
        status = try value.required("status").string()
        createdAt = try LabelStudioWireFields.date(value.optional("created_at"))
        finishedAt = try LabelStudioWireFields.date(value.optional("finished_at"))
        taskCount = try value.optional("counters")?.optional("task_number")?.integer()
        conversions =
            try value.optional("converted_formats")?.elements().map { entry in
                Conversion(
                    exportType: try entry.optional("export_type")?.string(),
                    status: try entry.optional("status")?.string(), traceback: try entry.optional("traceback")?.string()
                )
            } ?? []
        raw = value.json
    }
}

/// A task (`/api/tasks/` elements, `/api/tasks/{id}/`).
struct LabelStudioTaskWire: Sendable {
    var id: Int64
    var data: [String: JSONValue]?
    var isLabeled: Bool?
    var project: Int64?
    var meta: JSONValue?
    var annotations: JSONValue?
    var createdAt: Date?
    var raw: JSONValue

    init(_ value: WireValue) throws {
        id = try LabelStudioWireFields.id(in: value)
        data = try value.optional("data")?.members()
        isLabeled = try LabelStudioWireFields.bool(value.optional("is_labeled"))
        project = try value.optional("project")?.integer()
        // Passed through to the caller as they are, whatever their shape.
        meta = try value.optional("meta")?.json
        annotations = try value.optional("annotations")?.json
        createdAt = try LabelStudioWireFields.date(value.optional("created_at"))
        raw = value.json
    }
}

/// One page of `/api/tasks/`: `{"total_annotations", "total_predictions", "total", "tasks"}`.
struct LabelStudioTasksPageWire: Sendable {
    /// Required: a page without its list is not an empty page.
    var tasks: [LabelStudioTaskWire]
    /// Tasks in the project, when said.
    var total: Int64?

    init(_ value: WireValue) throws {
        tasks = try value.required("tasks").elements().map(LabelStudioTaskWire.init)
        total = try value.optional("total")?.integer()
    }
}

/// One page of `/api/projects/` (Django REST Framework's page envelope), ids only.
struct LabelStudioProjectsPageWire: Sendable {
    var ids: [Int64]
    /// Whether `next` names another page.
    var hasNext: Bool

    init(_ value: WireValue) throws {
        ids = try value.required("results").elements().map(LabelStudioWireFields.id(in:))
        hasNext = try value.optional("next")?.string() != nil
    }
}

/// `/api/projects/{pid}/export/formats`: the format names a project offers, without the ones
/// it lists as `disabled`.
struct LabelStudioFormatsWire: Sendable {
    var offered: [String]

    init(_ value: WireValue) throws {
        offered = try value.elements().compactMap { format in
            let name = try format.required("name").string()
            return try LabelStudioWireFields.bool(format.optional("disabled")) == true ? nil : name
        }
    }
}

/// `/api/token/refresh/`: `{"access": "<JWT>"}`.
struct LabelStudioAccessWire: Sendable {
    var access: String

    init(_ value: WireValue) throws {
        let field = try value.required("access")
        access = try field.string()
        guard !access.isEmpty else { throw field.mismatch("a non-empty string") }
    }
}

/// Field readers Label Studio's objects share.
enum LabelStudioWireFields {
    /// The object's `id`: an integer.
    static func id(in value: WireValue) throws -> Int64 {
        try value.required("id").integer()
    }

    /// A Boolean, when present.
    static func bool(_ value: WireValue?) throws -> Bool? {
        guard let value else { return nil }
        guard let flag = value.json.boolValue else { throw value.mismatch("a Boolean") }
        return flag
    }

    /// A timestamp. It must be a string, but one that is not ISO-8601 reads as unknown: a
    /// timestamp only informs.
    static func date(_ value: WireValue?) throws -> Date? {
        guard let text = try value?.string() else { return nil }
        return ISO8601.date(from: text)
    }
}
