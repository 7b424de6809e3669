import ExportGateway

/// The options every command accepts, what the root help says about configuration and
/// exit statuses, and the options refused on purpose.
enum GlobalOptions {
    /// `--provider NAME`: sets `EXPORT_GATEWAY_PROVIDER` for this run.
    static let provider: Option<String?> = .value(
        "provider", placeholder: "NAME",
        help:
            "The vendor to talk to, such as avala, pictograph or labelbox (default: EXPORT_GATEWAY_PROVIDER, then \"provider\" in the config file).",
        .text)
    /// `--config FILE`: the configuration file, under the environment.
    static let config: Option<String?> = .value(
        "config", placeholder: "FILE",
        help: "A JSON configuration file, such as {\"provider\": \"avala\"}; the environment overrides it.", .path)
    /// `--base-url URL`: sets `EXPORT_GATEWAY_BASE_URL` for this run.
    static let baseURL: Option<String?> = .value(
        "base-url", placeholder: "URL",
        help: "The vendor API base URL for this run (sets EXPORT_GATEWAY_BASE_URL; https, or http on localhost).", .text
    )
    static let json: Option<Bool> = .flag(
        "json", help: "Machine output on stdout: one JSON document, or one JSON object per line for lists.")
    static let quiet: Option<Bool> = .flag(
        "quiet", short: "q", help: "No progress and no hints: print only ids and paths.")
    static let verbose: Option<Bool> = .flag(
        "verbose", short: "v", help: "Log every request, retry and redirect to stderr (keys are never printed).")
    /// `--version`: the `version` command, from wherever a global option may be typed.
    static let version: Option<Bool> = .flag("version", help: "Print the version of export-gateway and exit.")

    /// Accepted before or after any command name (with ``version``, which the root adds as
    /// the flag that runs `version`).
    static let options: [any OptionDeclaration] = [provider, config, baseURL, json, quiet, verbose]

    /// Why an API key is never a flag, and what to do instead.
    static let keyRefusal =
        "API keys are never read from the command line, where shell history and process lists would keep them. Set the provider's variable instead (AVALA_API_KEY, PICTOGRAPH_API_KEY; 'export-gateway providers' shows which one is read), or \"apiKey\" in the --config file."

    /// Options people reach for that the tool refuses, with the reason.
    static let refused: [String: String] = ["api-key": keyRefusal, "key": keyRefusal, "token": keyRefusal]

    /// The root help's text under the usage line.
    static let discussion = """
        Creates, waits for, downloads and deletes exports, and lists dataset items, at the vendor \
        the configuration names. Configuration is the library's: a JSON file (--config) and/or the \
        environment (EXPORT_GATEWAY_PROVIDER, EXPORT_GATEWAY_BASE_URL, EXPORT_GATEWAY_PAGE_SIZE, and \
        the provider's key variable such as AVALA_API_KEY). --provider and --base-url override both.

        Short options bundle: -qv is -q -v, and a letter that takes a value comes last and takes \
        the next word (-qo FILE). --version prints the version wherever an option is accepted. \
        'export-gateway completions bash' (or zsh) prints a shell completion script.

        Exit status: 0 done; 1 failed here (configuration, network, local file, stdout that \
        cannot be written); 2 the command line was wrong; 3 the vendor refused or failed \
        (authentication, permission, not found, rejected fields, rate limit, server error, failed \
        export, unsupported feature); 4 a wait timed out (the export may still finish); 130 or \
        143 stopped by SIGINT or SIGTERM, after cleaning up (a download leaves no .part file).
        """

    /// The root help's examples.
    static let examples = [
        "export AVALA_API_KEY=...   EXPORT_GATEWAY_PROVIDER=avala",
        "export-gateway providers",
        "export-gateway exports create acme/street-scenes --format yolo",
        "export-gateway exports wait <export-id> --timeout 30m",
        "export-gateway exports download <export-id> --output street-scenes.zip",
        "export-gateway items list acme/street-scenes --limit 10 --json",
    ]
}
