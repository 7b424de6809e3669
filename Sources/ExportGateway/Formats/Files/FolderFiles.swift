import Foundation

/// The files under a folder on disk.
public struct FolderFiles: DatasetFiles {
    /// The folder.
    public let root: URL
    /// Every regular file's path relative to ``root``, sorted.
    public let paths: [String]

    /// Lists the files under `root` (symbolic links are not followed out of it).
    /// - Throws: ``GatewayError/Kind/localFile`` when `root` is not a readable folder.
    public init(root: URL) throws {
        self.root = root.standardizedFileURL
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: self.root.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw GatewayError(
                .localFile, message: "\(root.path) is not a folder. Give the folder that holds the dataset.")
        }
        let base = self.root.path.hasSuffix("/") ? self.root.path : self.root.path + "/"
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(
            at: self.root, includingPropertiesForKeys: [.isRegularFileKey], options: [])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(base) else { continue }
            found.append(String(path.dropFirst(base.count)))
        }
        paths = found.sorted()
    }

    /// The file's location on disk.
    public func url(of path: String) -> URL { root.appendingPathComponent(path) }

    public func open(_ path: String) throws -> any DatasetFileReader {
        guard DatasetPath.isSafe(path) else {
            throw GatewayError(.localFile, message: "\(path) is not a path inside \(root.path).")
        }
        return try FileReader(url: url(of: path))
    }
}

/// Reads a file on disk in pieces.
struct FileReader: DatasetFileReader {
    let handle: FileHandle

    /// Opens `url`.
    /// - Throws: ``GatewayError/Kind/localFile`` when it cannot be opened.
    init(url: URL) throws {
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw GatewayError(
                .localFile, message: "Could not open \(url.path): \(error.localizedDescription)", underlying: error)
        }
    }

    mutating func read(upTo maxCount: Int) throws -> Data? {
        let piece = try handle.read(upToCount: maxCount)
        guard let piece, !piece.isEmpty else { return nil }
        return piece
    }
}
