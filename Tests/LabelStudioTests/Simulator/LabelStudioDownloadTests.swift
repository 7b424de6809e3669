import ExportGateway
import ExportGatewayTesting
import Foundation
import Testing

@testable import ExportGatewayTesting

/// Checklist points 10 (download and Range), 11 (`exportType`) and 18 (the simple
/// synchronous export).
@Suite("Label Studio simulator: downloads")
struct LabelStudioDownloadTests {
    let client = LabelStudioClient()
    var simulator: LabelStudioSimulator { client.simulator }

    /// A project of 250 tasks and one completed export of it: (project, export id, md5).
    func snapshot(_ client: LabelStudioClient? = nil) async throws -> (String, Int64, String) {
        let client = client ?? self.client
        let project = client.simulator.seedDataset(named: "Images bbox", itemCount: 250)
        let export = try await client.createExport(project)
        return (project, try #require(export["id"]?.intValue), try #require(export["md5"]?.stringValue))
    }

    @Test func downloadIsTheStoredOneLineSnapshotEndedByTheConnection() async throws {
        let (project, id, md5) = try await snapshot()
        let response = try await client.send(.get, "/api/projects/\(project)/exports/\(id)/download")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        let name = try #require(response.headers["filename"])
        #expect(name == "export/\(project)/project-\(project)-at-2025-01-15-09-30-\(md5.prefix(8)).json")
        #expect(response.headers["Content-Disposition"] == "attachment; filename=\"\(name)\"")
        #expect(response.headers["Connection"] == "close")
        #expect(response.headers["Content-Length"] == nil && response.headers["ETag"] == nil)
        #expect(response.headers["Accept-Ranges"] == nil && response.headers["Last-Modified"] == nil)
        #expect(response.headers["Allow"] == "GET, HEAD, OPTIONS")
        #expect(!response.body.contains(UInt8(ascii: "\n")), "one line, no newline at all")
        let text = try #require(response.bodyText)
        #expect(text.hasPrefix("[{\"id\": 1, \"annotations\": [{\"id\": 1, \"completed_by\": 1, \"result\": ["))
        #expect(text.contains("}, {\"id\": 2, "))
        #expect(MD5.hex(response.body) == md5, "md5 is the digest of the file")
        let tasks = try #require(try LabelStudioClient.json(response).arrayValue)
        #expect(tasks.count == 250)
        let box = try #require(tasks[0]["annotations"]?[0]?["result"]?[0])
        #expect(box["type"] == "rectanglelabels" && box["original_width"] == 1280 && box["original_height"] == 720)
        let x = try #require(box["value"]?["x"]?.doubleValue)
        #expect((0...100).contains(x))
        #expect(tasks[1]["predictions"] == [2], "predictions are ids unless asked otherwise")

        let head = try await client.send(.head, "/api/projects/\(project)/exports/\(id)/download")
        #expect(head.status == 200 && head.body.isEmpty && head.headers["Content-Length"] == nil)
        #expect(head.headers["filename"] == name)
    }

    /// Seen on 1.23.2: a stored task has `allow_skip` and no `file_upload`, in this order;
    /// imported tasks and annotations have `updated_by: null`.
    @Test func storedTasksHaveTheFieldsOfARealSnapshot() async throws {
        let (project, id, _) = try await snapshot()
        let response = try await client.send(.get, "/api/projects/\(project)/exports/\(id)/download")
        let tasks = try #require(try LabelStudioClient.json(response).arrayValue)
        let fields = [
            "id", "annotations", "drafts", "predictions", "data", "meta", "created_at", "updated_at", "allow_skip",
            "inner_id", "total_annotations", "cancelled_annotations", "total_predictions", "comment_count",
            "unresolved_comment_count", "last_comment_updated_at", "project", "updated_by", "comment_authors",
        ]
        #expect(Set(try #require(tasks[0].objectValue).keys) == Set(fields))
        // Task 3 has no annotation: each of its keys appears once.
        let text = try #require(response.bodyText)
        let start = try #require(text.range(of: "{\"id\": 3, ")?.lowerBound)
        let end = try #require(text.range(of: "}, {\"id\": 4, ")?.lowerBound)
        let third = String(text[start..<end])
        let positions = fields.map { third.range(of: "\"\($0)\": ")?.lowerBound }
        #expect(positions.compactMap { $0 }.count == fields.count)
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "in the real order")
        #expect(tasks[0]["allow_skip"] == true && tasks[0]["updated_by"] == .null)
        #expect(tasks[0]["annotations"]?[0]?["updated_by"] == .null)
    }

    @Test func downloadNeedsTheAPICredential() async throws {
        let (project, id, _) = try await snapshot()
        let response = try await client.send(.get, "/api/projects/\(project)/exports/\(id)/download", credential: .none)
        try LabelStudioClient.expectEnvelope(response, 401, "Authentication credentials were not provided.")
    }

    @Test func rangesAnswer206AndAnythingOddTheWholeFileWith200() async throws {
        let (project, id, _) = try await snapshot()
        let path = "/api/projects/\(project)/exports/\(id)/download"
        let whole = try await client.send(.get, path).body
        let size = whole.count
        let ranged: [(String, Range<Int>)] = [
            ("bytes=0-99", 0..<100), ("bytes=-50", (size - 50)..<size), ("bytes=100000-", 100_000..<size),
            ("bytes=0-", 0..<size), ("bytes=0-99999999", 0..<size), ("bytes=5-5", 5..<6),
        ]
        for (header, range) in ranged {
            let response = try await client.send(.get, path, headers: ["Range": header, "If-Range": "\"wrong\""])
            #expect(response.status == 206, "\(header)")
            #expect(response.headers["Content-Range"] == "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(size)")
            #expect(response.headers["Content-Length"] == String(range.count))
            #expect(response.headers["Accept-Ranges"] == "bytes")
            #expect(response.body == whole.subdata(in: range))
        }
        for header in ["bytes=\(size)-", "bytes=100-50", "bytes=abc", "items=0-5", "bytes=0-9,20-29", "bytes=-"] {
            let response = try await client.send(.get, path, headers: ["Range": header])
            #expect(response.status == 200 && response.body == whole, "\(header) answered \(response.status)")
            #expect(response.headers["Content-Range"] == nil && response.headers["Content-Length"] == nil)
            // Seen on 1.23.2: any Range at all gets Accept-Ranges, even one it ignores.
            #expect(response.headers["Accept-Ranges"] == "bytes", "\(header)")
        }
        let noneMatch = try await client.send(.get, path, headers: ["If-None-Match": "*"])
        #expect(noneMatch.status == 200 && noneMatch.headers["Accept-Ranges"] == nil)
    }

    /// Seen on 1.23.2: one range that starts at or past the end (`-0`, `size-size+9`) is a
    /// 416, and the whole file still follows it, with no Content-Range and no length.
    @Test func aRangeStartingAtTheEndIs416WithTheWholeFile() async throws {
        let (project, id, _) = try await snapshot()
        let path = "/api/projects/\(project)/exports/\(id)/download"
        let whole = try await client.send(.get, path).body
        for header in ["bytes=-0", "bytes=\(whole.count)-\(whole.count + 9)"] {
            let response = try await client.send(.get, path, headers: ["Range": header])
            #expect(response.status == 416 && response.body == whole, "\(header)")
            #expect(response.headers["Accept-Ranges"] == "bytes" && response.headers["Content-Range"] == nil)
            #expect(response.headers["Connection"] == "close" && response.headers["Content-Type"] == "application/json")
        }
        let csv = try await client.send(.get, path + "?exportType=CSV", headers: ["Range": "bytes=-0"])
        #expect(csv.status == 416 && csv.headers["Content-Type"] == "application/csv")
        let upper = try await client.send(.get, path, headers: ["Range": "BYTES = 0-9"])
        #expect(upper.status == 206 && upper.body == whole.prefix(10))
    }

    @Test func exportTypeJSONIsTheSameBytesAndJSONMinIsPretty() async throws {
        let (project, id, md5) = try await snapshot()
        let path = "/api/projects/\(project)/exports/\(id)/download"
        let stored = try await client.send(.get, path)
        let json = try await client.send(.get, path + "?exportType=JSON")
        #expect(json.body == stored.body)
        #expect(json.headers["filename"] == "project-\(project)-at-2025-01-15-09-30-\(md5.prefix(8)).json")

        let minimal = try await client.send(.get, path + "?exportType=JSON_MIN")
        #expect(minimal.status == 200 && minimal.headers["Content-Type"] == "application/json")
        let text = try #require(minimal.bodyText)
        // Seen on 1.23.2: ujson.dump(indent=2) per record, slashes escaped, joined in `[\n…\n]`;
        // data in its order, the results, then the author, ids and times.
        #expect(
            text.hasPrefix(
                "[\n{\n  \"image\": \"https:\\/\\/images.example.invalid\\/img_00000.jpg\",\n  \"seq\": 0,\n"))
        #expect(text.hasSuffix("\n}\n]"))
        #expect(
            text.contains(
                "  \"label\": [\n    {\n      \"x\": 0.0,\n      \"y\": 0.0,\n      \"width\": 5.0,\n      \"height\": 5.0,\n"
                    + "      \"rotation\": 0,\n      \"rectanglelabels\": [\n        \"Car\"\n      ],\n"
                    + "      \"original_width\": 1280,\n      \"original_height\": 720\n    }\n  ],\n  \"annotator\": 1,\n"
            ))
        let records = try #require(try LabelStudioClient.json(minimal).arrayValue)
        #expect(records.count == 245, "250 tasks, 5 whose only annotation was skipped")
        #expect(records[0]["label"]?[0]?["rectanglelabels"] != nil && records[0]["annotator"] == 1)
        #expect(records[1]["label"] == nil && records[1]["id"] == 3, "task 2 (index 1) was only skipped")
        // A task without annotations still names the author, ids and times, as null.
        #expect(
            records[1] == [
                "image": "https://images.example.invalid/img_00002.jpg", "seq": 2, "id": 3, "annotator": nil,
                "annotation_id": nil, "created_at": nil, "updated_at": nil, "lead_time": nil,
            ])
        #expect(try await client.send(.get, path + "?exportType=JSON_MIN").body == minimal.body, "stable")
    }

    @Test func csvAndTsvAreTablesAndTsvIsServedAsCSV() async throws {
        let (project, id, _) = try await snapshot()
        let path = "/api/projects/\(project)/exports/\(id)/download"
        let csv = try await client.send(.get, path + "?exportType=CSV")
        let tsv = try await client.send(.get, path + "?exportType=TSV")
        for response in [csv, tsv] {
            #expect(response.status == 200 && response.headers["Content-Type"] == "application/csv")
            #expect(response.headers["filename"]?.hasSuffix(".csv") == true)
            #expect(response.headers["Connection"] == "close")
        }
        let csvText = try #require(csv.bodyText)
        // Seen on 1.23.2: sorted columns, QUOTE_NONNUMERIC (text and empty cells quoted,
        // numbers bare), the author as text, results as compact ujson.
        #expect(
            csvText.hasPrefix(
                "\"annotation_id\",\"annotator\",\"created_at\",\"id\",\"image\",\"label\",\"lead_time\",\"seq\",\"updated_at\"\r\n"
                    + "1,\"1\",\"2025-01-15T10:30:00.125500Z\",1,\"https://images.example.invalid/img_00000.jpg\","
                    + "\"[{\"\"x\"\":0.0,\"\"y\"\":0.0,\"\"width\"\":5.0,\"\"height\"\":5.0,\"\"rotation\"\":0,"
                    + "\"\"rectanglelabels\"\":[\"\"Car\"\"],\"\"original_width\"\":1280,\"\"original_height\"\":720}]\","
                    + "1.5,0,\"2025-01-15T10:30:00.125500Z\"\r\n"
                    + "\"\",\"\",\"\",3,\"https://images.example.invalid/img_00002.jpg\",\"\",\"\",2,\"\"\r\n"))
        #expect(csvText.components(separatedBy: "\r\n").count == 247, "a header, 245 rows, an empty end")
        #expect(tsv.bodyText?.hasPrefix("\"annotation_id\"\t\"annotator\"\t\"created_at\"\t\"id\"") == true)
        let sentiment = simulator.seedTextProject(named: "Sentiment CSV", itemCount: 3)
        let textExport = try #require(try await client.createExport(sentiment)["id"]?.intValue)
        let choices = try await client.send(
            .get, "/api/projects/\(sentiment)/exports/\(textExport)/download?exportType=CSV")
        #expect(
            choices.bodyText?.hasPrefix(
                "\"annotation_id\",\"annotator\",\"created_at\",\"id\",\"lead_time\",\"sentiment\",\"seq\",\"text\",\"updated_at\"\r\n"
            ) == true)
        #expect(choices.bodyText?.contains(",1.5,\"Positive\",0,\"Review 0: ") == true, "a single choice is its text")
        #expect(try await client.send(.get, path + "?exportType=CSV").body == csv.body, "stable")
        let ranged = try await client.send(.get, path + "?exportType=CSV", headers: ["Range": "bytes=0-9"])
        #expect(ranged.status == 206 && ranged.headers["Content-Range"] == "bytes 0-9/\(csv.body.count)")
    }

    @Test func zipsAreRealArchivesStableUnlessTheKnobMakesThemDiffer() async throws {
        let (project, id, _) = try await snapshot()
        let path = "/api/projects/\(project)/exports/\(id)/download"
        for (format, expected) in [
            ("COCO", ["images/", "result.json"]), ("YOLO", ["classes.txt", "notes.json", "images/"]),
            ("YOLO_OBB", ["classes.txt"]), ("VOC", ["images/"]), ("COCO_WITH_IMAGES", ["result.json"]),
        ] {
            let response = try await client.send(.get, path + "?exportType=\(format)")
            #expect(response.status == 200 && response.headers["Content-Type"] == "application/zip", "\(format)")
            #expect(response.headers["filename"]?.hasSuffix(".zip") == true)
            let entries = try #require(ZipArchive.entries(of: response.body), "\(format) is not a zip")
            for name in expected { #expect(entries.contains { $0.path == name }, "\(format) lacks \(name)") }
            #expect(
                try await client.send(.get, path + "?exportType=\(format)").body == response.body, "\(format) stable")
        }
        let yolo = try #require(ZipArchive.entries(of: try await client.send(.get, path + "?exportType=YOLO").body))
        #expect(yolo.first { $0.path == "classes.txt" }?.contents == Data("Car\nPerson\n".utf8))
        let label = try #require(yolo.first { $0.path == "labels/img_00000.txt" })
        #expect(String(decoding: label.contents, as: UTF8.self).split(separator: " ").count == 5)
        let coco = try #require(ZipArchive.entries(of: try await client.send(.get, path + "?exportType=COCO").body))
        let result = try JSONValue(parsing: try #require(coco.first { $0.path == "result.json" }).contents)
        #expect(result["categories"] == [["id": 0, "name": "Car"], ["id": 1, "name": "Person"]])
        #expect(result["info"]?["contributor"] == "Label Studio")

        let differing = LabelStudioClient(LabelStudioSimulator(zipsDifferPerRequest: true))
        let (other, otherID, _) = try await snapshot(differing)
        let otherPath = "/api/projects/\(other)/exports/\(otherID)/download"
        for format in ["COCO", "YOLO", "VOC"] {
            let first = try await differing.send(.get, otherPath + "?exportType=\(format)").body
            let second = try await differing.send(.get, otherPath + "?exportType=\(format)").body
            #expect(first != second, "\(format) zips differ per request")
            #expect(ZipArchive.entries(of: first) != nil && ZipArchive.entries(of: second) != nil)
        }
        for format in ["JSON", "JSON_MIN", "CSV"] {
            let first = try await differing.send(.get, otherPath + "?exportType=\(format)").body
            #expect(try await differing.send(.get, otherPath + "?exportType=\(format)").body == first, "\(format)")
        }
    }

    @Test func unknownAndDisabledFormatsAnswerAsTheServerDoes() async throws {
        let (project, id, _) = try await snapshot()
        let path = "/api/projects/\(project)/exports/\(id)/download"
        for format in ["BOGUS", ""] {
            let response = try await client.send(.get, path + "?exportType=\(format)")
            try LabelStudioClient.expectEnvelope(response, 500, "")
        }
        let junk = try await client.send(.get, path + "?exportType=CONLL2003")
        #expect(junk.status == 200 && junk.headers["Content-Type"] == "application/conll" && !junk.body.isEmpty)
        // Seen on 1.23.2: three disabled formats make no file; ASR and brush-to-COCO make zips.
        for format in ["BRUSH_TO_PNG", "BRUSH_TO_NUMPY", "DOCLANG"] {
            #expect(LabelStudioClient.isHTMLNotFound(try await client.send(.get, path + "?exportType=\(format)")))
        }
        for (format, names) in [
            ("ASR_MANIFEST", ["audio/", "manifest.json"]), ("BRUSH_TO_COCO", ["images/", "result_coco.json"]),
        ] {
            let response = try await client.send(.get, path + "?exportType=\(format)")
            #expect(response.status == 200 && response.headers["Content-Type"] == "application/zip", "\(format)")
            #expect(ZipArchive.entries(of: response.body)?.map(\.path) == names, "\(format)")
        }
    }

    /// Seen on 1.23.2: the simple export reads an empty `exportType` (or any empty optional
    /// value) as none, trims the format, zips a format that makes no file as an empty
    /// archive, and crashes (500, no cookie) on an `ids[]` that is no number.
    @Test func simpleExportReadsItsQueryAsDRFAndDjangoDo() async throws {
        let project = simulator.seedDataset(named: "Simple query", itemCount: 20)
        let path = "/api/projects/\(project)/export"
        for query in ["?exportType=", "?exportType=&export_type=", "?download_all_tasks=&download_resources="] {
            let response = try await client.send(.get, path + query)
            #expect(response.status == 200 && response.headers["Content-Type"] == "application/.json", "\(query)")
        }
        let csv = try await client.send(.get, path + "?exportType=&export_type=%20CSV%20")
        #expect(csv.headers["Content-Type"] == "application/.csv")
        for format in ["BRUSH_TO_PNG", "BRUSH_TO_NUMPY", "DOCLANG"] {
            let empty = try await client.send(.get, path + "?exportType=\(format)")
            #expect(empty.status == 200 && empty.headers["Content-Type"] == "application/zip", "\(format)")
            #expect(empty.body.count == 22 && ZipArchive.entries(of: empty.body)?.isEmpty == true)
            #expect(empty.headers["filename"]?.hasSuffix(".zip") == true)
        }
        for (ids, literal) in [("ids[]=abc", "'abc'"), ("ids[]=1&ids[]=1.5", "'1.5'"), ("ids[]=", "''")] {
            let crashed = try await client.send(.get, path + "?\(ids)")
            try LabelStudioClient.expectEnvelope(crashed, 500, "Field 'id' expected a number but got \(literal).")
            #expect(crashed.headers["Set-Cookie"] == nil)
        }
        let refused = try await client.send(.get, path + "?download_all_tasks=maybe&ids[]=abc")
        #expect(refused.status == 400, "the parameters are validated before the query runs")
        #expect(try await client.get(path + "?download_all_tasks=1&ids%5B%5D=%203").arrayValue?.count == 1)
    }

    @Test func simpleExportIsCompactWithALengthAndOnlyAnnotatedTasks() async throws {
        let project = simulator.seedDataset(named: "Simple", itemCount: 250)
        let path = "/api/projects/\(project)/export"
        let response = try await client.send(.get, path + "?exportType=JSON", headers: ["Range": "bytes=0-9"])
        #expect(response.status == 200, "Range is ignored")
        #expect(response.headers["Content-Type"] == "application/.json")
        #expect(response.headers["Content-Length"] == String(response.body.count))
        let name = try #require(response.headers["filename"])
        #expect(name.hasPrefix("project-\(project)-at-2025-01-15-09-30-") && name.hasSuffix(".json"))
        #expect(response.headers["Content-Disposition"] == "attachment; filename=\"\(name)\"")
        #expect(response.bodyText?.hasPrefix("[{\"id\":1,\"annotations\":[") == true)
        #expect(try LabelStudioClient.json(response).arrayValue?.count == 100)
        let all = try await client.get(path + "?download_all_tasks=true")
        #expect(all.arrayValue?.count == 250)
        let chosen = try await client.get(path + "?download_all_tasks=true&ids[]=3&ids[]=4")
        #expect(chosen.arrayValue?.compactMap { $0["id"]?.intValue } == [3, 4])
        #expect(try await client.get(path + "?ids[]=3") == [], "task 3 has no annotation")
        let bad = try await client.send(.get, path + "?download_all_tasks=maybe")
        #expect(
            try LabelStudioClient.json(bad)["validation_errors"] == ["download_all_tasks": ["Must be a valid boolean."]]
        )
        try LabelStudioClient.expectEnvelope(try await client.send(.get, path + "?exportType=BOGUS"), 500, "")
        let csv = try await client.send(.get, path + "?exportType=CSV")
        #expect(csv.headers["Content-Type"] == "application/.csv")
        #expect(LabelStudioClient.isHTMLNotFound(try await client.send(.get, "/api/projects/99/export")))
    }
}
