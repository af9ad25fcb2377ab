import Assessment
import Crypto
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
/// let replay = CentreReplay(projections: CentreStore.reports, timeZone: store.timeZone)
/// for record in records { try replay.apply(record, DomainEvent(record: record)) }
/// try replay.finish()
/// let assessors = try replay.snapshot.entries(of: "audit", prefix: "assessor/")
/// ```
public final class CentreReplay: @unchecked Sendable {
    private let rules: CentreRules
    private let rulesState: any ReplayState
    /// What the rules remember, read and written through `rulesState`.
    private let rulesMemory: RulesMemory
    /// Guards `rulesState`, which the rules write and the projections read specifications
    /// from, so `checkRules` and `project` may run on two threads.
    private let rulesLock = NSLock()
    private let projections: [any Projection]
    private let states: [any ReplayState]
    /// The projections' messages, kept decoded between batches (up to
    /// `CentreStore.rebuildKeep` each) and written to `states` before they are read.
    private let projectionStates: [ProjectionState]
    private var pending: [RecordedEvent] = []
    private let batchSize: Int
    /// The number of events the rules accepted.
    public private(set) var applied: UInt64 = 0
    /// The events replayed with personal fields left sealed (`checkRules`'s `closed`), and
    /// of them the registrations, whose date of birth and ULN the rules could not check.
    public var sealed: UInt64 { sealedByLearner.values.reduce(0, +) }
    public private(set) var sealedRegistrations: UInt64 = 0
    /// Those events by learner, and the learners erased (`learner.erased`), whose sealed
    /// fields no one can open again.
    private var sealedByLearner: [String: UInt64] = [:]
    private var erased: Set<String> = []
    /// The learners erased, and how many of the events with sealed fields are theirs.
    public var erasure: (learners: Int, events: UInt64) {
        (erased.count, erased.reduce(0) { $0 + sealedByLearner[$1, default: 0] })
    }
    /// The sequence from which each record must name the learner its event concerns
    /// (`Record.learner`), as a signed checkpoint says; `nil` to leave it unchecked.
    public var learnersFrom: UInt64?

    /// A replay of the history of a centre in `timeZone`, feeding `projections`, keeping
    /// their state and the rules' in memory.
    public convenience init(projections: [any Projection], timeZone: TimeZone, batchSize: Int = 256) {
        self.init(projections: projections, timeZone: timeZone, batchSize: batchSize, rulesState: MemoryEntityStore(),
                  states: projections.map { _ in MemoryEntityStore() })
    }

    /// A replay of the history of a centre in `timeZone`, feeding `projections`, keeping
    /// their state and the rules' in stores that `state` makes.
    public convenience init(
        projections: [any Projection], timeZone: TimeZone, batchSize: Int = 256, state: () throws -> any ReplayState
    ) throws {
        try self.init(
            projections: projections, timeZone: timeZone, batchSize: batchSize, rulesState: state(),
            states: projections.map { _ in try state() })
    }

    private init(
        projections: [any Projection], timeZone: TimeZone, batchSize: Int, rulesState: any ReplayState, states: [any ReplayState]
    ) {
        // The replay's own secret: it checks that no ULN is held twice without learning the centre's.
        rules = CentreRules(timeZone: timeZone, ulnDigest: ULNDigest.keyed(by: SymmetricKey(size: .bits256)))
        self.projections = projections
        self.rulesState = rulesState
        rulesMemory = RulesMemory(store: rulesState)
        self.states = states
        projectionStates = states.map { ProjectionState(base: $0) }
        self.batchSize = max(1, batchSize)
        for state in projectionStates { state.specification = specification }
    }

    /// Applies the next record's event, already decoded from it, to the rules and (in
    /// batches) the projections.
    /// - Throws: `ReplayBreach` when it breaks a rule.
    public func apply(_ record: Record, _ event: DomainEvent) throws {
        pending.append(try checkRules(record, event))
        if pending.count >= batchSize { try flush() }
    }

    /// Applies what is pending to the projections: call it after the last event.
    public func finish() throws { try flush() }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: true) }
        try project(pending)
    }

    /// The rules' half of `apply`: checks the next event against the rules and records its
    /// effect on what they remember. Events must come in log order; `project` may run on
    /// another thread meanwhile. `closed`: the event holds personal fields left sealed,
    /// which the rules that need them do not check. - Throws: `ReplayBreach`.
    public func checkRules(_ record: Record, _ event: DomainEvent, closed: Bool = false) throws -> RecordedEvent {
        rulesLock.lock()
        defer { rulesLock.unlock() }
        if closed {
            sealedByLearner[record.learner, default: 0] += 1
            if case .learnerRegistered = event { sealedRegistrations += 1 }
        }
        if case let .learnerErased(m) = event { erased.insert(m.learnerID) }
        do {
            try rules.apply(event, sequence: record.sequence, schemaVersion: record.schemaVersion, by: record.actor, occurredAt: record.occurredAtMicros,
                            recordedAt: record.recordedAtMicros, to: rulesMemory)
        } catch let violation as RuleViolation {
            throw ReplayBreach(sequence: record.sequence, eventID: record.eventIDText, learner: learner(of: event), violation: violation)
        }
        if let learnersFrom, record.sequence >= learnersFrom {
            let learner = learner(of: event)
            guard record.learner == learner ?? "" else {
                throw ReplayBreach(sequence: record.sequence, eventID: record.eventIDText, learner: learner, violation: RuleViolation(
                    "record-learner",
                    "the record names learner \(record.learner.isEmpty ? "none" : record.learner) but its \(record.eventType) event concerns \(learner.map { "learner \($0)" } ?? "no learner"): a record of a learner hidden from their chain, or moved to another's"))
            }
        }
        applied += 1
        if applied % UInt64(batchSize) == 0 {
            try rulesMemory.forget()
            try rulesState.settle()
        }
        return RecordedEvent(record: record, event: event)
    }

    /// The projections' half of `apply`: applies events the rules accepted, in order, as one batch.
    public func project(_ events: [RecordedEvent]) throws {
        for index in projections.indices { try project(events, into: index) }
    }

    /// The number of projections replayed; each may be fed by a thread of its own.
    public var projectionCount: Int { projections.count }

    /// Applies events the rules accepted to projection number `index` only: calls for
    /// different projections may run on different threads.
    public func project(_ events: [RecordedEvent], into index: Int) throws {
        try projections[index].apply(events, to: projectionStates[index])
        if projectionStates[index].keptCount > CentreStore.rebuildKeep { try projectionStates[index].flush() }
        try states[index].settle()
    }

    /// The learner `event` concerns, from what the rules remember (with `rulesLock` held).
    private func learner(of event: DomainEvent) -> String? {
        let entities = Entities(memory: rulesMemory)
        return try? LearnerAttribution.learner(of: event) { try entities.learner(owning: $0, $1) }
    }

    /// Specification `id` at `version` as the rules know it now; safe from any thread.
    private var specification: (String, UInt32) throws -> CompiledSpecification? {
        { [rules, rulesMemory, rulesLock] id, version in
            rulesLock.lock()
            defer { rulesLock.unlock() }
            return try rules.specifications.specification(id, version: version, in: Entities(memory: rulesMemory))
        }
    }

    /// The projections as the replay left them (after `finish()`, or once every batch has
    /// been projected). Reading a projection first writes out the messages it keeps.
    public var snapshot: ProjectionSnapshot {
        let names = projections.map(\.name)
        func state(_ name: String) throws -> any ReplayState {
            guard let index = names.firstIndex(of: name) else { throw PayloadError("this replay keeps no projection \(name)") }
            try projectionStates[index].flush()
            return states[index]
        }
        return ProjectionSnapshot(
            timeZone: rules.timeZone,
            stateOf: { try state($0) },
            walkOf: { name, prefix, body in try state(name).walk(prefix: prefix, body) },
            specificationOf: specification)
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
        try collect { try walkReport(of: name, $0) }
    }

    /// `walk(of:prefix:_:)` through every entry projection `name` keeps, as `reportEntries(of:)` gives them.
    public func walkReport(of name: String, _ body: (_ next: () throws -> (key: String, value: [UInt8])?) throws -> Void) throws {
        try walk(of: name, prefix: "") { next in
            try withoutActuallyEscaping(next) { next in
                try body {
                    var entry = try next()
                    if entry?.key == CentreStore.checkpointKey { entry = try next() }
                    return entry
                }
            }
        }
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
