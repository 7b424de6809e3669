import Foundation

/// The files under one folder of another tree, as a tree of their own: an archive that wraps
/// its dataset in a top folder reads like the dataset itself.
public struct SubtreeFiles: DatasetFiles {
    /// The tree this is part of.
    public let base: any DatasetFiles
    /// The folder, `/`-terminated, or `""` for the whole tree.
    public let prefix: String
    public let paths: [String]

    /// The files of `base` under `folder` (`"export/"` or `"export"`).
    public init(_ base: any DatasetFiles, folder: String) {
        self.base = base
        let prefix = folder.isEmpty || folder.hasSuffix("/") ? folder : folder + "/"
        self.prefix = prefix
        paths = base.paths.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    public func open(_ path: String) throws -> any DatasetFileReader { try base.open(prefix + path) }
}
