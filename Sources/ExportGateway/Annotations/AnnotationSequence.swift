import Foundation

/// A lazy sequence of the annotated images of one export (``Gateway/annotations(of:)``).
///
/// Nothing is fetched until iteration starts; memory stays bounded by one record or one
/// image's annotations (and, for a COCO file, the list of images), whatever the export's size.
public struct AnnotationSequence: AsyncSequence, Sendable {
    /// Where the items come from.
    enum Source: Sendable {
        case records(RecordSequence<AnnotatedItem>)
        case file(@Sendable () async throws -> AnnotationFile)
        case failure(GatewayError)
    }

    let source: Source

    init(records: RecordSequence<AnnotatedItem>) { source = .records(records) }
    init(file open: @escaping @Sendable () async throws -> AnnotationFile) { source = .file(open) }
    init(failure: GatewayError) { source = .failure(failure) }

    /// Iterates the images, fetching on demand.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var records: RecordSequence<AnnotatedItem>.AsyncIterator?
        var open: (@Sendable () async throws -> AnnotationFile)?
        var file: AnnotationFile?
        var failure: GatewayError?

        public mutating func next() async throws -> AnnotatedItem? {
            if let failure {
                self.failure = nil
                throw failure
            }
            if records != nil { return try await records?.next() }
            if let open {
                self.open = nil
                file = try await open()
            }
            guard let file else { return nil }
            let item = try file.next()
            if item == nil { self.file = nil }
            return item
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        var iterator = AsyncIterator()
        switch source {
        case .records(let records): iterator.records = records.makeAsyncIterator()
        case .file(let open): iterator.open = open
        case .failure(let error): iterator.failure = error
        }
        return iterator
    }

    /// The first `limit` items, for tests and small exports.
    public func collect(upTo limit: Int = .max) async throws -> [AnnotatedItem] {
        var items: [AnnotatedItem] = []
        for try await item in self {
            items.append(item)
            if items.count >= limit { break }
        }
        return items
    }
}
