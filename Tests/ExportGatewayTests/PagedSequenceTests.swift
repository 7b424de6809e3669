import ExportGateway
import ExportGatewayTesting
import Synchronization
import Testing

/// Counts how many pages were fetched, to prove laziness.
private final class FetchCounter: Sendable {
    let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// A scripted list of `Int`s that reports, in order, every fetch it starts and how each one
/// ends (`fetch b`, `returned b`, `failed b`, `cancelled b`; the first page is `first`), so a
/// test can wait for a fetch instead of sleeping.
private final class ScriptedList: Sendable {
    enum Answer: Sendable {
        case page([Int], next: String?)
        case failure(GatewayError)
        /// Holds the fetch until its task is cancelled, then throws `CancellationError`.
        case hangsUntilCancelled
    }

    let events: AsyncStream<String>
    private let sink: AsyncStream<String>.Continuation
    private let answers: [String: Answer]
    private let requests = Mutex<[String]>([])

    init(_ answers: [String: Answer]) {
        self.answers = answers
        (events, sink) = AsyncStream<String>.makeStream()
    }

    /// The cursors asked for so far, in order.
    var requested: [String] { requests.withLock { $0 } }

    func sequence(prefetchesPages: Bool = true) -> PagedSequence<Int> {
        PagedSequence(prefetchesPages: prefetchesPages) { try await self.fetch($0) }
    }

    func fetch(_ cursor: PageCursor?) async throws -> Page<Int> {
        let key = cursor?.value ?? "first"
        requests.withLock { $0.append(key) }
        sink.yield("fetch \(key)")
        switch answers[key] {
        case .page(let elements, let next):
            sink.yield("returned \(key)")
            return Page(elements: elements, next: next.map(PageCursor.init))
        case .failure(let error):
            sink.yield("failed \(key)")
            throw error
        case .hangsUntilCancelled:
            let (held, release) = AsyncStream<Void>.makeStream()
            await withTaskCancellationHandler {
                for await _ in held {}
            } onCancel: {
                release.finish()
            }
            sink.yield("cancelled \(key)")
            throw CancellationError()
        case nil:
            Issue.record("unscripted cursor \(key)")
            throw CancellationError()
        }
    }
}

/// Lets every other ready task run a while, so a fetch that should not start would have.
private func settle() async {
    for _ in 0..<50 { await Task.yield() }
}

@Suite(.timeLimit(.minutes(10))) struct PagedSequenceTests {
    @Test func fetchesNothingUntilIteratedAndOnePageAtATimeWithoutPrefetching() async throws {
        let counter = FetchCounter()
        let sequence = PagedSequence<Int>(prefetchesPages: false) { cursor in
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

    @Test(arguments: [true, false])
    func orderAndCompletenessDoNotDependOnPrefetching(prefetchesPages: Bool) async throws {
        let counter = FetchCounter()
        // Pages of 0, 1, 2, ... 12 elements (an empty one among them), 78 elements in all.
        let sequence = PagedSequence<Int>(prefetchesPages: prefetchesPages) { cursor in
            counter.increment()
            let size = cursor?.offset ?? 0
            let start = size * (size - 1) / 2
            return Page(elements: Array(start..<start + size), next: size < 12 ? PageCursor(offset: size + 1) : nil)
        }
        #expect(counter.value == 0)
        #expect(try await sequence.collect(upTo: 100_000) == Array(0..<78))
        #expect(counter.value == 13)
        #expect(try await sequence.collect(upTo: 100_000) == Array(0..<78), "each iteration starts over")
    }

    @Test func fetchesExactlyOnePageAhead() async throws {
        let list = ScriptedList([
            "first": .page([1, 2, 3], next: "b"), "b": .page([4, 5, 6], next: "c"), "c": .page([7], next: nil),
        ])
        var events = list.events.makeAsyncIterator()
        var iterator = list.sequence().makeAsyncIterator()
        #expect(list.requested.isEmpty)

        #expect(try await iterator.next() == 1)
        #expect(await events.next() == "fetch first")
        #expect(await events.next() == "returned first")
        #expect(await events.next() == "fetch b", "page 2 is fetched while page 1 is handled")
        #expect(await events.next() == "returned b")
        await settle()
        #expect(list.requested == ["first", "b"], "page 3 waits until page 2 is reached")

        #expect(try await iterator.next() == 2)
        #expect(try await iterator.next() == 3)
        await settle()
        #expect(list.requested == ["first", "b"])

        #expect(try await iterator.next() == 4)
        #expect(await events.next() == "fetch c")
        #expect(await events.next() == "returned c")
        #expect(try await iterator.next() == 5)
        #expect(try await iterator.next() == 6)
        #expect(try await iterator.next() == 7)
        #expect(try await iterator.next() == nil)
        #expect(try await iterator.next() == nil)
        #expect(list.requested == ["first", "b", "c"])
    }

    @Test func withoutPrefetchingAPageIsFetchedOnlyWhenThePreviousIsUsedUp() async throws {
        let list = ScriptedList(["first": .page([1, 2], next: "b"), "b": .page([3], next: nil)])
        var iterator = list.sequence(prefetchesPages: false).makeAsyncIterator()
        #expect(try await iterator.next() == 1)
        await settle()
        #expect(list.requested == ["first"])
        #expect(try await iterator.next() == 2)
        #expect(list.requested == ["first"])
        #expect(try await iterator.next() == 3)
        #expect(list.requested == ["first", "b"])
        #expect(try await iterator.next() == nil)
    }

    @Test func anErrorOfThePageAheadSurfacesOnlyAfterEveryElementBeforeIt() async throws {
        let failure = GatewayError(.server, message: "page b broke")
        let list = ScriptedList(["first": .page([1, 2, 3], next: "b"), "b": .failure(failure)])
        var events = list.events.makeAsyncIterator()
        var iterator = list.sequence().makeAsyncIterator()

        #expect(try await iterator.next() == 1)
        #expect(await events.next() == "fetch first")
        #expect(await events.next() == "returned first")
        #expect(await events.next() == "fetch b")
        #expect(await events.next() == "failed b")
        await settle()
        #expect(try await iterator.next() == 2)
        #expect(try await iterator.next() == 3)
        do {
            _ = try await iterator.next()
            Issue.record("page b's error was not thrown")
        } catch let error as GatewayError {
            #expect(error.kind == .server && error.message == "page b broke")
        }
    }

    @Test func leavingTheLoopEarlyCancelsThePageAhead() async throws {
        let list = ScriptedList(["first": .page([1, 2, 3], next: "b"), "b": .hangsUntilCancelled])
        var events = list.events.makeAsyncIterator()
        var taken: [Int] = []
        for try await element in list.sequence() {
            taken.append(element)
            #expect(await events.next() == "fetch first")
            #expect(await events.next() == "returned first")
            #expect(await events.next() == "fetch b")
            break
        }
        #expect(taken == [1])
        #expect(await events.next() == "cancelled b", "no fetch is left running")
        #expect(list.requested == ["first", "b"])
    }

    @Test func cancellingTheConsumerWhileItAwaitsThePageAheadEndsWithCancellationError() async throws {
        let list = ScriptedList(["first": .page([1], next: "b"), "b": .hangsUntilCancelled])
        var events = list.events.makeAsyncIterator()
        let sequence = list.sequence()
        let consumer = Task {
            var taken: [Int] = []
            for try await element in sequence { taken.append(element) }
            return taken
        }
        #expect(await events.next() == "fetch first")
        #expect(await events.next() == "returned first")
        #expect(await events.next() == "fetch b")
        consumer.cancel()
        #expect(await events.next() == "cancelled b")
        await #expect(throws: CancellationError.self) { try await consumer.value }
    }

    @Test func aConsumerCancelledMidPageFinishesThePageThenStops() async throws {
        let list = ScriptedList(["first": .page([1, 2], next: "b"), "b": .page([3], next: nil)])
        var events = list.events.makeAsyncIterator()
        let sequence = list.sequence()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let consumer = Task { () -> ([Int], (any Error)?) in
            var iterator = sequence.makeAsyncIterator()
            var taken: [Int] = []
            do {
                if let first = try await iterator.next() { taken.append(first) }
                for await _ in gate {}
                while let element = try await iterator.next() { taken.append(element) }
                return (taken, nil)
            } catch {
                return (taken, error)
            }
        }
        #expect(await events.next() == "fetch first")
        #expect(await events.next() == "returned first")
        #expect(await events.next() == "fetch b")
        #expect(await events.next() == "returned b")
        consumer.cancel()
        open.finish()
        let (taken, error) = await consumer.value
        #expect(taken == [1, 2], "the elements already in hand are returned")
        #expect(error is CancellationError, "the page ahead is not handed out after cancellation")
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

    @Test(arguments: [true, false])
    func aRepeatedCursorThrowsWhenItsPageIsReachedAndFetchesNothingMore(prefetchesPages: Bool) async throws {
        let list = ScriptedList(["first": .page([1, 2], next: "same"), "same": .page([3], next: "same")])
        var iterator = list.sequence(prefetchesPages: prefetchesPages).makeAsyncIterator()
        #expect(try await iterator.next() == 1)
        #expect(try await iterator.next() == 2)
        do {
            _ = try await iterator.next()
            Issue.record("a repeated cursor was followed")
        } catch let error as GatewayError {
            #expect(error.kind == .server && error.message.contains("twice"))
        }
        await settle()
        #expect(list.requested == ["first", "same"])
    }
}

/// Pages read ahead through a gateway: the same elements, and errors named as before.
@Suite(.timeLimit(.minutes(10))) struct GatewayPrefetchTests {
    @Test(arguments: [true, false])
    func itemsAndExportsAreTheSameWithOrWithoutPrefetching(prefetchesPages: Bool) async throws {
        let simulator = AvalaSimulator()
        let dataset = DatasetRef(rawValue: simulator.seedDataset(named: "prefetch", itemCount: 11))
        let gateway = simulator.gateway(
            options: GatewayOptions(pageSize: 3, clock: VirtualClock(), prefetchesPages: prefetchesPages))
        for _ in 0..<4 { _ = try await gateway.createExport(ExportRequest(source: .dataset(dataset))) }

        let items = try await gateway.items(in: dataset).collect(upTo: 100)
        let reference = try await simulator.gateway(options: GatewayOptions(pageSize: 100, clock: VirtualClock()))
            .items(in: dataset).collect(upTo: 100)
        #expect(items.count == 11 && items.map(\.id) == reference.map(\.id))
        let exports = try await gateway.exports(pageSize: 1).collect(upTo: 100)
        #expect(exports.count == 4 && Set(exports.map(\.id)).count == 4)
    }

    @Test func anErrorOfAPageReadAheadNamesTheListAndItsRequest() async throws {
        let simulator = AvalaSimulator()
        let dataset = simulator.seedDataset(named: "ahead", itemCount: 6)
        // The second page's answer is a success the adapter cannot read: the error is decided
        // from the answer, so its request line comes from the fetch's own request trace.
        simulator.injectAnswer(
            HTTPResponse.json(200, ["results": "not a list", "next": .null, "previous": .null]), method: .get,
            pathPrefix: "/api/v1/datasets/", count: 1, after: 1)
        var iterator = simulator.gateway(options: GatewayOptions(pageSize: 2, clock: VirtualClock()))
            .items(in: DatasetRef(rawValue: dataset)).makeAsyncIterator()
        #expect(try await iterator.next() != nil)
        #expect(try await iterator.next() != nil)
        do {
            _ = try await iterator.next()
            Issue.record("the second page's error was not thrown")
        } catch let error as GatewayError {
            #expect(error.kind == .decoding && error.provider == .avala)
            #expect(error.operation == .itemsPage && error.resource == .dataset(DatasetRef(rawValue: dataset)))
            #expect(error.requestLine == "GET /api/v1/datasets/\(dataset)/items/")
        }
        let pagesRead = simulator.requestLog.requests.filter { $0.url.path.hasSuffix("/items") }
        #expect(pagesRead.count == 2 && pagesRead.last?.url.query?.contains("cursor") == true)
    }
}
