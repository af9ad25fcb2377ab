import Assessment
import EventLog
import Foundation

/// A decoded record on its way to the rules.
public struct DecodedEvent: @unchecked Sendable {
    public let record: Record
    public let event: DomainEvent
    /// Whether the event holds personal fields left sealed (`PersonalFields.closed`).
    public let closed: Bool

    public init(record: Record, event: DomainEvent, closed: Bool = false) {
        self.record = record
        self.event = event
        self.closed = closed
    }
}

/// Replays decoded events through the centre's rules on one thread and each projection on
/// a thread of its own, while the caller's thread reads, hashes and decodes the next
/// records: stages handing batches on, which the system spreads over the cores there are.
///
/// At most a few batches wait between two stages, so memory does not grow with the log.
public final class ReplayPipeline: @unchecked Sendable {
    public let replay: CentreReplay
    private var rules: Stage<DecodedEvent>!
    private let projections: [Stage<RecordedEvent>]
    /// The last sequence the rules accepted.
    public private(set) var lastReplayed: UInt64 = 0
    /// Whether the replay stopped at its `asOf` point before the end of the log.
    public private(set) var stoppedAtPoint = false

    /// Thrown by the rules' stage at the `asOf` point: not a breach.
    private struct PointReached: Error {}

    public init(replay: CentreReplay, asOf: HistoryPoint?) {
        self.replay = replay
        projections = (0..<replay.projectionCount).map { index in Stage { batch in try replay.project(batch, into: index) } }
        rules = Stage(handingBack: true) { [unowned self] batch in
            var accepted: [RecordedEvent] = []
            // Whatever the rules accepted before a breach still goes to the projections,
            // whose refusal of an earlier event would come first.
            defer { if !accepted.isEmpty { for stage in projections { stage.submit(accepted) } } }
            for decoded in batch {
                if let asOf, !asOf.includes(decoded.record) {
                    stoppedAtPoint = true
                    throw PointReached()
                }
                accepted.append(try replay.checkRules(decoded.record, decoded.event, closed: decoded.closed))
                lastReplayed = decoded.record.sequence
            }
        }
    }

    /// Hands a batch to the rules; false once they have stopped.
    @discardableResult
    public func submit(_ batch: [DecodedEvent]) -> Bool { rules.submit(batch) }

    /// Whether the rules take no more events (a breach, or the `asOf` point passed).
    public var hasStopped: Bool { rules.isDone || projections.contains { $0.isDone } }

    /// Whether a stage has stopped at a breach, which comes before anything read later.
    public var stoppedWithBreach: Bool {
        (rules.isDone && rules.error.map { !($0 is PointReached) } == true) || projections.contains { $0.error != nil }
    }

    /// Waits until both stages have handled every batch submitted.
    public func close() {
        rules.close()
        for stage in projections { stage.close() }
    }

    /// What stopped the replay first in log order, once both stages are closed: a
    /// `ReplayBreach`, or another error the replay met; `nil` when nothing did (reaching
    /// the `asOf` point is not a failure).
    public var failure: (any Error)? {
        let failures = ([rules.error] + projections.map(\.error)).compactMap { $0 }.filter { !($0 is PointReached) }
        return failures.min { (($0 as? ReplayBreach)?.sequence ?? .max) < (($1 as? ReplayBreach)?.sequence ?? .max) }
    }
}
