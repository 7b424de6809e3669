import Foundation

/// A folder written beside its destination and moved there only when complete, so a reader
/// never sees half a dataset and a failed write leaves nothing behind.
struct StagingFolder: Sendable {
    /// Where the finished folder goes.
    let destination: URL
    /// Where it is written meanwhile: a hidden sibling of ``destination``.
    let url: URL

    /// Prepares to write `destination`, which must not exist or be an empty folder.
    /// - Throws: ``GatewayError/Kind/localFile`` when it holds files or cannot be created.
    init(destination: URL) throws {
        let destination = destination.standardizedFileURL
        self.destination = destination
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: destination.path, isDirectory: &isFolder) {
            let empty =
                isFolder.boolValue && ((try? manager.contentsOfDirectory(atPath: destination.path))?.isEmpty ?? false)
            guard empty else {
                throw GatewayError(
                    .localFile,
                    message: "\(destination.path) already exists and is not an empty folder. "
                        + "Choose a new folder, or remove this one first; nothing was written.")
            }
        }
        let parent = destination.deletingLastPathComponent()
        url = parent.appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw GatewayError(
                .localFile, message: "Could not create \(url.path): \(error.localizedDescription)", underlying: error)
        }
    }

    /// The location of `relativePath` in the staging folder, its parent folders created.
    /// - Throws: ``GatewayError/Kind/localFile`` for a path that would leave the folder.
    func file(_ relativePath: String) throws -> URL {
        guard DatasetPath.isSafe(relativePath) else {
            throw GatewayError(.localFile, message: "\(relativePath) is not a path inside the output folder.")
        }
        let target = url.appendingPathComponent(relativePath)
        let parent = target.deletingLastPathComponent()
        // One stat when the folder is there already (most files of a dataset share folders).
        guard !FileManager.default.fileExists(atPath: parent.path) else { return target }
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw GatewayError(
                .localFile, message: "Could not create a folder for \(target.path): \(error.localizedDescription)",
                underlying: error)
        }
        return target
    }

    /// Moves the finished folder to ``destination``.
    func commit() throws {
        let manager = FileManager.default
        do {
            if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }
            try manager.moveItem(at: url, to: destination)
        } catch {
            discard()
            throw GatewayError(
                .localFile,
                message: "Could not move the output into \(destination.path): \(error.localizedDescription)",
                underlying: error)
        }
    }

    /// Removes the staging folder and everything in it.
    func discard() {
        try? FileManager.default.removeItem(at: url)
    }
}
