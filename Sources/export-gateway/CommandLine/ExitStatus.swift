import ExportGateway

/// The process exit status, distinct per kind of failure so scripts can react without
/// reading stderr: 0 done, 1 failed here, 2 typed wrong, 3 the vendor refused or failed or
/// the export is not there yet, 4 a wait ran out of time, 130 and 143 stopped by SIGINT or
/// SIGTERM.
enum ExitStatus: Int32, Sendable {
    /// The command did what was asked.
    case success = 0
    /// The command ran and failed here: configuration, network, a local file, an integrity
    /// check, a bound exceeded, cancellation.
    case failure = 1
    /// The command line itself was wrong; nothing was attempted.
    case usage = 2
    /// The vendor refused or failed: authentication, permission, not found, rejected fields,
    /// rate limit, server error, an export that failed or is not ready, a feature the provider
    /// lacks, an answer of the wrong shape.
    case vendor = 3
    /// A wait ran out of time; the export may still finish.
    case timeout = 4
    /// SIGINT (Ctrl-C) stopped the command, which cleaned up first: 128 + 2, what a shell
    /// reports for a process the signal ended.
    case interrupted = 130
    /// SIGTERM stopped the command, which cleaned up first: 128 + 15.
    case terminated = 143

    /// The one table from error kind to exit status. A kind added to the library later and
    /// not listed here ends the tool with ``failure``.
    static let byErrorKind: [GatewayError.Kind: ExitStatus] = [
        .authentication: .vendor,
        .permissionDenied: .vendor,
        .notFound: .vendor,
        .invalidRequest: .vendor,
        .rateLimited: .vendor,
        .server: .vendor,
        .exportFailed: .vendor,
        .notReady: .vendor,
        .unsupported: .vendor,
        .decoding: .vendor,
        .timeout: .timeout,
        .transport: .failure,
        .configuration: .failure,
        .integrity: .failure,
        .localFile: .failure,
        .limitExceeded: .failure,
    ]

    /// The status a gateway error of `kind` ends the tool with.
    init(for kind: GatewayError.Kind) {
        self = Self.byErrorKind[kind] ?? .failure
    }
}
