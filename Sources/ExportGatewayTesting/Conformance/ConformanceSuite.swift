import ExportGateway
import Foundation

/// The checks every adapter passes, against its simulator and, with a key, the real vendor.
///
/// A check that needs a capability declares it (``ConformanceRequirement``) and is skipped
/// without running where the provider lacks it. A check that cannot apply live (a
/// simulator-only script, no dataset configured, writes not allowed) throws
/// ``ConformanceSkip`` with its reason. Every skip reason is printed.
public enum ConformanceSuite {
    /// Every check, in a stable order.
    public static let checks: [ConformanceCheck] =
        exportChecks + waitChecks + itemChecks + recordChecks + errorChecks
        + annotationChecks

    static let exportChecks: [ConformanceCheck] = [
        ConformanceCheck("createWaitDownloadWritesCompleteFileWithoutLeakingKey", requires: .exportsDatasets) { env in
            try env.requireWrites()
            let dataset = try env.dataset(named: "conformance-download", itemCount: 25)
            env.simulator?.scriptNextExport(.completes(afterPolls: 2))
            let created = try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref)))
            try Expect.that(
                !created.status.isTerminal || created.status == .completed,
                "a new export should not start failed: \(created.status)")
            let ready = try await env.gateway.wait(for: created, timeout: .seconds(600), pollInterval: .seconds(1))
            try Expect.that(ready.status == .completed, "wait returned a \(ready.status) export")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "conformance-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let destination = folder.appendingPathComponent("result.bin")
            let file = try await env.gateway.download(ready, to: destination)
            let size = (try FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? NSNumber)?
                .int64Value
            try Expect.that(
                file.byteCount > 0 && size == file.byteCount,
                "downloaded file is \(size ?? -1) bytes, reported \(file.byteCount)")
            try Expect.that(
                !FileManager.default.fileExists(atPath: destination.path + ".part"), "a .part file was left behind")
            if let simulator = env.simulator {
                // By origin (scheme, host, port), not host: over loopback both origins are
                // 127.0.0.1 and only the port tells storage from the API.
                let storageRequests = simulator.requestLog.requests(to: simulator.storageBaseURL)
                try Expect.that(
                    storageRequests.allSatisfy { !$0.carriedCredential }, "the API key was sent to the storage origin")
                // A vendor that serves results from its API gives a location on the API's own
                // origin, fetched there with the credential; any other result comes from storage.
                let api = simulator.apiBaseURL
                if let location = ready.downloadLocation?.url, location.scheme == api.scheme,
                    location.host == api.host, location.port == api.port
                {
                    let fetches = simulator.requestLog.requests(to: api).filter { $0.url.path == location.path }
                    try Expect.that(!fetches.isEmpty, "the download made no request to its location on the API origin")
                } else {
                    try Expect.that(!storageRequests.isEmpty, "the download made no request to the storage origin")
                }
            }
        },
        ConformanceCheck("exportListingCoversEveryExportExactlyOnce", requires: .listsExports) { env in
            var created: [ExportID] = []
            if env.allowsWrites, env.gateway.capabilities.exportsDatasets, env.simulator != nil {
                let dataset = try env.dataset(named: "conformance-list", itemCount: 3)
                for _ in 0..<5 {
                    created.append(try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref))).id)
                }
            }
            let listed = try await env.gateway.exports(pageSize: 2).collect(upTo: 10_000).map(\.id)
            try Expect.that(Set(listed).count == listed.count, "the listing repeated exports: \(listed)")
            try Expect.that(
                Set(created).isSubset(of: Set(listed)),
                "the listing missed created exports \(Set(created).subtracting(listed))")
        },
        ConformanceCheck("unknownStatusWordIsKeptNotFatal", requires: .exportsDatasets) { env in
            let simulator = try env.requireSimulator("report a status word the adapter does not know")
            let dataset = try env.dataset(named: "conformance-unknown", itemCount: 2)
            simulator.scriptNextExport(.hangs(rawStatus: "quarantined"))
            let created = try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref)))
            var seen = try await env.gateway.export(created.id)
            for _ in 0..<3 where seen.rawStatus != "quarantined" { seen = try await env.gateway.export(created.id) }
            try Expect.that(
                seen.status == .unknown("quarantined"), "status is \(seen.status), expected unknown(quarantined)")
            try Expect.that(seen.rawStatus == "quarantined", "rawStatus is \(seen.rawStatus ?? "nil")")
            try Expect.that(!seen.status.isTerminal, "an unknown word must not end a wait")
        },
        ConformanceCheck("createWithLostAnswerIsRetriedWithoutDuplicate", requires: .idempotentCreate) { env in
            let simulator = try env.requireSimulator("lose the answer to a create")
            let dataset = try env.dataset(named: "conformance-idempotent", itemCount: 2)
            let before = try await env.gateway.exports().collect(upTo: 10_000).count
            simulator.injectFault(.loseResponse, method: .post, count: 1)
            let created = try await env.gateway.createExport(
                ExportRequest(source: .dataset(dataset.ref), name: "idempotent"))
            let after = try await env.gateway.exports().collect(upTo: 10_000)
            try Expect.that(after.count == before + 1, "a retried create made \(after.count - before) exports")
            try Expect.that(after.contains { $0.id == created.id }, "the create returned an export the listing lacks")
        },
        ConformanceCheck("exportIsReadableByName", requires: .readsExportsByName) { env in
            try env.requireWrites()
            let dataset = try env.dataset(named: "conformance-by-name", itemCount: 2)
            let name = "by name / with spaces"
            let created = try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref), name: name))
            let read = try await env.gateway.export(named: name, in: dataset.ref)
            try Expect.that(read.id == created.id && read.name == name, "read \(read.id) \(read.name ?? "-") by name")
            _ = try await Expect.gatewayError(
                "notFound", { try await env.gateway.export(named: "no such export", in: dataset.ref) }
            ) {
                $0 == .notFound
            }
        },
        ConformanceCheck("bulkDeleteReportsUnknownIdsWithoutFailing") { env in
            guard env.gateway.capabilities.deletesExports else {
                _ = try await Expect.gatewayError("unsupported", { try await env.gateway.deleteExports(["any-id"]) }) {
                    if case .unsupported = $0 { true } else { false }
                }
                return
            }
            try env.requireWrites()
            let dataset = try env.dataset(named: "conformance-bulk-delete", itemCount: 2)
            let first = try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref), name: "bulk-1"))
            let second = try await env.gateway.createExport(
                ExportRequest(source: .dataset(dataset.ref), name: "bulk-2"))
            let unknown: ExportID = "00000000-0000-4000-8000-00000000beef"
            let result = try await env.gateway.deleteExports([first.id, second.id, unknown])
            try Expect.that(Set(result.deleted) == [first.id, second.id], "deleted \(result.deleted)")
            try Expect.that(result.notFound == [unknown], "not found \(result.notFound)")
            let again = try await env.gateway.deleteExports([first.id])
            try Expect.that(again.deleted.isEmpty && again.notFound == [first.id], "a repeated delete gave \(again)")
        },
        ConformanceCheck("deleteIsSupportedOrSaysUnsupported") { env in
            if env.gateway.capabilities.deletesExports {
                try env.requireWrites()
                let dataset = try env.dataset(named: "conformance-delete", itemCount: 2)
                let created = try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref)))
                try await env.gateway.deleteExport(created.id)
                _ = try await Expect.gatewayError("notFound after delete", { try await env.gateway.export(created.id) })
                {
                    $0 == .notFound
                }
            } else {
                _ = try await Expect.gatewayError("unsupported", { try await env.gateway.deleteExport("any-id") }) {
                    if case .unsupported = $0 { true } else { false }
                }
            }
        },
    ]

    static let waitChecks: [ConformanceCheck] = [
        ConformanceCheck("waitThrowsTimeoutWithLastSeenStatus", requires: .exportsDatasets) { env in
            let simulator = try env.requireSimulator("keep an export running forever")
            let dataset = try env.dataset(named: "conformance-timeout", itemCount: 2)
            simulator.scriptNextExport(.hangs(rawStatus: nil))
            let created = try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref)))
            let error = try await Expect.gatewayError(
                "timeout",
                {
                    try await env.gateway.wait(for: created, timeout: .seconds(60), pollInterval: .seconds(1))
                }
            ) { $0 == .timeout }
            guard let last = error.lastStatus else {
                throw ConformanceFailure("timeout carried no last status: \(error)")
            }
            try Expect.that(!last.isTerminal, "timeout carried terminal status \(last)")
        },
        ConformanceCheck("waitThrowsExportFailedWithVendorReason", requires: .exportsDatasets) { env in
            let simulator = try env.requireSimulator("make an export fail")
            let dataset = try env.dataset(named: "conformance-fail", itemCount: 2)
            simulator.scriptNextExport(.fails(afterPolls: 1, reason: "disk full"))
            let created = try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref)))
            _ = try await Expect.gatewayError(
                "exportFailed",
                {
                    try await env.gateway.wait(for: created, timeout: .seconds(60), pollInterval: .seconds(1))
                }
            ) { if case .exportFailed = $0 { true } else { false } }
        },
        ConformanceCheck("canceledExportEndsWaitAsFailure", requires: .cancelsExports) { env in
            let simulator = try env.requireSimulator("cancel an export")
            let dataset = try env.dataset(named: "conformance-cancel", itemCount: 2)
            simulator.scriptNextExport(.cancels(afterPolls: 1))
            let created = try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref)))
            _ = try await Expect.gatewayError(
                "exportFailed",
                {
                    try await env.gateway.wait(for: created, timeout: .seconds(60), pollInterval: .seconds(1))
                }
            ) { if case .exportFailed = $0 { true } else { false } }
            let final = try await env.gateway.export(created.id)
            try Expect.that(final.status == .canceled, "a canceled export reads as \(final.status)")
        },
        ConformanceCheck("waitStopsWhenTaskIsCanceled", requires: .exportsDatasets) { env in
            let simulator = try env.requireSimulator("keep an export running forever")
            let dataset = try env.dataset(named: "conformance-task-cancel", itemCount: 2)
            simulator.scriptNextExport(.hangs(rawStatus: nil))
            let created = try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref)))
            let gateway = env.gateway
            let before = simulator.requestLog.requests.count
            let task = Task {
                try await gateway.wait(for: created, timeout: .seconds(86_400 * 365), pollInterval: .seconds(1))
            }
            // Three polls have gone out (the id may travel in the path or, for GraphQL, the body).
            while simulator.requestLog.requests.count < before + 3 {
                await Task.yield()
            }
            task.cancel()
            do {
                let value = try await task.value
                throw ConformanceFailure("a canceled wait returned \(value.status)")
            } catch is CancellationError {}
        },
        ConformanceCheck("rateLimitedReadIsRetriedAfterRetryAfter", requires: .exportsDatasets) { env in
            let simulator = try env.requireSimulator("inject a 429")
            guard let clock = env.clock as? VirtualClock else { throw ConformanceSkip("needs the virtual clock") }
            let dataset = try env.dataset(named: "conformance-429", itemCount: 2)
            let created = try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref)))
            // The next request is the read, whatever its method (GraphQL reads are POSTs).
            simulator.injectFault(.rateLimited(retryAfterSeconds: 7), method: nil, pathPrefix: nil, count: 1)
            let read = try await env.gateway.export(created.id)
            try Expect.that(read.id == created.id, "read a different export after the retry")
            try Expect.that(
                clock.sleeps.contains(.seconds(7)), "did not wait the 7 s Retry-After; slept \(clock.sleeps)")
        },
    ]

    static let itemChecks: [ConformanceCheck] = [
        ConformanceCheck("itemPagingCoversDatasetExactlyOnce", requires: .listsItems) { env in
            for (count, pageSize) in [(0, 10), (10, 10), (53, 10), (7, 100)] {
                if env.simulator == nil && count > 0 { continue }
                let dataset = try env.dataset(named: "conformance-items-\(count)", itemCount: count)
                let ids = try await env.gateway.items(in: dataset.ref, pageSize: pageSize).collect(upTo: 10_000).map(
                    \.id)
                try Expect.that(Set(ids).count == ids.count, "\(count) items in pages of \(pageSize): repeated ids")
                if let exact = dataset.exactCount {
                    try Expect.that(ids.count == exact, "\(exact) items in pages of \(pageSize): listed \(ids.count)")
                }
            }
        },
        ConformanceCheck("itemReadMatchesListing", requires: .listsItems) { env in
            let dataset = try env.dataset(named: "conformance-item-read", itemCount: 5)
            var iterator = env.gateway.items(in: dataset.ref, pageSize: 5).makeAsyncIterator()
            guard let listed = try await iterator.next() else { throw ConformanceSkip("the dataset is empty") }
            let read = try await env.gateway.item(listed.id, in: dataset.ref)
            try Expect.that(
                read.id == listed.id && read.key == listed.key,
                "read \(read.id) \(read.key ?? "") for listed \(listed.id) \(listed.key ?? "")")
            try Expect.that(
                read.rawStatus == listed.rawStatus && read.status == listed.status,
                "status differs between list and read")
        },
    ]

    /// A provider that streams records must export a dataset for the check to stream one;
    /// one that does not is checked for refusing, which needs nothing.
    static let streamedExportsDatasets = ConformanceRequirement(lack: "cannot export a dataset") { target in
        !target.capabilities.streamsRecords || target.capabilities.exportsDatasets
    }

    static let recordChecks: [ConformanceCheck] = [
        ConformanceCheck("recordStreamCoversExportExactlyOnceAndResumes", requires: streamedExportsDatasets) { env in
            guard env.gateway.capabilities.streamsRecords else {
                let finished = Export(id: "any-id", provider: env.gateway.provider, status: .completed, rawStatus: nil)
                _ = try await Expect.gatewayError(
                    "unsupported", { try await env.gateway.records(of: finished).collect(upTo: 10_000) }
                ) {
                    if case .unsupported = $0 { true } else { false }
                }
                return
            }
            try env.requireWrites()
            let dataset = try env.dataset(named: "conformance-records", itemCount: 40)
            let created = try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref)))
            let ready = try await env.gateway.wait(for: created, timeout: .seconds(600), pollInterval: .seconds(1))
            let lines = try await env.gateway.lines(of: ready).collect(upTo: 10_000)
            let info = try await env.gateway.recordStreamInfo(of: ready)
            // NDJSON's first line starts at byte 0; a JSON array's first element after its `[`
            // (checked against the downloaded stream below).
            try Expect.that(
                lines.first.map { $0.offset == 0 || info?.framing == .jsonArray } ?? (info == nil),
                "the stream does not start at byte 0")
            for (line, next) in zip(lines, lines.dropFirst()) {
                try Expect.that(
                    line.nextOffset <= next.offset,
                    "line at \(next.offset) overlaps the one before (ends \(line.nextOffset))")
            }
            try Expect.that(
                (lines.last?.nextOffset ?? 0) == (info?.totalBytes ?? 0),
                "the lines end at \(lines.last?.nextOffset ?? 0), the stream at \(info?.totalBytes ?? 0)")
            if let totalLines = info?.totalLines {
                try Expect.that(Int64(lines.count) == totalLines, "read \(lines.count) lines of \(totalLines)")
            }
            let records = try await env.gateway.records(of: ready).collect(upTo: 10_000)
            try Expect.that(Set(records.map(\.id)).count == records.count, "records repeat ids")
            if let exact = dataset.exactCount {
                try Expect.that(records.count == exact, "\(exact) items exported, \(records.count) records read")
            }
            if lines.count > 2 {
                // Resumed where a pipeline would have saved it: the nextOffset of the line before
                // (for NDJSON the middle line's own offset; in a JSON array, before the white
                // space that may follow a comma).
                let resumeAt = lines[lines.count / 2 - 1].nextOffset
                let resumed = try await env.gateway.lines(of: ready, startingAt: resumeAt).collect(upTo: 10_000)
                try Expect.that(
                    resumed == Array(lines[(lines.count / 2)...]),
                    "resuming at byte \(resumeAt) did not give the rest of the stream")
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "conformance-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = try await env.gateway.download(ready, to: folder.appendingPathComponent("records.ndjson"))
            try Expect.that(
                file.byteCount == info?.totalBytes ?? 0,
                "the downloaded stream has \(file.byteCount) bytes of \(info?.totalBytes ?? 0)")
            if let first = lines.first, info?.framing == .jsonArray {
                let head = try Data(contentsOf: file.url).prefix(Int(first.offset))
                try Expect.that(
                    head.first == UInt8(ascii: "[")
                        && head.dropFirst().allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) },
                    "the array's first element is not the first thing in it (it starts at byte \(first.offset))")
            }
            let errors = try await env.gateway.errors(of: ready).collect(upTo: 10_000)
            if env.simulator != nil {
                try Expect.that(errors.isEmpty, "a clean export has \(errors.count) error records")
            }
        }
    ]

    static let errorChecks: [ConformanceCheck] = [
        ConformanceCheck("unknownExportIsNotFound") { env in
            let id: ExportID = "00000000-0000-4000-8000-00000000dead"
            let error = try await Expect.gatewayError("notFound", { try await env.gateway.export(id) }) {
                $0 == .notFound
            }
            try Expect.that(
                error.provider == env.gateway.provider && error.operation == .export && error.resource == .export(id),
                "the error does not name provider, operation and export: \(error)")
            try Expect.that(error.requestLine != nil, "the error does not name the request: \(error)")
        },
        ConformanceCheck("awkwardIDsStayInsideTheirPathSegment") { env in
            // Each id must reach the vendor as one segment of the same route: not found, never a
            // crash, another route or a different error.
            func requestPath() -> String? {
                env.simulator?.requestLog.requests.last.map { SimulatedRequest.rawPath(of: $0.url) }
            }
            _ = try? await env.gateway.export("plain-id")
            let plainSlashes = requestPath().map { $0.filter { $0 == "/" }.count }
            for id in ["a b", "a/b", "a?b=c", "a#b", "100%", "é日本", "..", "."] {
                let error = try await Expect.gatewayError(
                    "notFound for \"\(id)\"",
                    {
                        try await env.gateway.export(ExportID(rawValue: id))
                    }
                ) { $0 == .notFound }
                try Expect.that(
                    error.resource == .export(ExportID(rawValue: id)), "the error names another export: \(error)")
                if let plainSlashes, let path = requestPath() {
                    try Expect.that(
                        path.filter { $0 == "/" }.count == plainSlashes && !path.contains(" ") && !path.contains("?"),
                        "\"\(id)\" left its segment: \(path)")
                }
            }
            guard env.gateway.capabilities.itemKinds.contains(.item),
                let dataset = try? env.dataset(named: "awkward", itemCount: 1)
            else { return }
            for id in ["a b", "a/b", "a?b=c", "é日本", ".."] {
                let error = try await Expect.gatewayError(
                    "notFound for item \"\(id)\"",
                    {
                        try await env.gateway.item(ItemID(rawValue: id), in: dataset.ref)
                    }
                ) { $0 == .notFound }
                try Expect.that(
                    error.operation == .item
                        && error.resource == .item(ItemID(rawValue: id), kind: .item, in: dataset.ref),
                    "the error does not name the item: \(error)")
            }
        },
        ConformanceCheck("wrongKeyIsAuthenticationAndNeverEchoed", requires: .listsExports) { env in
            let error = try await Expect.gatewayError(
                "authentication",
                {
                    try await env.gatewayWithWrongKey.exports(pageSize: 1).collect(upTo: 10_000)
                }
            ) { $0 == .authentication }
            try Expect.that(
                !"\(error)".contains(ConformanceEnvironment.wrongAPIKey), "the error text contains the key: \(error)")
        },
        ConformanceCheck("restrictedKeyIsPermissionDenied", requires: .exportsDatasets) { env in
            guard let restricted = env.gatewayWithRestrictedKey else {
                throw ConformanceSkip("no restricted key in this mode")
            }
            try env.requireWrites()
            let dataset = try env.dataset(named: "conformance-restricted", itemCount: 3)
            _ = try await Expect.gatewayError(
                "permissionDenied on create",
                {
                    try await restricted.createExport(ExportRequest(source: .dataset(dataset.ref)))
                }
            ) { $0 == .permissionDenied }
            if restricted.capabilities.itemKinds.contains(.item) {
                _ = try await Expect.gatewayError(
                    "permissionDenied on items",
                    {
                        try await restricted.items(in: dataset.ref).collect(upTo: 10_000)
                    }
                ) { $0 == .permissionDenied }
            }
        },
        ConformanceCheck("invalidRequestNamesTheField", requires: .exportsDatasets) { env in
            try env.requireWrites()
            let dataset = try env.dataset(named: "conformance-invalid", itemCount: 2)
            let error = try await Expect.gatewayError(
                "invalidRequest",
                {
                    try await env.gateway.createExport(ExportRequest(source: .dataset(dataset.ref), name: ""))
                }
            ) { if case .invalidRequest = $0 { true } else { false } }
            try Expect.that(
                !(error.fieldErrors["name"] ?? []).isEmpty, "no message for field `name`: \(error.fieldErrors)")
        },
        ConformanceCheck("unsupportedRequestFieldIsRefusedByName", requires: .refusesOne(of: ExportFilter.all)) { env in
            guard let field = ExportFilter.all.first(where: { !env.gateway.capabilities.filters.contains($0) }) else {
                throw ConformanceFailure("the requirement promised a filter \(env.gateway.provider) refuses")
            }
            var filters = ExportFilters()
            switch field {
            case .itemStatuses: filters.itemStatuses = [.completed]
            case .classes: filters.classes = ["car"]
            case .itemIDs: filters.itemIDs = ["some-id"]
            default: filters.activity = DateInterval(start: Date(timeIntervalSince1970: 0), duration: 60)
            }
            let before = env.simulator?.requestLog.requests.count
            let error = try await Expect.gatewayError(
                "unsupported(\(field))",
                {
                    try await env.gateway.createExport(ExportRequest(source: .dataset("any/dataset"), filters: filters))
                }
            ) { if case .unsupported = $0 { true } else { false } }
            try Expect.that(
                "\(error)".contains(field.description) && error.feature == field.description,
                "the error does not name \(field): \(error)")
            try Expect.that(
                env.simulator?.requestLog.requests.count == before, "a request was sent for an unsupported field")
        },
    ]
}
