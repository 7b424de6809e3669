import Foundation

extension AnnotationFormat {
    /// The format of the dataset in `files`, judged by what is there: a YOLO class list
    /// (`data.yaml`, `obj.names`, `classes.txt`) with label files, a VOC `Annotations/` or
    /// `ImageSets/Main/` folder, or a COCO JSON file; `nil` when none is found.
    public static func detect(in files: any DatasetFiles) -> AnnotationFormat? {
        let paths = files.paths
        func named(_ name: String) -> Bool { paths.contains { $0 == name || $0.hasSuffix("/" + name) } }
        func inFolder(_ folder: String, withExtension fileExtension: String) -> Bool {
            paths.contains {
                ($0.hasPrefix(folder + "/") || $0.contains("/" + folder + "/"))
                    && DatasetPath.fileExtension($0) == fileExtension
            }
        }
        if inFolder("Annotations", withExtension: "xml") || paths.contains(where: { $0.contains("ImageSets/Main/") }) {
            return .voc
        }
        if named("data.yaml") || named("obj.names")
            || (named("classes.txt") && inFolder("labels", withExtension: "txt"))
        {
            return .yolo
        }
        if paths.contains(where: { DatasetPath.fileExtension($0) == "json" }) { return .coco }
        return nil
    }

    /// A reader of the dataset in `files`, which must be in this format.
    /// - Throws: ``GatewayError/Kind/decoding`` when the files are not this format's.
    public func reader(for files: any DatasetFiles) throws -> any AnnotationReader {
        switch self {
        case .coco: try COCOReader(files: files)
        case .yolo: try YOLOReader(files: files)
        case .voc: try VOCReader(files: files)
        }
    }

    /// A writer of this format's layout into `destination` (absent, or an empty folder),
    /// with the class list `classes` first.
    public func writer(to destination: URL, classes: [String] = []) throws -> any AnnotationWriter {
        switch self {
        case .coco: try COCOWriter(destination: destination, classes: classes)
        case .yolo: try YOLOWriter(destination: destination, classes: classes)
        case .voc: try VOCWriter(destination: destination, classes: classes)
        }
    }

    /// The files at `url`: a ZIP archive read in place, a folder, or a single file.
    /// - Throws: ``GatewayError/Kind/localFile`` when nothing readable is there.
    public static func files(at url: URL) throws -> any DatasetFiles {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw GatewayError(.localFile, message: "\(url.path) does not exist.")
        }
        if isFolder.boolValue { return try FolderFiles(root: url) }
        if ZipFiles.isArchive(url) { return try ZipFiles(archive: url) }
        return try SingleFile(url: url)
    }
}
