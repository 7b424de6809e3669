import ExportGateway
import Foundation

extension LabelboxSimulator {
    /// The rows of one source an export selects: sorted, disjoint index ranges, restricted to
    /// the allowed residues `index % 4` (the workflow status). Id filters become short ranges,
    /// date filters one range (dates grow with the index), so nothing is materialized.
    struct RowSelection {
        var ranges: [Range<Int>]
        var residues = [true, true, true, true]

        mutating func intersect(_ other: [Range<Int>]) {
            var result: [Range<Int>] = []
            var i = 0, j = 0
            while i < ranges.count, j < other.count {
                let low = max(ranges[i].lowerBound, other[j].lowerBound)
                let high = min(ranges[i].upperBound, other[j].upperBound)
                if low < high { result.append(low..<high) }
                if ranges[i].upperBound < other[j].upperBound { i += 1 } else { j += 1 }
            }
            ranges = result
        }

        mutating func allow(only allowed: Set<Int>) {
            residues = residues.enumerated().map { $0.element && allowed.contains($0.offset) }
        }

        mutating func selectNothing() { ranges = [] }
    }

    /// The `searchQuery.query` filter objects applied to `source`, honored semantically.
    func selection(of source: Source, filters: [JSONValue]) throws(GraphQLError) -> RowSelection {
        var selection = RowSelection(ranges: source.itemCount > 0 ? [0..<source.itemCount] : [])
        for filter in filters {
            guard let type = filter["type"]?.stringValue else {
                throw GraphQLError(code: "MALFORMED_REQUEST", message: "Every search filter needs a \"type\".")
            }
            switch type {
            case "data_row_id":
                selection.intersect(
                    Self.unitRanges(
                        try ids(filter, type).compactMap { id in
                            LabelboxID.parse(id, as: .dataRow).flatMap { $0.source == source.number ? $0.index : nil }
                        }, below: source.itemCount))
            case "global_key":
                selection.intersect(
                    Self.unitRanges(
                        try ids(filter, type).compactMap { key in
                            LabelboxRows.parseGlobalKey(key).flatMap { $0.source == source.number ? $0.index : nil }
                        }, below: source.itemCount))
            case "batch":
                let batches = try ids(filter, type).compactMap { id in
                    LabelboxID.parse(id, as: .batch).flatMap {
                        source.kind == .project && $0.source == source.number ? $0.index : nil
                    }
                }
                selection.intersect(
                    Self.merged(
                        batches.filter { $0 * LabelboxRows.batchSize < source.itemCount }.map { batch in
                            batch * LabelboxRows.batchSize..<min((batch + 1) * LabelboxRows.batchSize, source.itemCount)
                        }))
            case "dataset":
                let ids = try ids(filter, type)
                if !ids.contains(LabelboxID.make(.dataset, source: source.number, index: 0)) {
                    selection.selectNothing()
                }
            case "task_queue_status":
                let words = ["InReview": 1, "InRework": 2, "Done": 3]
                guard let status = filter["status"]?.stringValue, let residue = words[status] else {
                    throw GraphQLError(
                        code: "MALFORMED_REQUEST",
                        message: "task_queue_status takes \"status\": InReview, InRework or Done.")
                }
                if source.kind == .dataset { selection.selectNothing() } else { selection.allow(only: [residue]) }
            case "task_queue_not_exist":
                if source.kind == .project { selection.allow(only: [0]) }
            case "data_row_last_activity_at":
                let (low, high) = try bounds(filter, type)
                selection.intersect([
                    Self.indices(
                        from: low, to: high, firstAt: LabelboxRows.lastActivity(of: 0), below: source.itemCount)
                ])
            case "labeled_at":
                let (low, high) = try bounds(filter, type)
                if source.kind == .dataset { selection.selectNothing() }
                selection.allow(only: [1, 2, 3])
                selection.intersect([
                    Self.indices(
                        from: low, to: high, firstAt: LabelboxRows.labelCreated(of: 0), below: source.itemCount)
                ])
            default:
                throw GraphQLError(code: "MALFORMED_REQUEST", message: "Unsupported search filter type \"\(type)\".")
            }
        }
        return selection
    }

    /// The ids of an `{"ids", "operator": "is", "type"}` filter, at most ``maxFilterIDs``.
    private func ids(_ filter: JSONValue, _ type: String) throws(GraphQLError) -> [String] {
        guard let values = filter["ids"]?.arrayValue, filter["operator"]?.stringValue == "is" else {
            throw GraphQLError(
                code: "MALFORMED_REQUEST", message: "\(type) filter expects \"ids\" and operator \"is\".")
        }
        guard values.count <= maxFilterIDs else {
            throw GraphQLError(
                code: "MALFORMED_REQUEST", message: "\(type) filter only supports a max of \(maxFilterIDs) items.")
        }
        return values.compactMap(\.stringValue)
    }

    /// The inclusive instant bounds (Unix seconds) of a date filter's `value`.
    private func bounds(_ filter: JSONValue, _ type: String) throws(GraphQLError) -> (Double, Double) {
        let value = filter["value"]
        let zoneName = value?["timezone"]?.stringValue ?? "UTC"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw GraphQLError(
                code: "MALFORMED_REQUEST", message: "Unknown timezone \"\(zoneName)\" in the \(type) filter.")
        }
        func instant(_ json: JSONValue?, upper: Bool) throws(GraphQLError) -> Double {
            guard let text = json?.stringValue, let seconds = Self.parseFilterDate(text, zone: zone, upper: upper)
            else {
                throw GraphQLError(
                    code: "MALFORMED_REQUEST",
                    message:
                        "Incorrect date in the \(type) filter: expected YYYY-MM-DD, YYYY-MM-DD hh:mm:ss or ISO 8601 with an offset."
                )
            }
            return seconds
        }
        switch value?["operator"]?.stringValue {
        case "BETWEEN":
            return (
                try instant(value?["value"]?["min"], upper: false), try instant(value?["value"]?["max"], upper: true)
            )
        case "GREATER_THAN_OR_EQUAL":
            return (try instant(value?["value"], upper: false), .infinity)
        case "LESS_THAN_OR_EQUAL":
            return (-.infinity, try instant(value?["value"], upper: true))
        default:
            throw GraphQLError(
                code: "MALFORMED_REQUEST",
                message: "The \(type) filter's operator must be BETWEEN, GREATER_THAN_OR_EQUAL or LESS_THAN_OR_EQUAL.")
        }
    }

    /// Unix seconds of a filter date: `YYYY-MM-DD` and `YYYY-MM-DD hh:mm:ss` in `zone` (a bare
    /// date as an upper bound covers its whole day), or ISO 8601 with `Z`, `±hh:mm` or `±hhmm`.
    static func parseFilterDate(_ text: String, zone: TimeZone, upper: Bool) -> Double? {
        let characters = Array(text)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= characters.count else { return nil }
            let slice = characters[from..<(from + count)]
            return slice.allSatisfy({ $0.isASCII && $0.isNumber }) ? Int(String(slice)) : nil
        }
        guard characters.count >= 10, characters[4] == "-", characters[7] == "-",
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2)
        else { return nil }
        var components = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        var offset: Int?
        var wholeDay = false
        if characters.count == 10 {
            wholeDay = upper
        } else {
            guard characters.count >= 19, characters[10] == " " || characters[10] == "T", characters[13] == ":",
                characters[16] == ":", let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
            else { return nil }
            components.hour = hour
            components.minute = minute
            components.second = second
            let rest = String(characters[19...])
            if characters[10] == "T" {
                // ISO needs an offset.
                if rest == "Z" {
                    offset = 0
                } else {
                    let sign = rest.first == "-" ? -1 : 1
                    let digits = rest.dropFirst().replacingOccurrences(of: ":", with: "")
                    guard rest.first == "+" || rest.first == "-", digits.count == 4, let hours = Int(digits.prefix(2)),
                        let minutes = Int(digits.suffix(2))
                    else { return nil }
                    offset = sign * (hours * 3600 + minutes * 60)
                }
            } else if !rest.isEmpty {
                return nil
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = offset.flatMap { TimeZone(secondsFromGMT: $0) } ?? zone
        guard (1...12).contains(month), (1...31).contains(day), let date = calendar.date(from: components) else {
            return nil
        }
        return date.timeIntervalSince1970 + (wholeDay ? 86_399 : 0)
    }

    /// The indices `i < count` with `low <= first + i * step <= high`, as one range.
    private static func indices(from low: Double, to high: Double, firstAt first: Int, below count: Int) -> Range<Int> {
        let step = Double(LabelboxRows.activityStep)
        let start = low.isFinite ? max(0, Int(((low - Double(first)) / step).rounded(.up))) : 0
        let end = high.isFinite ? min(count, Int(((high - Double(first)) / step).rounded(.down)) + 1) : count
        return start < end ? start..<min(end, count) : 0..<0
    }

    /// Sorted, merged one-element ranges for `indices` below `count`.
    private static func unitRanges(_ indices: [Int], below count: Int) -> [Range<Int>] {
        merged(indices.filter { $0 >= 0 && $0 < count }.map { $0..<($0 + 1) })
    }

    private static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }
}
