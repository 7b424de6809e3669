import ExportGateway
import Synchronization
import Testing

/// Counts how many pages were fetched, to prove laziness.
private final class FetchCounter: Sendable {
    let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

@Suite struct PagedSequenceTests {
    @Test func fetchesNothingUntilIteratedAndOnePageAtATime() async throws {
        let counter = FetchCounter()
        let sequence = PagedSequence<Int> { cursor in
            counter.increment()
            let start = cursor?.offset ?? 0
            return Page(
                elements: Array(start..<min(start + 10, 35)),
                next: start + 10 < 35 ? PageCursor(offset: start + 10) : nil)
        }
        #expect(counter.value == 0)
        var iterator = sequence.makeAsyncIterator()
        _ = try await iterator.next()
        #expect(counter.value == 1)
        let all = try await sequence.collect(upTo: 100_000)
        #expect(all == Array(0..<35))
    }

    @Test func emptyFirstPageEndsAtOnce() async throws {
        let all = try await PagedSequence<Int> { _ in Page(elements: [], next: nil) }.collect(upTo: 100_000)
        #expect(all.isEmpty)
    }

    @Test func emptyMiddlePageIsSkippedNotTreatedAsTheEnd() async throws {
        let all = try await PagedSequence<Int> { cursor in
            switch cursor?.value {
            case nil: Page(elements: [1], next: PageCursor("b"))
            case "b": Page(elements: [], next: PageCursor("c"))
            default: Page(elements: [2], next: nil)
            }
        }.collect(upTo: 100_000)
        #expect(all == [1, 2])
    }

    @Test func aRepeatedCursorThrowsInsteadOfLooping() async {
        let sequence = PagedSequence<Int> { _ in Page(elements: [1], next: PageCursor("same")) }
        await #expect(throws: GatewayError.self) { try await sequence.collect(upTo: 100_000) }
    }
}
