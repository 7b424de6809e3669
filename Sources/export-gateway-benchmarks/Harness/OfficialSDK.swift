import Foundation

/// The vendors' official Python SDKs, run side by side with the gateway on the same simulator
/// when `EXPORT_GATEWAY_SDK_PYTHON` names a Python that has them
/// (`eval "$(scripts/sdk-benchmarks/setup.sh)"` installs them and sets it).
enum OfficialSDK {
    static var python: String? {
        ProcessInfo.processInfo.environment["EXPORT_GATEWAY_SDK_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `scripts/sdk-benchmarks/` of this checkout.
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/sdk-benchmarks")

    /// Runs `script` with `arguments` and returns the JSON object it prints.
    static func run(_ script: String, _ arguments: [String]) throws -> [String: Double] {
        guard let python else { throw BenchmarkFailure("EXPORT_GATEWAY_SDK_PYTHON is not set.") }
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scripts.appendingPathComponent(script).path] + arguments
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw BenchmarkFailure("\(script) failed (exit status \(process.terminationStatus)).")
        }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}
