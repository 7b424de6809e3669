import Foundation

/// A fixed-seed random source, so shuffled inputs are the same on every run.
struct COCOSeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// A generator that always gives the same sequence for `seed`.
    init(seed: UInt64) { state = seed }

    /// The next value (splitmix64).
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// A folder under the system's temporary folder, removed when the test's value goes away.
final class COCOTemporaryFolder {
    /// The folder.
    let url: URL

    /// Creates a new empty folder.
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("coco-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` at `path`, creating its folders.
    func write(_ path: String, _ text: String) throws {
        let target = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target)
    }
}
