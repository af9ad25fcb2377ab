import Assessment
import EventLog
import Foundation

/// A decoded record on its way to the rules.
struct DecodedEvent: @unchecked Sendable {
    let record: Record
    let event: DomainEvent
}

/// Replays decoded events through the centre's rules and the projections on a thread of
/// its own, while the caller's thread reads, hashes and decodes the next records.
///
/// At most a few batches wait between the two, so memory does not grow with the log.
final class EventPipeline: @unchecked Sendable {
    let replay: CentreReplay
    private let asOf: AsOf?
    private let condition = NSCondition()
    private var queue: [[DecodedEvent]] = []
    private var closed = false
    private var done = false
    private let depth = 8
    /// The first rule breach, once the consumer has found one.
    private(set) var breach: Breach?
    /// The last sequence replayed.
    private(set) var lastReplayed: UInt64 = 0
    /// Whether the replay stopped at `asOf` before the end of the log.
    private(set) var stoppedAtPoint = false

    init(replay: CentreReplay, asOf: AsOf?) {
        self.replay = replay
        self.asOf = asOf
        let thread = Thread { [self] in consume() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Hands a batch to the rules; false once they have stopped (a breach, or `asOf` passed).
    @discardableResult
    func submit(_ batch: [DecodedEvent]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= depth && !done { condition.wait() }
        guard !done else { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    /// Whether the rules have stopped taking events.
    var hasStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return done
    }

    /// Whether the rules have stopped at a breach.
    var stoppedWithBreach: Bool {
        condition.lock()
        defer { condition.unlock() }
        return done && breach != nil
    }

    /// Waits until every batch submitted is replayed and the projections are complete.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
    }

    private func consume() {
        while let batch = take() {
            do {
                for decoded in batch {
                    if let asOf, !asOf.includes(decoded.record) {
                        stoppedAtPoint = true
                        break
                    }
                    try replay.apply(decoded.record, decoded.event)
                    lastReplayed = decoded.record.sequence
                }
                if stoppedAtPoint { break }
            } catch let breach as ReplayBreach {
                self.breach = Breach(breach)
                break
            } catch {
                self.breach = Breach(.rule, detail: "the replay failed: \(error)")
                break
            }
        }
        if breach == nil {
            do { try replay.finish() } catch let breach as ReplayBreach { self.breach = Breach(breach) } catch {
                self.breach = Breach(.rule, detail: "the replay failed: \(error)")
            }
        }
        condition.lock()
        done = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    private func take() -> [DecodedEvent]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed { condition.wait() }
        guard !queue.isEmpty else { return nil }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }
}
