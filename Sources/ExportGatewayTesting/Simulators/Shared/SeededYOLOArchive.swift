import ExportGateway
import Foundation

/// ``SeededAnnotations`` as an Ultralytics YOLO detection dataset, the way the Avala
/// simulator serves a `YOLO` export of its annotated dataset:
///
/// ```
/// data.yaml                      train: images/train, val: images/train, names {0: car, …}
/// images/train/city/0001.png     real PNGs of the seeded sizes (sub-folders kept)
/// labels/train/city/0001.txt     "class cx cy w h" per box, normalized, %.6f
/// ```
///
/// A label file sits at its image's path with `images/` → `labels/` and the extension
/// `.txt` (Ultralytics' rule); an image without objects has an empty one. Only boxes are
/// written: polygons are not part of a YOLO detection export. Every image goes to `train`
/// (the one subset), which `val` names too, as Ultralytics needs both.
public enum SeededYOLOArchive {
    /// The class list file.
    public static let dataYAMLPath = "data.yaml"

    /// `data.yaml`: the subsets' image folders and the classes in index order.
    public static var dataYAML: String {
        var yaml = "train: images/train\nval: images/train\nnames:\n"
        for (index, name) in SeededAnnotations.classes.enumerated() { yaml += "  \(index): \(name)\n" }
        return yaml
    }

    /// Where `image` sits in the archive.
    public static func imagePath(of image: SeededAnnotations.Image) -> String { "images/train/" + image.key }

    /// Where `image`'s labels sit in the archive.
    public static func labelPath(of image: SeededAnnotations.Image) -> String {
        "labels/train/" + DatasetPath.stem(image.key) + ".txt"
    }

    /// The label file of `image`: one `class cx cy w h` row per box, each ending in a newline;
    /// empty when it has no box.
    public static func labels(of image: SeededAnnotations.Image) -> String {
        let width = Double(image.size.width), height = Double(image.size.height)
        return image.objects.compactMap { object -> String? in
            guard case .box(let box) = object.geometry else { return nil }
            let classIndex = SeededAnnotations.classes.firstIndex(of: object.label) ?? 0
            return String(
                format: "%d %.6f %.6f %.6f %.6f\n", classIndex, (box.x + box.width / 2) / width,
                (box.y + box.height / 2) / height, box.width / width, box.height / height)
        }.joined()
    }

    /// How many rows the label files hold (the seed's boxes).
    public static var boxCount: Int {
        SeededAnnotations.images.reduce(0) { count, image in
            count + image.objects.filter { if case .box = $0.geometry { true } else { false } }.count
        }
    }

    /// Every file of the archive: `data.yaml`, then each image followed by its label file.
    public static var entries: [ZipArchive.Entry] {
        var entries = [ZipArchive.Entry(path: dataYAMLPath, contents: Data(dataYAML.utf8))]
        for image in SeededAnnotations.images {
            let png = MinimalPNG.checkerboard(width: image.size.width, height: image.size.height) ?? Data()
            entries.append(ZipArchive.Entry(path: imagePath(of: image), contents: png))
            entries.append(ZipArchive.Entry(path: labelPath(of: image), contents: Data(labels(of: image).utf8)))
        }
        return entries
    }
}
