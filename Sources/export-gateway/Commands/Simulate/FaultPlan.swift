import ExportGateway
import ExportGatewayTesting
import Foundation

/// The faults `simulate --faults FILE` injects: a small JSON file, one entry per rule.
///
/// ```json
/// {"faults": [
///   {"vendor": "avala", "fault": "rateLimited", "retryAfter": 7, "origin": "api", "method": "GET",
///    "pathPrefix": "/api/v1/exports/", "count": 2, "after": 1},
///   {"vendor": "pictograph", "fault": "dropConnection", "origin": "storage", "count": 1},
///   {"vendor": "labelbox", "fault": "stalledBody", "milliseconds": 90000, "origin": "storage"},
///   {"vendor": "label-studio", "fault": "truncatedBody", "method": "GET", "pathPrefix": "/api/projects/1/exports/"}
/// ]}
/// ```
/// A bare array of entries is accepted too. Only `vendor` and `fault` are required. Label
/// Studio's storage origin serves nothing (its files come from its API), so its faults go on
/// the API origin. `fault`
/// is a name from ``SimulatedFault/catalog``; these optional values replace the catalog's:
/// `retryAfter` (seconds, for the rate limits), `milliseconds` (how long `stalledBody`
/// stalls, or the pause between `slowBody`'s pieces), `bytes` (`slowBody`'s piece size) and
/// `word` (what `unknownStatusWord` reports).
struct FaultPlan: Sendable {
    /// One rule: which simulator, which fault, on which requests.
    struct Entry: Sendable, Decodable {
        var vendor: String
        var fault: String
        var retryAfter: Int?
        var milliseconds: Int?
        var bytes: Int?
        var word: String?
        var origin: String?
        var method: String?
        var pathPrefix: String?
        var count: Int?
        var after: Int?

        /// The fault it names, with its values; `nil` for a name the catalog lacks.
        var simulatedFault: SimulatedFault? {
            SimulatedFault.named(fault)?.with(
                SimulatedFault.Parameters(retryAfter: retryAfter, milliseconds: milliseconds, bytes: bytes, word: word))
        }

        var simulatedOrigin: SimulatedOrigin { origin == "storage" ? .storage : .api }

        /// Every key an entry may have: a key outside them is a typo that would otherwise be
        /// ignored and leave the fault with its default values.
        static let keys = [
            "vendor", "fault", "retryAfter", "milliseconds", "bytes", "word", "origin", "method", "pathPrefix", "count",
            "after",
        ]
    }

    /// The fault names the file may use, as help lists them.
    static let faultNames = SimulatedFault.catalog.map(\.name)

    /// The rules, in file order.
    var entries: [Entry]

    /// An empty plan.
    init(entries: [Entry] = []) { self.entries = entries }

    /// Reads and checks the file at `path`.
    /// - Throws: ``UsageError`` naming the file and what is wrong with it.
    init(contentsOf path: String, vendors: [SimulatedVendor]) throws {
        func refuse(_ problem: String) -> UsageError {
            UsageError("The faults file '\(path)' \(problem)", command: ["simulate"])
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw refuse("cannot be read.") }
        let decoder = JSONDecoder()
        struct Wrapped: Decodable { var faults: [Entry] }
        if let wrapped = try? decoder.decode(Wrapped.self, from: data) {
            entries = wrapped.faults
        } else if let bare = try? decoder.decode([Entry].self, from: data) {
            entries = bare
        } else {
            throw refuse("is not a JSON list of faults: each needs at least \"vendor\" and \"fault\" (see --help).")
        }
        let objects = (try? JSONValue(parsing: data)).flatMap { $0["faults"]?.arrayValue ?? $0.arrayValue } ?? []
        for (index, object) in objects.enumerated() {
            for key in (object.objectValue?.keys.sorted() ?? []) where !Entry.keys.contains(key) {
                let suggestion = Suggestion.closest(to: key, among: Entry.keys).map { " Did you mean \"\($0)\"?" } ?? ""
                throw refuse("has an unknown key \"\(key)\" in entry \(index + 1).\(suggestion)")
            }
        }
        for (index, entry) in entries.enumerated() {
            let what = "entry \(index + 1)"
            guard vendors.contains(where: { $0.rawValue == entry.vendor }) else {
                throw refuse(
                    "names vendor \"\(entry.vendor)\" in \(what); simulated here: \(vendors.map(\.rawValue).joined(separator: ", "))."
                )
            }
            guard let fault = entry.simulatedFault else {
                throw refuse(
                    "names fault \"\(entry.fault)\" in \(what); known faults: \(Self.faultNames.joined(separator: ", "))."
                )
            }
            guard entry.origin == nil || entry.origin == "api" || entry.origin == "storage" else {
                throw refuse("has origin \"\(entry.origin ?? "")\" in \(what); use \"api\" or \"storage\".")
            }
            guard fault.origins.contains(entry.simulatedOrigin) else {
                throw refuse(
                    "puts fault \"\(entry.fault)\" on the \(entry.origin ?? "api") origin in \(what); it applies to the "
                        + "\(fault.origins.contains(.api) ? "api" : "storage") origin only.")
            }
            guard entry.simulatedOrigin == .api || SimulatedVendor(rawValue: entry.vendor)?.hasStorageHost != false
            else {
                throw refuse(
                    "puts fault \"\(entry.fault)\" on the storage origin of \(entry.vendor) in \(what), which serves "
                        + "nothing: its files come from its API. Use the api origin (\"pathPrefix\" can pick the downloads)."
                )
            }
            guard (entry.count ?? 1) > 0, (entry.after ?? 0) >= 0, (entry.retryAfter ?? 1) >= 0,
                (entry.milliseconds ?? 1) >= 0, (entry.bytes ?? 1) > 0
            else {
                throw refuse(
                    "has a negative or zero count or bytes, or a negative after, retryAfter or milliseconds, in \(what)."
                )
            }
        }
    }

    /// Injects every rule meant for `vendor` into `simulator`.
    func inject(into simulator: any VendorSimulator, vendor: SimulatedVendor) {
        for entry in entries where entry.vendor == vendor.rawValue {
            guard let fault = entry.simulatedFault else { continue }
            simulator.injectFault(
                fault, on: entry.simulatedOrigin, method: entry.method.map(HTTPMethod.init(rawValue:)),
                pathPrefix: entry.pathPrefix, count: entry.count ?? 1, after: entry.after ?? 0)
        }
    }
}
