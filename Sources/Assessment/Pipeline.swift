import Foundation

/// Calls `produce` on a thread of its own, up to `depth` results ahead of `consume` on
/// the caller's thread, until `produce` returns nil: the next batch of records is read and
/// decoded while this one is applied. The first error of either side ends both and is thrown.
func pipeline<Item: Sendable>(
    depth: Int = 2, produce: @escaping @Sendable () throws -> Item?, consume: (Item) throws -> Void
) throws {
    let channel = Channel<Item>(capacity: depth)
    let producer = Thread {
        do {
            while let item = try produce() {
                guard channel.send(.item(item)) else { break }
            }
            _ = channel.send(.end)
        } catch {
            _ = channel.send(.failure(error))
        }
        channel.producerFinished()
    }
    producer.start()
    defer { channel.close() }
    while true {
        switch channel.receive() {
        case let .item(item): try consume(item)
        case .end: return
        case let .failure(error): throw error
        }
    }
}

/// A bounded queue from one producer thread to one consumer.
private final class Channel<Item: Sendable>: @unchecked Sendable {
    enum Message { case item(Item), end, failure(any Error) }

    private let condition = NSCondition()
    private let capacity: Int
    private var queue: [Message] = []
    private var closed = false
    private var producing = true

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room; false when the consumer has gone.
    func send(_ message: Message) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        queue.append(message)
        condition.broadcast()
        return true
    }

    func receive() -> Message {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty { condition.wait() }
        condition.broadcast()
        return queue.removeFirst()
    }

    func producerFinished() {
        condition.lock()
        producing = false
        condition.broadcast()
        condition.unlock()
    }

    /// Tells the producer to stop and waits until it has.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        while producing { condition.wait() }
        condition.unlock()
    }
}

/// `transform` applied to every element at once, each on a thread of its own; the
/// results in order, or the first error.
func inParallel<Element: Sendable, Result: Sendable>(
    _ elements: [Element], _ transform: @Sendable (Element) throws -> Result
) throws -> [Result] {
    let results = ParallelResults<Result>(count: elements.count)
    DispatchQueue.concurrentPerform(iterations: elements.count) { index in
        results.store(Swift.Result { try transform(elements[index]) }, at: index)
    }
    return try results.values()
}

/// Results written by several threads, one slot each.
private final class ParallelResults<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Swift.Result<Value, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ result: Swift.Result<Value, any Error>, at index: Int) {
        lock.withLock { slots[index] = result }
    }

    func values() throws -> [Value] {
        try lock.withLock { try slots.map { try $0!.get() } }
    }
}
