import ExportGateway

extension JSONValue {
    /// Python's name for this value's type, as the messages of Django REST framework servers
    /// (Avala's, Label Studio's) say it: `dict`, `list`, `NoneType`...
    var pythonTypeName: String {
        switch self {
        case .string: "str"
        case .int: "int"
        case .double: "float"
        case .bool: "bool"
        case .object: "dict"
        case .array: "list"
        case .null: "NoneType"
        }
    }
}
