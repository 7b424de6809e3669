import Foundation

/// Appends text and bytes to a new file through a buffer, so writers that emit many small
/// pieces (a YOLO row, a COCO annotation) make few system calls.
final class BufferedFileWriter {
    private let handle: FileHandle
    private let url: URL
    private var buffer = Data()
    private let capacity: Int

    /// Creates (or truncates) the file at `url`.
    init(url: URL, capacity: Int = 1 << 16) throws {
        self.url = url
        self.capacity = capacity
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw GatewayError(.localFile, message: "Could not create \(url.path). Check the folder is writable.")
        }
        do {
            handle = try FileHandle(forWritingTo: url)
        } catch {
            throw GatewayError(
                .localFile, message: "Could not open \(url.path): \(error.localizedDescription)", underlying: error)
        }
        buffer.reserveCapacity(capacity)
    }

    /// Appends UTF-8 text.
    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { try flush() }
    }

    /// Appends bytes.
    func write(_ bytes: Data) throws {
        buffer.append(bytes)
        if buffer.count >= capacity { try flush() }
    }

    /// Writes out what is buffered.
    func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw GatewayError(
                .localFile, message: "Could not write \(url.path): \(error.localizedDescription)", underlying: error)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file.
    func close() throws {
        try flush()
        try? handle.close()
    }
}
