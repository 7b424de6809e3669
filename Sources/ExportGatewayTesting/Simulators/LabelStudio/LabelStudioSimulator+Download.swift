import ExportGateway
import Foundation

extension LabelStudioSimulator {
    /// `GET /api/projects/{id}/exports/{eid}/download[?exportType=]` (§5.1–5.3): the stored
    /// snapshot, or a conversion of it made on this request, from the API itself with the API
    /// credential. A whole file goes out with `Connection: close` and no `Content-Length`: the
    /// body ends when the connection closes. `Range` answers 206, except that an
    /// unsatisfiable, multiple or malformed range gets the whole file with 200 (never 416).
    /// Not completed, unknown or another project's: 404 (the HTML page).
    func download(_ projectID: Int, _ exportID: Int, _ request: SimulatedRequest, user: User) -> HTTPResponse {
        let now = host.time.now
        let found: (record: ExportRecord, project: Project)? = state.withLock { state in
            guard let project = state.project(projectID),
                let record = state.exports.first(where: { $0.id == exportID && $0.projectID == projectID })
            else { return nil }
            return (record, project)
        }
        guard let (record, project) = found else { return Self.envelope(404, "Not found.") }
        guard !user.removed else { return Self.envelope(403, Self.permissionDenied) }
        guard !record.isHeld(at: now), record.status == "completed", let file = record.file,
            let fileName = record.fileName
        else {
            return .text(404, "Export is not completed")
        }
        let stem = String(fileName.dropLast(".json".count))
        var headers: HTTPHeaders = [:]
        let body: Data
        let name: String
        if let format = Self.query(request, "exportType") {
            switch convertedFile(file, to: format, project: project, stamp: zipStamp(record.createdAt)) {
            case .file(let data, let type, let ext):
                body = data
                headers["Content-Type"] = type
                name = format == "JSON" ? fileName : "\(stem).\(ext)"
            case .noFile:
                return .text(404, "Export is not completed")
            case .unknown:
                return Self.envelope(500, "")
            }
        } else {
            body = file
            headers["Content-Type"] = "application/json"
            name = "export/\(projectID)/\(fileName)"
        }
        headers["Content-Disposition"] = "attachment; filename=\"\(name)\""
        headers["filename"] = name
        var status = 200
        if let header = request.headers["Range"] {
            // RangedFileResponse says it takes ranges whenever one was asked for.
            headers["Accept-Ranges"] = "bytes"
            switch Self.byteRange(header, size: body.count) {
            case .partial(let range):
                headers["Content-Range"] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(body.count)"
                headers["Content-Length"] = String(range.count)
                return HTTPResponse(status: 206, headers: headers, body: body.subdata(in: range))
            case .unsatisfiable:
                // Only the status changes: the whole file still follows.
                status = 416
            case .whole:
                break
            }
        }
        // A streamed file: no length, the connection's close ends it (see ResponseHead).
        headers["Connection"] = "close"
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    /// What `RangedFileResponse` makes of a `Range` header.
    enum RangeAnswer: Equatable {
        /// 206 with these bytes.
        case partial(Range<Int>)
        /// 416, still with the whole file: one range that starts at or past the end.
        case unsatisfiable
        /// 200 with the whole file: anything it cannot or will not serve as one range.
        case whole
    }

    /// `Range` as django-ranged-fileresponse 0.1.2 reads it in a file of `size` bytes: the
    /// unit before the first `=` (any case, spaces around), then comma-separated specs,
    /// each stripped, their numbers read by Python's `int`. `-n` is the last n bytes (from
    /// 0 when n is larger); `a-` to the end; `a-b` clipped to the end. A spec without `-`, a
    /// number `int` refuses, `a-b` with b < a, or more than one range: the whole file. One
    /// range starting at or past the end (`-0`, `size-size`): 416.
    static func byteRange(_ header: String, size: Int) -> RangeAnswer {
        guard let equals = header.firstIndex(of: "=") else { return .whole }
        let unit = header[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        guard unit == "bytes" else { return .whole }
        var ranges: [(start: Int, stop: Int)] = []
        for part in header[header.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false) {
            let spec = part.trimmingCharacters(in: .whitespaces)
            guard spec.contains("-") else { return .whole }
            if spec.hasPrefix("-") {
                guard let suffix = pythonInt(spec) else { return .whole }
                let (start, overflow) = size.addingReportingOverflow(suffix)
                ranges.append((overflow ? 0 : max(0, start), size))
            } else {
                let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
                guard let start = pythonInt(String(bounds[0])) else { return .whole }
                let stop: Int
                if bounds[1].isEmpty {
                    stop = size
                } else {
                    guard let last = pythonInt(String(bounds[1])) else { return .whole }
                    stop = last == Int.max ? last : last + 1
                }
                guard start < stop else { return .whole }
                ranges.append((start, stop))
            }
        }
        guard ranges.count == 1, let range = ranges.first else { return .whole }
        guard range.start < size else { return .unsatisfiable }
        return .partial(range.start..<min(range.stop, size))
    }

    /// When a converted zip says it was made: the snapshot's time, or with
    /// ``zipsDifferPerRequest`` a later time on every request (two seconds apart, MS-DOS's
    /// resolution), so no two zips are the same.
    func zipStamp(_ created: Date) -> Date {
        guard zipsDifferPerRequest else { return created }
        let count = state.withLock { state in
            state.zipsWritten += 1
            return state.zipsWritten
        }
        return host.time.now.addingTimeInterval(2 * Double(count))
    }

    /// `GET /api/projects/{id}/export?exportType=` (§5.7), the simple synchronous export:
    /// tasks with an annotation (skipped ones count) unless `download_all_tasks=true`, only
    /// `ids[]` when given, as compact JSON (or converted); `Content-Type: application/.json`
    /// (the dot is Label Studio's), a `Content-Length`, and `Range` ignored. Empty query
    /// values are none; an `ids[]` that is no number is a 500; a format that makes no file
    /// is an empty zip.
    func synchronousExport(_ projectID: Int, _ request: SimulatedRequest, user: User) -> HTTPResponse {
        guard let project = state.withLock({ $0.project(projectID) }) else { return Self.envelope(404, Self.noProject) }
        guard !user.removed else { return Self.envelope(403, Self.permissionDenied) }
        var errors: [OrderedJSON.Member] = []
        var flags: [String: Bool] = [:]
        for field in ["download_all_tasks", "download_resources"] {
            // DRF reads an empty query value of an optional field as no value.
            guard let text = Self.query(request, field), !text.isEmpty else { continue }
            if let flag = Self.boolean(.string(text)) {
                flags[field] = flag
            } else {
                errors.append(.init(key: field, value: ["Must be a valid boolean."]))
            }
        }
        guard errors.isEmpty else { return Self.validation(.object(errors)) }
        // `ids[]` goes into the query as it is: the first one `int` refuses crashes it.
        var ids: Set<Int>?
        let idTexts = Self.queryValues(request, "ids[]")
        if !idTexts.isEmpty {
            if let wrong = idTexts.first(where: { Self.pythonInt($0) == nil }) {
                return Self.envelope(500, "Field 'id' expected a number but got \(Self.pythonRepr(wrong)).")
            }
            ids = Set(idTexts.compactMap(Self.pythonInt))
        }
        let all = flags["download_all_tasks"] ?? false
        var tasks: [OrderedJSON] = []
        for index in 0..<project.taskCount {
            let task = LabelStudioFixtures.task(index, of: project)
            guard all || !task.annotations.isEmpty, ids.map({ $0.contains(task.id) }) ?? true else { continue }
            tasks.append(
                LabelStudioFixtures.exportJSON(
                    task, annotations: task.annotations, expandUser: false, expandPredictions: false))
        }
        let json = OrderedJSON.array(tasks).written(.compact)
        // Two optional CharFields: trimmed, and an empty one is none.
        let given = { (name: String) in
            Self.query(request, name).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap {
                $0.isEmpty ? nil : $0
            }
        }
        let format = given("exportType") ?? given("export_type") ?? "JSON"
        let body: Data
        let type: String
        let ext: String
        switch format == "JSON"
            ? .file(json, type: "application/json", ext: "json")
            : convertedFile(json, to: format, project: project, stamp: zipStamp(host.time.now))
        {
        case .file(let data, let contentType, let extensionName):
            body = data
            // The simple export names the type after the extension, dot included.
            type = contentType == "application/zip" ? contentType : "application/.\(extensionName)"
            ext = extensionName
        case .noFile:
            // The converter's empty output folder, zipped: an archive of no entries.
            body = ZipArchive.make([], modified: host.time.now)
            type = "application/zip"
            ext = "zip"
        case .unknown: return Self.envelope(500, "")
        }
        let name =
            "project-\(project.id)-at-\(LabelStudioFixtures.minuteStamp(host.time.now))-\(MD5.hex(body).prefix(8)).\(ext)"
        return HTTPResponse(
            status: 200,
            headers: [
                "Content-Type": type, "Content-Disposition": "attachment; filename=\"\(name)\"", "filename": name,
                "Content-Length": String(body.count),
            ], body: body)
    }
}
