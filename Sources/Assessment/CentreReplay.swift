import EventLog
import Foundation
import LMDB

/// A centre's history replayed in memory, event by event in log order, through the
/// centre's rules and every projection, without touching a store.
///
/// Memory grows with what the rules and reports remember (staff, learners, evidence),
/// not with the number of events. Projections see the events in batches, as appends do.
///
/// ```swift
/// let replay = CentreReplay(projections: CentreStore.reports)
/// for record in records { try replay.apply(record, DomainEvent(record: record)) }
/// try replay.finish()
/// let audit = try replay.snapshot.entries(of: "audit", prefix: "assessor/")
/// ```
public final class CentreReplay {
    private let rules = CentreRules()
    private let rulesState = MemoryEntityStore()
    private let projections: [any Projection]
    private let states: [MemoryEntityStore]
    private var attribution = LearnerAttribution()
    private var pending: [(event: ProjectedEvent, eventID: String, learner: String?)] = []
    private let batchSize: Int
    /// The number of events applied.
    public private(set) var applied: UInt64 = 0

    public init(projections: [any Projection], batchSize: Int = 256) {
        self.projections = projections
        self.states = projections.map { _ in MemoryEntityStore() }
        self.batchSize = max(1, batchSize)
    }

    /// Applies the next record's event, already decoded from it.
    /// - Throws: `ReplayBreach` when it (or an earlier event of the pending batch) breaks a rule.
    public func apply(_ record: Record, _ event: DomainEvent) throws {
        let learner = attribution.learner(of: event)
        let occurredAt = Date(microsecondsSinceEpoch: record.occurredAtMicros)
        do {
            try rules.apply(event, by: record.actor, occurredAt: occurredAt,
                            recordedAt: Date(microsecondsSinceEpoch: record.recordedAtMicros), to: rulesState)
        } catch let violation as RuleViolation {
            try flush()  // a projection's refusal of an earlier event comes first
            throw ReplayBreach(sequence: record.sequence, eventID: record.eventIDText, learner: learner, violation: violation)
        }
        let rules = rules, rulesState = rulesState
        let projected = ProjectedEvent(
            event: event, sequence: record.sequence, actor: record.actor.id, occurredAt: occurredAt,
            specification: { id, version in try rules.specifications.specification(id, version: version, in: Entities(store: rulesState)) })
        pending.append((projected, record.eventIDText, learner))
        applied += 1
        if pending.count >= batchSize { try flush() }
    }

    /// Applies what is pending to the projections: call it after the last event.
    public func finish() throws { try flush() }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: true) }
        let events = pending.map(\.event)
        for (projection, state) in zip(projections, states) {
            do {
                try projection.apply(events, to: state)
            } catch let refusal as ProjectionRefusal {
                let culprit = pending.first { $0.event.sequence == refusal.sequence }
                throw ReplayBreach(
                    sequence: refusal.sequence, eventID: culprit?.eventID ?? "", learner: culprit?.learner, violation: refusal.violation)
            }
        }
    }

    /// The projections as the replay left them (after `finish()`).
    public var snapshot: ProjectionSnapshot {
        let names = projections.map(\.name)
        func state(_ name: String) throws -> MemoryEntityStore {
            guard let index = names.firstIndex(of: name) else { throw PayloadError("this replay keeps no projection \(name)") }
            return states[index]
        }
        let rules = rules, rulesState = rulesState
        return ProjectionSnapshot(
            stateOf: { try state($0) },
            entriesOf: { name, prefix in try state(name).entries(prefix: prefix) },
            specificationOf: { id, version in try rules.specifications.specification(id, version: version, in: Entities(store: rulesState)) })
    }
}

/// An event of a replayed history that breaks one of the centre's rules: which event, whose, and which rule.
public struct ReplayBreach: Error, Equatable, CustomStringConvertible {
    public let sequence: UInt64
    /// The event's id (a lowercase UUID).
    public let eventID: String
    /// The learner the event concerns, when it concerns one.
    public let learner: String?
    public let violation: RuleViolation

    public var description: String {
        "sequence \(sequence) (event \(eventID)\(learner.map { ", learner \($0)" } ?? "")): \(violation)"
    }
}

extension ProjectionSnapshot {
    /// Every entry projection `name` keeps, in key order, without the store's note of how
    /// far the projection has read the log (which only a stored projection has).
    public func reportEntries(of name: String) throws -> [(key: String, value: [UInt8])] {
        try entries(of: name, prefix: "").filter { $0.key != CentreStore.checkpointKey }
    }
}

extension CentreStore {
    /// Opens the store in directory `path` read-only: nothing is created or written, and
    /// appends by other processes go on meanwhile.
    public convenience init(readingAt path: String, projections: [any Projection] = []) throws {
        var options = EnvironmentOptions()
        options.readOnly = true
        try self.init(log: EventLog(openingAt: path, options: options), projections: projections, create: false)
    }

    /// Calls `body` with one read-only snapshot: the transaction (to read the log with) and
    /// the stored projections as it sees them.
    public func read<R>(_ body: (borrowing ReadTransaction, ProjectionSnapshot) throws -> R) throws -> R {
        try log.environment.read { txn in
            try txn.withReader { reader in try body(txn, ProjectionSnapshot(store: self, reader: reader)) }
        }
    }
}
