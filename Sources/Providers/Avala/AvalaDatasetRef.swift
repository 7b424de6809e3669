import ExportGateway
import Foundation

/// A ``DatasetRef`` as Avala reads it: a dataset uid, or `owner/slug`.
///
/// Avala's export body names a dataset by uid, while its items and sequences endpoints are
/// addressed by owner and slug; each form can be looked up from the other with one `GET`.
enum AvalaDatasetRef: Sendable, Hashable {
    /// A dataset uid, such as `9a1b2c3d-0000-4000-8000-0000000000aa`.
    case uid(String)
    /// An owner (organisation slug or user handle) and a dataset slug.
    case path(AvalaDatasetPath)

    /// Parses `ref`; an empty reference, one with more than one `/`, or one with an empty
    /// owner or slug throws `invalidRequest` on the field `source`, before any request.
    init(_ ref: DatasetRef) throws {
        let text = ref.rawValue
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let problem: String?
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problem = "it is empty"
        } else if parts.count > 2 {
            problem = "it has more than one \"/\""
        } else if parts.count == 2 && (parts[0].isEmpty || parts[1].isEmpty) {
            problem = parts[0].isEmpty ? "its owner is empty" : "its slug is empty"
        } else {
            problem = nil
        }
        if let problem {
            let message = "Dataset reference \"\(text)\" is not a dataset uid or \"owner/slug\": \(problem)."
            throw GatewayError.invalidRequest(
                message + " Pass a dataset uid or \"owner/slug\", such as \"acme/street-scenes\".",
                fieldErrors: ["source": [message]])
        }
        self = parts.count == 2 ? .path(AvalaDatasetPath(owner: parts[0], slug: parts[1])) : .uid(text)
    }

    /// The owner and slug, read with `GET /datasets/{uid}/` when the reference is a uid.
    func path(api: VendorAPI) async throws -> AvalaDatasetPath {
        switch self {
        case .path(let path):
            return path
        case .uid(let uid):
            let response = try await api.send(api.request(.get, api.path("datasets", uid, endsWithSlash: true)))
            let dataset = try AvalaDatasetWire(WireValue(answer: api.json(from: response)))
            guard let owner = dataset.ownerName, !owner.isEmpty, !dataset.slug.isEmpty else {
                throw GatewayError(
                    .decoding, httpStatus: response.status,
                    message:
                        "Avala's answer for dataset \(uid) has an empty or null `owner_name` or an empty `slug`, which its items and sequences endpoints need. Pass the dataset as \"owner/slug\" instead."
                )
            }
            return AvalaDatasetPath(owner: owner, slug: dataset.slug)
        }
    }

    /// The dataset uid, read with `GET /datasets/{owner}/{slug}/` when the reference is a path.
    func uid(api: VendorAPI) async throws -> String {
        switch self {
        case .uid(let uid):
            return uid
        case .path(let path):
            let response = try await api.send(api.request(.get, path.datasetPath))
            let dataset = try AvalaDatasetWire(WireValue(answer: api.json(from: response)))
            guard !dataset.uid.isEmpty else {
                throw GatewayError(
                    .decoding, httpStatus: response.status,
                    message:
                        "Avala's answer for dataset \(path) has an empty `uid`, which creating an export needs. Pass the dataset uid instead."
                )
            }
            return dataset.uid
        }
    }
}

/// Where a dataset lives in Avala's URL space: `/datasets/{owner}/{slug}/`.
struct AvalaDatasetPath: Sendable, Hashable, CustomStringConvertible {
    /// The owner: an organisation slug or a user handle.
    var owner: String
    /// The dataset's slug.
    var slug: String

    /// `/datasets/{owner}/{slug}/`.
    var datasetPath: APIPath {
        APIPath("datasets", owner, slug, endsWithSlash: true)
    }

    /// The list of `kind`: `.../items/` or `.../sequences/`.
    func collectionPath(_ kind: ItemKind) -> APIPath {
        datasetPath.appending(Self.collectionName(kind))
    }

    /// One member of `kind`: `.../items/{uid}/` or `.../sequences/{uid}/`.
    func memberPath(_ kind: ItemKind, id: ItemID) -> APIPath {
        collectionPath(kind).appending(id.rawValue)
    }

    var description: String { "\(owner)/\(slug)" }

    private static func collectionName(_ kind: ItemKind) -> String {
        switch kind {
        case .item: "items"
        case .sequence: "sequences"
        }
    }
}
