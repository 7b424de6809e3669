import ExportGateway
import Foundation

/// What the conformance suite and the core's tests need from any vendor simulator: the
/// adapter it simulates, a transport to plug into a gateway, its keys and origins, seeding,
/// scripting and faults (the host, transport, log and faults come from ``ServableSimulator``).
public protocol VendorSimulator: ServableSimulator {
    /// The adapter whose vendor this simulates, such as `AvalaProvider.descriptor`.
    ///
    /// A type-level fact, so a conformance target knows its provider before any simulator
    /// exists (a loopback simulator is built only once its ports are bound).
    static var provider: ProviderDescriptor { get }
    /// A key with full access.
    var apiKey: String { get }
    /// A valid key that may read no dataset (answers 403).
    var restrictedAPIKey: String { get }

    /// Seeds a dataset of `itemCount` deterministic items and returns the reference a
    /// pipeline would pass as a ``DatasetRef``.
    @discardableResult
    func seedDataset(named name: String, itemCount: Int) -> String

    /// Seeds the images of ``SeededAnnotations`` in this vendor's own shapes and returns the
    /// source whose annotation export (``Gateway/createAnnotationExport(of:name:)``) holds
    /// exactly them.
    func seedAnnotatedSource() -> ExportSource

    /// Makes the next created export follow `script` instead of the default.
    func scriptNextExport(_ script: ExportScript)

    /// Whether the vendor has a canceled state that ``ExportScript/cancels(afterPolls:)``
    /// can reach (some vendors' exports only complete or fail). A type-level fact, so the
    /// conformance suite knows which checks apply before any simulator exists.
    static var canCancelExports: Bool { get }
}

extension VendorSimulator {
    public static var canCancelExports: Bool { true }
    /// Whether this simulator's vendor has a canceled state (the type's ``canCancelExports``).
    public var canCancelExports: Bool { Self.canCancelExports }
}
