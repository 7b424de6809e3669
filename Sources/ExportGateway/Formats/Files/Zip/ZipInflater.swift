import CZlib
import Foundation

/// A raw-deflate decompressor (zlib with no header, as ZIP stores it) that owns its
/// `z_stream`, so the stream is ended however its reader is left: finished, failed, or
/// dropped half read. The stream and its input live at fixed addresses because zlib keeps a
/// pointer back to the stream and checks it on every call.
final class ZipInflater {
    /// What one call to ``inflate(capacity:)`` did.
    struct Step {
        /// The bytes it produced, at most the capacity asked for.
        var output: Data
        /// Whether the deflate stream ended.
        var ended: Bool
        /// Whether it consumed input or produced output; `false` means it needs more input.
        var progressed: Bool
    }

    /// The most compressed bytes one ``supply(_:)`` takes.
    static let inputCapacity = 1 << 16

    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>

    /// Starts a raw-deflate stream, or `nil` when zlib cannot (out of memory).
    init?() {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = UnsafeMutablePointer<UInt8>.allocate(capacity: Self.inputCapacity)
        // Negative window bits: raw deflate, no zlib header or trailer, as in ZIP entries.
        guard inflateInit2_(stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            input.deallocate()
            return nil
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Whether every supplied byte has been consumed.
    var needsInput: Bool { stream.pointee.avail_in == 0 }

    /// Hands zlib the next compressed bytes (at most ``inputCapacity``); call only when
    /// ``needsInput``.
    func supply(_ bytes: [UInt8]) {
        let count = min(bytes.count, Self.inputCapacity)
        bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { input.update(from: base, count: count) }
        }
        stream.pointee.next_in = input
        stream.pointee.avail_in = uInt(count)
    }

    /// Inflates into at most `capacity` bytes.
    /// - Throws: a description of zlib's complaint when the data is not valid deflate.
    func inflate(capacity: Int) throws(InflateFailure) -> Step {
        var output = Data(count: capacity)
        let inputBefore = stream.pointee.avail_in
        var status: Int32 = Z_OK
        var written = 0
        output.withUnsafeMutableBytes { buffer in
            stream.pointee.next_out = buffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(buffer.count)
            status = CZlib.inflate(stream, Z_NO_FLUSH)
            written = buffer.count - Int(stream.pointee.avail_out)
            stream.pointee.next_out = nil
            stream.pointee.avail_out = 0
        }
        switch status {
        case Z_OK, Z_STREAM_END, Z_BUF_ERROR:
            output.count = written
            let progressed = written > 0 || stream.pointee.avail_in != inputBefore
            return Step(output: output, ended: status == Z_STREAM_END, progressed: progressed)
        default:
            let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw InflateFailure(reason: reason)
        }
    }
}

/// zlib's reason for refusing a deflate stream.
struct InflateFailure: Error {
    /// zlib's message, such as `invalid block type`.
    var reason: String
}
