import Foundation

/// One file on disk as a tree of its own (a lone COCO JSON file), without listing its folder.
public struct SingleFile: DatasetFiles {
    /// The file.
    public let url: URL
    public let paths: [String]

    /// The file at `url`.
    /// - Throws: ``GatewayError/Kind/localFile`` when it is not a readable file.
    public init(url: URL) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw GatewayError(.localFile, message: "\(url.path) is not a file.")
        }
        self.url = url
        paths = [url.lastPathComponent]
    }

    public func open(_ path: String) throws -> any DatasetFileReader {
        guard path == url.lastPathComponent else {
            throw GatewayError(.localFile, message: "\(path) is not \(url.path).")
        }
        return try FileReader(url: url)
    }
}
