import ExportGateway
import Foundation

extension LabelStudioSimulator {
    static let notAuthenticated = "Authentication credentials were not provided."
    static let permissionDenied = "You do not have permission to perform this action."
    static let noProject = "No Project matches the given query."
    static let invalidPage = "Invalid page."

    /// Label Studio's error envelope (`core.utils.common.custom_exception_handler`): a fresh
    /// UUID `id` per error, `status_code`, `version`, `detail`, `exc_info: null`, and
    /// `validation_errors` (with `detail` "Validation error") for field errors.
    static func envelope(
        _ status: Int, _ detail: String, validationErrors: OrderedJSON? = nil, headers: HTTPHeaders = [:]
    ) -> HTTPResponse {
        var body: OrderedJSON = [
            "id": .string(UUID().uuidString.lowercased()), "status_code": .int(status), "version": .string(release),
            "detail": .string(detail), "exc_info": nil,
        ]
        if let validationErrors { body = body.setting("validation_errors", validationErrors) }
        return drf(status, body, headers: headers)
    }

    /// A 400 for field errors: `detail` "Validation error" and the fields' messages, nested as
    /// the request nests them.
    static func validation(_ errors: OrderedJSON) -> HTTPResponse {
        envelope(400, "Validation error", validationErrors: errors)
    }

    /// The few errors that skip the envelope: a bare `{"detail": …}`.
    static func bare(_ status: Int, _ detail: String) -> HTTPResponse {
        drf(status, ["detail": .string(detail)])
    }

    /// A Django REST Framework answer: compact JSON, fields in the serializer's order.
    static func drf(_ status: Int, _ body: OrderedJSON, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return HTTPResponse(status: status, headers: headers, body: body.written(.compact))
    }

    /// 401 for a missing, unknown, expired or refused credential, with DRF's challenge.
    static func unauthorized(_ detail: String) -> HTTPResponse {
        envelope(401, detail, headers: ["WWW-Authenticate": "Token"])
    }

    /// Django's 404 page, which every not-found of a route without a trailing slash becomes
    /// (the append-slash middleware retries with a slash and finds no route): 170,734 bytes of
    /// `text/html`, whatever the request's `Accept`.
    static var htmlNotFound: HTTPResponse {
        HTTPResponse(status: 404, headers: ["Content-Type": "text/html; charset=utf-8"], body: notFoundPage)
    }

    /// The page's size on the real server.
    static let notFoundPageSize = 170_734

    static let notFoundPage: Data = {
        // The template's first lines are blank, then `<!doctype html>` in lower case.
        let head = """



            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=0.9, shrink-to-fit=no">
              <title>404 | Label Studio</title>
              <style>body{font-family:sans-serif;margin:0}.error-page{padding:64px;text-align:center}</style>
            </head>
            <body>
              <div class="error-page">
                <h1>404</h1>
                <h2>Page not found</h2>
                <p>The page you are looking for does not exist.</p>
              </div>

            """
        let tail = "\n</body>\n</html>\n"
        // The real page inlines the app's bundles; filler of the same weight stands in for them.
        let open = "<script type=\"application/json\" id=\"app-settings\">"
        let close = "</script>"
        let fill = notFoundPageSize - head.utf8.count - tail.utf8.count - open.utf8.count - close.utf8.count
        let pattern = Array("/* label-studio frontend bundle placeholder */ ".utf8)
        var filler = [UInt8]()
        filler.reserveCapacity(fill)
        while filler.count < fill { filler.append(pattern[filler.count % pattern.count]) }
        return Data(head.utf8) + Data(open.utf8) + Data(filler) + Data(close.utf8) + Data(tail.utf8)
    }()

    /// `str(value)` in Python, as DRF's choice errors quote it.
    static func pythonString(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): "\(number)"
        case .bool(let flag): flag ? "True" : "False"
        case .null: "None"
        case .array(let elements): "[" + elements.map(pythonRepr).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.keys.sorted().map { "'\($0)': \(pythonRepr(members[$0] ?? .null))" }.joined(separator: ", ")
                + "}"
        }
    }

    private static func pythonRepr(_ value: JSONValue) -> String {
        if case .string(let text) = value { return pythonRepr(text) }
        return pythonString(value)
    }

    /// `repr(text)` in Python: single quotes unless the text has one and no double quote.
    static func pythonRepr(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where Character(scalar) == quote: out += "\\" + String(quote)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + String(quote)
    }

    /// Label Studio's shapes for injected faults: the envelope for refusals, a tasks page's
    /// `tasks` and a projects page's `results` for list fields, exports' `status`.
    static var faultShapes: VendorFaultShapes {
        VendorFaultShapes(
            refusal: { refusal in
                switch refusal {
                case .rateLimited(let seconds):
                    envelope(429, "Request was throttled. Expected available in \(seconds) seconds.")
                case .serverError: envelope(500, "")
                case .unauthorized: unauthorized(notAuthenticated)
                case .fieldErrors:
                    validation([
                        "title": ["Ensure this field has no more than 2048 characters."],
                        "task_filter_options": ["annotated": ["\"yes\" is not a valid choice."]],
                    ])
                }
            },
            edit: { edit, request, answer in
                switch edit {
                case .removeListField:
                    answer.editingJSON { $0.removing("tasks") ?? $0.removing("results") }
                case .statusWord(let word):
                    // Converted formats have status words too; only the exports' are the fault's.
                    request.rawPath.contains("/exports") && !request.rawPath.hasSuffix("/convert")
                        ? answer.editingJSON { $0.reportingStatus(word) } : nil
                }
            })
    }
}
