import ExportGateway
import ExportGatewayProviders
import ExportGatewayTesting
import Foundation

/// A vendor `simulate` can serve.
enum SimulatedVendor: String, Sendable, CaseIterable {
    case avala
    case pictograph
    case labelbox
    case labelStudio = "label-studio"

    /// How a client sends the key, printed after it.
    var keyHeader: String {
        switch self {
        case .avala: "header X-Avala-Api-Key"
        case .pictograph: "header X-API-Key"
        case .labelbox: "header Authorization: Bearer"
        // Label Studio's key is a refresh JWT: sent as a Bearer token it is no credential at all.
        case .labelStudio:
            "a personal access token: POST it as {\"refresh\": KEY} to /api/token/refresh/, then send the "
                + "access token it returns as Authorization: Bearer; the gateway does this by itself"
        }
    }

    /// Whether result files come from the storage origin; Label Studio serves them from its API.
    var hasStorageHost: Bool { self != .labelStudio }

    /// The reads an export takes to complete when `--export-polls` is not given: 3, except
    /// Label Studio's 0, whose create completes the export as a server without Redis does.
    var defaultExportPolls: Int { self == .labelStudio ? 0 : 3 }

    /// The vendors as help lists them: `a, b or c`.
    static var names: String {
        let names = allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + (names.count > 1 ? " or " : "") + (names.last ?? "")
    }

    /// The provider's descriptor: environment variable names for the printed hints.
    var descriptor: ProviderDescriptor {
        switch self {
        case .avala: AvalaProvider.descriptor
        case .pictograph: PictographProvider.descriptor
        case .labelbox: LabelboxProvider.descriptor
        case .labelStudio: LabelStudioProvider.descriptor
        }
    }
}

/// What `simulate` was asked for, already checked.
struct SimulationOptions: Sendable {
    /// First port (0 = any free ports): API ports first, one per vendor, then storage ports.
    var port: Int = 0
    var vendors: [SimulatedVendor] = SimulatedVendor.allCases
    var items: Int = 100
    /// Reads an export takes to complete; `nil`: each vendor's ``SimulatedVendor/defaultExportPolls``.
    var exportPolls: Int?
    var faults = FaultPlan()
    /// What every answer waits: `--latency` and `--jitter`.
    var latency = SimulatedLatency.none
}

/// The simulators `simulate` runs, each behind a ``SimulatorServer``: started by
/// ``start(_:)`` (the part tests drive), served by ``serveUntilInterrupted()``.
struct Simulation: Sendable {
    /// One running vendor.
    struct Vendor: Sendable {
        var vendor: SimulatedVendor
        /// The simulator behind the two listeners, for tests to build gateways on.
        var simulator: any VendorSimulator
        var dataset: String
        /// The dataset's uid, where the wire names datasets by uid (Avala's create body).
        var datasetUID: String?
        /// A project seeded beside the dataset, where the vendor exports projects apart from
        /// datasets (Labelbox).
        var project: String?
        /// The images of `SeededAnnotations`, in this vendor's shapes, for `exports download --as`.
        var annotated: ExportSource
        var stop: @Sendable () async -> Void

        var apiBaseURL: URL { simulator.apiBaseURL }
        var storageURL: URL { simulator.storageBaseURL }
        var apiKey: String { simulator.apiKey }
    }

    /// The running vendors, in the order asked for.
    let vendors: [Vendor]
    let items: Int
    let latency: SimulatedLatency

    /// Binds every vendor's two ports, builds and seeds its simulator, injects the faults.
    /// - Throws: ``LoopbackServerError`` when a port is taken (what was started is stopped).
    static func start(_ options: SimulationOptions) async throws -> Simulation {
        var running: [Vendor] = []
        let count = options.vendors.count
        do {
            for (index, vendor) in options.vendors.enumerated() {
                let apiPort = options.port == 0 ? 0 : options.port + index
                let storagePort = options.port == 0 ? 0 : options.port + count + index
                running.append(try start(vendor, apiPort: apiPort, storagePort: storagePort, options: options))
            }
        } catch {
            for vendor in running { await vendor.stop() }
            throw error
        }
        return Simulation(vendors: running, items: options.items, latency: options.latency)
    }

    private static func start(
        _ vendor: SimulatedVendor, apiPort: Int, storagePort: Int, options: SimulationOptions
    ) throws -> Vendor {
        let polls = options.exportPolls ?? vendor.defaultExportPolls
        func running(_ simulator: any VendorSimulator, stop: @escaping @Sendable () async -> Void) -> Vendor {
            let dataset = simulator.seedDataset(named: "sim-dataset", itemCount: options.items)
            let project = (simulator as? LabelboxSimulator)?.seedProject(named: "sim-project", itemCount: options.items)
            let annotated = simulator.seedAnnotatedSource()
            options.faults.inject(into: simulator, vendor: vendor)
            return Vendor(
                vendor: vendor, simulator: simulator, dataset: dataset,
                datasetUID: (simulator as? AvalaSimulator)?.datasetUID(for: dataset), project: project,
                annotated: annotated, stop: stop)
        }
        func serve<Simulator: VendorSimulator>(_ make: (URL, URL) -> Simulator) throws -> Vendor {
            let server = try SimulatorServer.start(
                apiPort: apiPort, storagePort: storagePort, latency: options.latency, simulator: make)
            return running(server.simulator) { await server.stop() }
        }
        switch vendor {
        case .avala:
            return try serve { api, storage in
                AvalaSimulator(
                    apiBaseURL: api.appendingPathComponent("api/v1"), storageBaseURL: storage,
                    pollsToComplete: polls)
            }
        case .pictograph:
            return try serve { PictographSimulator(apiBaseURL: $0, storageBaseURL: $1, pollsToComplete: polls) }
        case .labelbox:
            return try serve { LabelboxSimulator(apiBaseURL: $0, storageBaseURL: $1, pollsToComplete: polls) }
        case .labelStudio:
            // The API's origin is its base URL (every route starts /api/); nothing is ever
            // stored on the storage origin, as Label Studio serves files from its API.
            return try serve { LabelStudioSimulator(apiBaseURL: $0, storageBaseURL: $1, pollsToComplete: polls) }
        }
    }

    /// What to point a client at, vendor by vendor.
    func describe(on console: Console) {
        if !latency.isNone {
            // Whole milliseconds, as --latency and --jitter are read.
            func spelled(_ delay: Duration) -> String { "\(Int((delay / .milliseconds(1)).rounded()))ms" }
            let jitter = latency.jitter == .zero ? "" : " plus up to \(spelled(latency.jitter)) of jitter"
            console.line("Latency: every API and storage answer waits \(spelled(latency.roundTrip))\(jitter).")
            console.line()
        }
        for vendor in vendors {
            let descriptor = vendor.vendor.descriptor
            console.line("\(descriptor.displayName) (\(vendor.vendor.rawValue))")
            console.line("  base URL:     \(vendor.apiBaseURL.absoluteString)")
            if let labelStudio = vendor.simulator as? LabelStudioSimulator {
                console.line("  storage URL:  \(vendor.storageURL.absoluteString)   (unused: files come from the API)")
                console.line("  API key:      \(vendor.apiKey)   (\(vendor.vendor.keyHeader))")
                console.line("  dataset:      \(vendor.dataset)   (an image project's id, \(items) items)")
                let polls = labelStudio.pollsToComplete
                console.line(
                    polls == 0
                        ? "  exports:      completed by the create, as without Redis (--export-polls K queues them)"
                        : "  exports:      queued, as with Redis: completed on read \(polls)")
            } else {
                console.line("  storage URL:  \(vendor.storageURL.absoluteString)")
                console.line("  API key:      \(vendor.apiKey)   (\(vendor.vendor.keyHeader))")
                console.line("  dataset:      \(vendor.dataset)   (\(items) items)")
            }
            if let uid = vendor.datasetUID { console.line("  dataset uid:  \(uid)") }
            if let project = vendor.project {
                console.line("  project:      \(project)   (\(items) data rows in every workflow status)")
            }
            let annotatedFormat = AnnotationsDemo.how(vendor.simulator.gateway().annotationRoute)
            switch vendor.annotated {
            case .dataset(let ref):
                console.line("  annotated:    dataset \(ref)   (5 images with boxes and polygons; \(annotatedFormat))")
            case .project(let id):
                console.line("  annotated:    project \(id)   (5 images with boxes and polygons; \(annotatedFormat))")
            }
            console.line(
                "  environment:  \(descriptor.apiKeyEnvironmentVariable)=\(vendor.apiKey) \(descriptor.baseURLEnvironmentVariable)=\(vendor.apiBaseURL.absoluteString)"
            )
            console.line()
        }
    }

    /// Stops every vendor's listeners and waits for their connections to close.
    func stop() async {
        for vendor in vendors { await vendor.stop() }
    }

    /// Says it is serving, serves until SIGINT or SIGTERM (or until the command is stopped
    /// otherwise), then stops cleanly. The signal is how `simulate` is meant to end, so the
    /// tool exits 0 after it.
    func serveUntilInterrupted(console: Console) async {
        let interruption = console.environment.interruption
        // Before the line that invites Ctrl-C, so no signal after it counts as a failure.
        interruption.endsNormallyOnSignal()
        console.line("Serving; press Ctrl-C to stop.")
        await Interruption.untilCanceled()
        if let signal = interruption.signal { console.line("Received \(signal.name); stopping.") }
        await stop()
    }
}
