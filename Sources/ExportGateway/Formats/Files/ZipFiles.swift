import Foundation

/// The files of a ZIP archive, read in place: a vendor's export archive reads like the folder
/// it unpacks to, without unpacking it or loading it into memory.
///
/// Entries may be stored or deflated, with data descriptors and ZIP64 sizes; each file's
/// CRC-32 and size are checked as it is read to its end. An archive whose entry names could
/// escape the folder they unpack into (absolute, `..`, backslash, NUL) or that holds two
/// entries with one name is refused as a whole.
///
/// ```swift
/// let files = try ZipFiles(archive: URL(fileURLWithPath: "export.zip"))
/// let json = try files.contents(of: "annotations/instances_train.json")
/// ```
public struct ZipFiles: DatasetFiles {
    /// The archive on disk.
    public let archive: URL
    /// Every regular file's path inside the archive (leading `./` dropped), sorted;
    /// directories and symbolic links are not listed.
    public let paths: [String]
    private let entries: [String: ZipEntry]

    /// Reads the archive's central directory.
    /// - Throws: ``GatewayError/Kind/localFile`` when the archive cannot be opened,
    ///   ``GatewayError/Kind/decoding`` when it is not a ZIP archive, is truncated or damaged,
    ///   or names an entry unsafely or twice, ``GatewayError/Kind/unsupported`` when it is split
    ///   across several files.
    public init(archive: URL) throws {
        self.archive = archive
        let file = try ZipArchiveFile(url: archive)
        let listed = try ZipCentralDirectory.entries(of: file, end: try ZipEndRecord.locate(in: file))
        paths = listed.map(\.path)
        entries = Dictionary(listed.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether the file at `url` starts like a ZIP archive: a local file header, or the end
    /// record of an archive with no entries.
    public static func isArchive(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        guard let start = try? handle.read(upToCount: 4) else { return false }
        return start == Data([0x50, 0x4B, 0x03, 0x04]) || start == Data([0x50, 0x4B, 0x05, 0x06])
    }

    /// Opens the entry at `path` for reading; its CRC-32 and size are checked when its end is read.
    /// - Throws: ``GatewayError/Kind/localFile`` when the archive has no such file,
    ///   ``GatewayError/Kind/unsupported`` for an encrypted entry or a compression method other
    ///   than stored or deflate, ``GatewayError/Kind/decoding`` for a damaged entry.
    public func open(_ path: String) throws -> any DatasetFileReader {
        guard let entry = entries[path] else {
            throw GatewayError(
                .localFile,
                message: "The ZIP archive \(archive.path) has no file \(path). "
                    + "Check the path against the archive's listing (unzip -l).")
        }
        return try ZipEntryReader(file: try ZipArchiveFile(url: archive), entry: entry)
    }
}
