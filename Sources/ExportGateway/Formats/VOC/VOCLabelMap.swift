import Foundation

/// `labelmap.txt`, the class list datumaro and CVAT add to Pascal VOC
/// (`name:r,g,b:parts:actions`, `background` first), and the VOC colour of each class.
enum VOCLabelMap {
    /// The class-list file's name at the dataset root.
    static let fileName = "labelmap.txt"
    /// The class VOC reserves for index 0 (unlabelled pixels); never a class of its own.
    static let background = "background"

    /// The class names in file order, `background` left out.
    static func classes(in data: Data) -> [String] {
        var classes: [String] = []
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let name =
                trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(
                    String.init) ?? ""
            guard !name.isEmpty, name != background, !classes.contains(name) else { continue }
            classes.append(name)
        }
        return classes
    }

    /// The file's text: the header, `background`, then each class with the colour of its
    /// line index (background is 0), as datumaro writes it.
    static func text(classes: [String]) -> String {
        var text = "# label:color_rgb:parts:actions\n\(background):0,0,0::\n"
        for (offset, name) in classes.enumerated() {
            let color = color(index: offset + 1)
            text += "\(name):\(color[0]),\(color[1]),\(color[2])::\n"
        }
        return text
    }

    /// The VOC bit-interleaved colormap: index 1 is 128,0,0, 2 is 0,128,0, 3 is 128,128,0.
    static func color(index: Int) -> [UInt8] {
        var red = 0, green = 0, blue = 0
        var code = index
        for shift in (0..<8).reversed() {
            red |= (code & 1) << shift
            green |= ((code >> 1) & 1) << shift
            blue |= ((code >> 2) & 1) << shift
            code >>= 3
        }
        return [UInt8(red & 0xFF), UInt8(green & 0xFF), UInt8(blue & 0xFF)]
    }
}
