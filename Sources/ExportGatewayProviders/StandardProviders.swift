@_exported import ExportGateway
@_exported import ExportGatewayAvala
@_exported import ExportGatewayLabelStudio
@_exported import ExportGatewayLabelbox
@_exported import ExportGatewayPictograph

extension ProviderSet {
    /// Every adapter this package ships, so a pipeline can choose the vendor by
    /// configuration alone: `Gateway(configuration: .environment(), providers: .standard)`.
    public static var standard: ProviderSet { .avala + .pictograph + .labelbox + .labelStudio }
}
