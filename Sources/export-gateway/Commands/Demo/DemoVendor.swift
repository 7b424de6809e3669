import ExportGateway
import ExportGatewayProviders
import ExportGatewayTesting
import Foundation
import Synchronization

/// A vendor `demo --vendor` can run against: one whose simulator serves the whole flow
/// (create, wait, download a file, list items). Pictograph and Labelbox list no items, and
/// Labelbox delivers no file but a record stream, so they are not among them.
enum DemoVendor: String, Sendable, CaseIterable {
    case avala
    case labelStudio = "label-studio"

    /// The names `--vendor` takes, as help and its errors list them.
    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The adapter's descriptor: its name and environment variables for the closing hint.
    var descriptor: ProviderDescriptor {
        switch self {
        case .avala: AvalaProvider.descriptor
        case .labelStudio: LabelStudioProvider.descriptor
        }
    }

    /// A fresh simulator with nothing seeded. Label Studio's is a server with a task queue
    /// (Redis), so its export is queued and the wait has polls to show; without one, Label
    /// Studio completes an export inside the create.
    func makeSimulator() -> any VendorSimulator {
        switch self {
        case .avala: AvalaSimulator()
        case .labelStudio: LabelStudioSimulator(pollsToComplete: Self.labelStudioPolls)
        }
    }

    /// The reads a queued Label Studio export takes to complete in the demo.
    static let labelStudioPolls = 3

    /// What the demo calls the dataset it seeds.
    var datasetNoun: String {
        switch self {
        case .avala: "Dataset"
        case .labelStudio: "Project"
        }
    }

    /// The closing hint: what the same calls need against the real vendor.
    var realVendorHint: String {
        switch self {
        case .avala:
            "Against the real Avala API the same calls need only \(descriptor.apiKeyEnvironmentVariable); see README.md."
        case .labelStudio:
            "Against a real Label Studio the same calls need only \(descriptor.apiKeyEnvironmentVariable) (a personal "
                + "access token) and \(descriptor.baseURLEnvironmentVariable); see README.md."
        }
    }
}

/// Sees every request the demo's gateway sends before the simulator does, its credentials
/// not yet redacted, and notes which carried the configured API key itself. The simulator's
/// request log redacts every secret alike, so it cannot tell Label Studio's personal access
/// token, which must go only to the token exchange, from the access tokens it is exchanged for.
final class KeyWitness: HTTPTransport {
    /// One request as sent.
    struct Sent: Sendable {
        var method: HTTPMethod
        var url: URL
        var carriedKey: Bool
    }

    private let inner: any HTTPTransport
    private let key: String
    private let sent = Mutex<[Sent]>([])

    init(_ inner: any HTTPTransport, key: String) {
        self.inner = inner
        self.key = key
    }

    /// Every request so far, oldest first.
    var requests: [Sent] { sent.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let carried =
            request.url.absoluteString.contains(key) || request.headers.contains { $0.value.contains(key) }
            || (request.body.map { $0.range(of: Data(key.utf8)) != nil } ?? false)
        sent.withLock { $0.append(Sent(method: request.method, url: request.url, carriedKey: carried)) }
        return try await inner.send(request)
    }
}
