import Foundation

/// A downloaded export file being read by a format reader, and the temporary folder it lives
/// in: the folder is removed when iteration ends or the iterator is dropped.
///
/// `@unchecked Sendable`: it is made inside a task and then used only by the one iterator
/// that owns it, never concurrently.
final class AnnotationFile: @unchecked Sendable {
    private var reader: any AnnotationReader
    private let temporaryFolder: URL?
    private let stamp: @Sendable (GatewayError) -> GatewayError

    init(
        reader: any AnnotationReader, temporaryFolder: URL?,
        stamp: @escaping @Sendable (GatewayError) -> GatewayError
    ) {
        self.reader = reader
        self.temporaryFolder = temporaryFolder
        self.stamp = stamp
    }

    /// The next image, or `nil` after the last (the temporary folder is then removed).
    func next() throws -> AnnotatedItem? {
        do {
            let item = try reader.next()
            if item == nil { removeTemporaryFolder() }
            return item
        } catch let error as GatewayError {
            removeTemporaryFolder()
            throw stamp(error)
        }
    }

    private func removeTemporaryFolder() {
        if let temporaryFolder { try? FileManager.default.removeItem(at: temporaryFolder) }
    }

    deinit { removeTemporaryFolder() }
}
