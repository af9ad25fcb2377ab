import Foundation

/// A thread that handles batches from a bounded queue, in order, until one fails or the
/// queue is closed.
package final class Stage<Item>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [[Item]] = []
    /// Batches handled, waiting to be let go by the thread that submits the next.
    private var handled: [[Item]] = []
    private let handsBack: Bool
    private var closed = false
    private var done = false
    private let depth: Int
    /// The error that stopped the stage.
    package private(set) var error: (any Error)?

    /// A stage whose thread handles batches of `handle`, up to `depth` of them waiting.
    /// With `yielding`, its thread never takes the core from the thread that wakes it
    /// (Linux's `SCHED_BATCH`): for work that runs beside a thread it must not slow.
    /// With `handingBack`, each batch handled is let go (its items freed) on the thread
    /// that submits the next, not on the stage's: for a stage that sets the pace.
    package init(depth: Int = 8, yielding: Bool = false, handingBack: Bool = false, _ handle: @escaping @Sendable ([Item]) throws -> Void) {
        self.depth = depth
        handsBack = handingBack
        let thread = Thread { [self] in
            #if os(Linux)
            if yielding {
                // SCHED_BATCH of <linux/sched.h>, which glibc's headers name only for _GNU_SOURCE.
                var parameters = sched_param()
                pthread_setschedparam(pthread_self(), 3, &parameters)
            }
            #endif
            while let batch = take() {
                do {
                    try handle(batch)
                } catch {
                    self.error = error
                    break
                }
                if handsBack { condition.withLock { handled.append(batch) } }
            }
            condition.lock()
            done = true
            queue.removeAll()
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Queues a batch, waiting while the queue is full; false once the stage has stopped.
    @discardableResult
    package func submit(_ batch: [Item]) -> Bool {
        let (queued, handled) = enqueue(batch)
        // Let go here, once the queue is unlocked.
        withExtendedLifetime(handled) {}
        return queued
    }

    private func enqueue(_ batch: [Item]) -> (queued: Bool, handled: [[Item]]) {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= depth && !done { condition.wait() }
        defer { handled = [] }
        guard !done else { return (false, handled) }
        queue.append(batch)
        condition.broadcast()
        return (true, handled)
    }

    package var isDone: Bool {
        condition.lock()
        defer { condition.unlock() }
        return done
    }

    /// Closes the queue and waits until the stage has handled what it holds (or stopped).
    package func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
    }

    private func take() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed { condition.wait() }
        guard !queue.isEmpty else { return nil }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
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
