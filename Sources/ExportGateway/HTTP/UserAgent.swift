/// The `User-Agent` the core sends to vendor API hosts.
public enum UserAgent {
    /// The library version that appears in the user agent and in `export-gateway version`.
    public static let libraryVersion = "0.1.0"
    /// `ExportGateway/<version> (Swift)`.
    public static let value = "ExportGateway/\(libraryVersion) (Swift)"
}
