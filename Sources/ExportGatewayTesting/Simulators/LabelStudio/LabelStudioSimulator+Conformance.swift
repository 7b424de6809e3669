import ExportGateway
import ExportGatewayLabelStudio

/// The simulator as a conformance target: it simulates the Label Studio adapter. (Everything
/// else ``VendorSimulator`` asks for, the simulator has of its own.)
extension LabelStudioSimulator: VendorSimulator {
    /// The Label Studio adapter, whose vendor this simulates.
    public static var provider: ProviderDescriptor { LabelStudioProvider.descriptor }
}
