import Assessment
import EventLog
import Foundation
import LMDB
import Records

/// A centre's store: the event log, with every event checked against the centre's
/// rules in the transaction that appends it.
///
/// What the rules remember lives in the LMDB database `rules-state` beside the log and
/// changes only in the same transactions as the log, so it never disagrees with it.
public final class CentreStore: Sendable {
    public let log: EventLog
    let state: Database
    /// The centre's time zone, in which its rules and reports count days.
    public let timeZone: TimeZone
    let rules: CentreRules
    /// The projections kept inline, with their databases.
    let projections: [ProjectionSlots]
    /// Which database serves each projection, and the code version that built it.
    let registry: Database
    /// The keyed digest the rules remember each ULN by.
    let ulnDigest: @Sendable (String) throws -> String
    /// What the rules remember, as appends last read or wrote it.
    let decodedRulesState = DecodedMessages()
    /// Staff members' registrations, by the bytes of their state (`staff(_:)`).
    let staffRegistrations = DecodedByBytes<Attest_V1_StaffRegistered>()

    /// Creates a new, empty store in directory `path` for a centre in `timeZone`, keeping `projections`.
    public static func create(
        at path: String, timeZone: TimeZone = EventLog.defaultTimeZone, projections: [any Projection] = []
    ) throws -> CentreStore {
        let store = try CentreStore(log: EventLog.create(at: path, timeZone: timeZone), projections: projections)
        try store.registerNewProjections()
        try store.reviseRulesState()
        return store
    }

    /// Opens the store in directory `path`, keeping `projections`. A projection the store
    /// holds at another version (or not at all) is not served, nor kept up to date, until
    /// `rebuild` rebuilds it.
    public convenience init(openingAt path: String, projections: [any Projection] = []) throws {
        try self.init(log: EventLog(openingAt: path), projections: projections)
    }

    init(log: EventLog, projections: [any Projection], create: Bool = true) throws {
        self.log = log
        timeZone = try log.timeZone()
        ulnDigest = ULNDigest.centre(store: log.environment.path)
        rules = CentreRules(timeZone: timeZone, ulnDigest: ulnDigest)
        let environment = log.environment
        state = try environment.openDatabase("rules-state", create: create)
        registry = try environment.openDatabase("projections", create: create)
        self.projections = try projections.map { projection in
            ProjectionSlots(projection: projection, databases: try ["a", "b"].map {
                try environment.openDatabase("\(projection.name).\($0)", create: create)
            })
        }
    }

    /// Calls `body` with what the rules remember, in one read-only snapshot.
    func entities<R>(_ body: (Entities) throws -> R) throws -> R {
        try log.environment.read { txn in
            try txn.withReader { reader in
                try body(Entities(memory: RulesMemory(store: SnapshotEntityStore { key in try reader.get(self.state, key: TextKey(key)) })))
            }
        }
    }

    /// Appends events atomically, each checked against the rules in order: all of them or none.
    /// The rules' state, when another version of the code wrote it, is rebuilt from the log first.
    /// Each event's personal fields are sealed under its learner's data key; once the batch
    /// is committed, the key of each learner it erases (`learner.erased`) is destroyed.
    /// - Throws: `BatchRefusal` naming the event's index in the batch and the reason, or
    ///   `ErasureRefusal` for the erasure of a learner whose records hold personal data in
    ///   the clear.
    @discardableResult
    public func append(_ events: [CentreEvent], now: () -> Date = Date.init) throws -> [Appended] {
        try append(batches: [events], now: now)[0].get()
    }

    /// Appends several batches in one write transaction and one sync (a group commit), each
    /// in a transaction of its own nested in it: each batch is all or nothing as
    /// `append(_:now:)` makes it, and one refused leaves the others appended.
    /// - Returns: each batch's positions, or what refused it (`BatchRefusal`, `ErasureRefusal`).
    /// - Throws: only what fails the whole group (the store could not be written).
    public func append(batches: [[CentreEvent]], now: () -> Date = Date.init) throws -> [Result<[Appended], any Error>] {
        try reviseRulesState()
        let checked = batches.map { events in Result { try checkErasable(events) } }
        // The keys of the learners the batches name with personal fields, read, or made and
        // synced, in one use of the key store before any record sealed under them can be committed.
        let keyring = Keyring(store: log.environment.path)
        try keyring.make(for: learnersWithPersonalData(in: batches.joined()))
        try log.linkLearners()
        let results: [Result<[Appended], any Error>] = try log.environment.write { txn in
            let encodings = LearnerRecordEncodings()
            var targets = try txn.withReader { reader in try appendTargets(encodings: encodings, reader) }
            // The reports, applied beside the rules when the append is large (`InlineReports`).
            var beside = targets.isEmpty || !InlineReports.suit(batches.joined()) ? nil : InlineReports(store: self, targets: targets)
            defer { beside?.close() }
            // The events of the batches taken, for the reports applied at the end: a report
            // never refuses, so each batch's part of it is as its own would be.
            var accepted: [RecordedEvent] = []
            let results: [Result<[Appended], any Error>] = try zip(batches, checked).map { events, check in
                if case let .failure(refusal) = check { return .failure(refusal) }
                do {
                    let taken = try txn.nested { batch in
                        try appendChecked(events, keyring: keyring, encodings: encodings, in: batch, now: now(), reports: beside)
                    }
                    accepted += taken.events
                    return .success(taken.appended)
                } catch let error as LMDBError {
                    throw error  // the store, not the batch: a full map is grown and the group retried
                } catch {
                    if let applying = beside {
                        // The reports beside may hold events of the refused batch: they are applied afresh at the end instead.
                        applying.close()
                        beside = nil
                        targets = try txn.withReader { reader in try appendTargets(encodings: encodings, reader) }
                    }
                    return .failure(error)
                }
            }
            if !accepted.isEmpty {
                let changes = try beside?.finish() ?? txn.withReader { reader in
                    try self.changes(applying: accepted, to: targets, keeping: 0, through: reader)
                }
                try write(changes, of: targets, in: txn)
            }
            return results
        }
        for (events, result) in zip(batches, results) where (try? result.get()) != nil {
            try destroyKeys(erasedBy: events)
        }
        return results
    }

    /// Appends `events` in `txn`, checked against the rules in order, with their personal
    /// fields sealed under `keyring`'s keys and the learners' records it changes encoded
    /// through `encodings`; hands each event the rules accept to `reports`, if any, and
    /// returns their positions and the events taken, for the projections.
    private func appendChecked(
        _ events: [CentreEvent], keyring: Keyring, encodings: LearnerRecordEncodings, in txn: borrowing WriteTransaction, now: Date,
        reports: InlineReports?
    ) throws -> (appended: [Appended], events: [RecordedEvent]) {
        var accepted: [RecordedEvent] = []
        // What the rules change in the batch, written to the transaction once they have checked it all.
        let changes = OverlayEntityStore(expecting: 2 * events.count) { _ in nil }
        let memory = RulesMemory(store: changes, decodedBefore: decodedRulesState, encodings: encodings, expecting: events.count)
        do {
            let appended = try log.append(events.map(\.draft), in: txn, now: now, validate: { txn, appending in
                let event = events[appending.index]
                // The learner the event concerns, which its record names.
                let learner = try txn.withReader { reader in
                    // The rules read through to this transaction.
                    changes.base = { key in try reader.get(self.state, key: TextKey(key)) }
                    defer { changes.base = { _ in nil } }
                    do {
                        try self.rules.apply(
                            event.event, sequence: appending.sequence, schemaVersion: event.draft.schemaVersion, by: event.draft.actor, occurredAt: event.draft.occurredAtMicros,
                            recordedAt: appending.recordedAtMicros, to: memory)
                    } catch let violation as RuleViolation {
                        throw BatchRefusal(index: appending.index, eventID: event.draft.id, cause: .rule(violation))
                    }
                    return try LearnerAttribution.learner(of: event.event) { try Entities(memory: memory).learner(owning: $0, $1) }
                }
                let recorded = RecordedEvent(
                    event: event.event, sequence: appending.sequence, actor: event.draft.actor.id, occurredAtMicros: event.draft.occurredAtMicros)
                accepted.append(recorded)
                reports?.add(recorded)
                let sealed = try learner.flatMap { learner in
                    do {
                        return try keyring.seal(event.draft, type: event.event.type, learner: learner)
                    } catch let violation as RuleViolation {
                        throw BatchRefusal(index: appending.index, eventID: event.draft.id, cause: .rule(violation))
                    }
                }
                return AppendFacts(learner: learner, sealed: sealed)
            }, complete: { txn in
                // The reports apply the last events while the rules' changes are written.
                reports?.handOn()
                try keyring.waitUntilDurable()
                try memory.flush()
                try txn.write(changes.changes, to: self.state)
            }, open: { try keyring.opened($0).payload })
            return (appended, accepted)
        } catch let error as EventLogError {
            guard let index = error.batchIndex else { throw error }
            throw BatchRefusal(index: index, eventID: events[index].draft.id, cause: .log(error))
        }
    }

    /// The learners `events` name themselves in events holding personal fields: chiefly
    /// those they register. A learner an event names only through an id (an evidence's,
    /// an assessment's) was registered earlier and holds a key already, or has it made as
    /// the record is sealed. An event naming no learner gets no key here: the rules,
    /// which run after, refuse it by name.
    private func learnersWithPersonalData(in events: some Sequence<CentreEvent>) -> Set<String> {
        var learners: Set<String> = []
        for event in events where !PersonalFields.numbers(of: event.event.type, version: event.draft.schemaVersion).isEmpty {
            if let learner = LearnerAttribution.learner(of: event.event, owner: { _, _ in nil }), !learner.isEmpty {
                learners.insert(learner)
            }
        }
        return learners
    }

    /// Parses NDJSON lines and appends them as one batch. Blank lines are skipped.
    /// - Throws: `LineRefusal` naming the line; nothing is appended.
    @discardableResult
    public func append(ndjson text: some StringProtocol, now: () -> Date = Date.init) throws -> [(line: Int, appended: Appended)] {
        var results: [(line: Int, appended: Appended)] = []
        try append(lines: text.split(separator: "\n", omittingEmptySubsequences: false), now: now) { results.append(($0, $1)) }
        return results
    }

    /// Parses NDJSON lines of text and appends them; see `append(nextLine:batchSize:now:appended:)`.
    public func append(
        lines: some Sequence<some StringProtocol>, batchSize: Int = .max, now: () -> Date = Date.init,
        appended: (Int, Appended) -> Void
    ) throws {
        var iterator = lines.makeIterator()
        try append(nextLine: { iterator.next().map { Array($0.utf8)[...] } }, batchSize: batchSize, now: now, appended: appended)
    }

    /// Parses NDJSON lines, as `nextLine` reads them (UTF-8, without their line breaks;
    /// `nil` at the end), and appends them in batches of `batchSize` events, each batch
    /// atomic; by default the whole input is one batch. Blank lines are skipped. Each
    /// batch is checked and committed on a thread of its own while the next is read and
    /// parsed. `appended` hears of each event once its batch is committed, with its line
    /// number, on the calling thread.
    /// - Throws: `LineRefusal` naming the line that is wrong or could not be read: its
    ///   batch is not appended (nor anything after it); batches before it stay appended
    ///   and were reported.
    public func append(
        nextLine: () throws -> ArraySlice<UInt8>?, batchSize: Int = .max, now: () -> Date = Date.init,
        appended: (Int, Appended) -> Void
    ) throws {
        let commits = BatchCommits(store: self)
        var events: [CentreEvent] = []
        var numbers: [Int] = []
        var parsed = 0
        func submit() {
            guard !events.isEmpty else { return }
            commits.submit(.init(events: events, lines: numbers, now: now()))
            events = []
            numbers = []
            commits.report(to: appended)
        }
        /// Refuses line `number`, unless a batch before it was refused.
        func refuse(_ number: Int, _ cause: RefusalCause) throws -> Never {
            let committed = try commits.finish(reporting: appended)
            throw LineRefusal(line: number, eventID: nil, cause: cause, appendedBefore: committed)
        }
        var number = 0
        while !commits.stopped {
            number += 1
            let read: ArraySlice<UInt8>?
            do {
                read = try nextLine()
            } catch {
                try refuse(number, .unreadable(error))
            }
            guard let line = read else { break }
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) else { continue }
            do {
                events.append(try CentreEvent(line: line))
                numbers.append(number)
                parsed += 1
            } catch let error as EventInputError {
                try refuse(number, .input(error))
            }
            if events.count >= batchSize { submit() }
        }
        if parsed == 0 { try refuse(0, .noEvents) }
        submit()
        _ = try commits.finish(reporting: appended)
    }
}

/// Batches of parsed lines committed in order on a thread of their own, while the
/// caller reads and parses the next; what each committed, or what refused one, is handed
/// back to the caller.
private final class BatchCommits: @unchecked Sendable {
    struct Batch {
        let events: [CentreEvent]
        let lines: [Int]
        let now: Date
    }

    private let lock = NSLock()
    private var committed: [(lines: [Int], appended: [Appended])] = []
    private var count = 0
    private var stage: Stage<Batch>!

    init(store: CentreStore) {
        stage = Stage(depth: 1, handingBack: true) { [unowned self] batches in
            for batch in batches {
                do {
                    let appended = try store.append(batch.events, now: { batch.now })
                    lock.withLock {
                        committed.append((batch.lines, appended))
                        count += appended.count
                    }
                } catch let refusal as BatchRefusal {
                    throw LineRefusal(
                        line: batch.lines[refusal.index], eventID: refusal.eventID, cause: refusal.cause, appendedBefore: lock.withLock { count })
                }
            }
        }
    }

    /// Whether a batch was refused, or the store failed: nothing more will be committed.
    var stopped: Bool { stage.isDone }

    /// Queues `batch` behind those before it.
    func submit(_ batch: Batch) {
        stage.submit([batch])
    }

    /// Tells `appended` of the events committed since the last report.
    func report(to appended: (Int, Appended) -> Void) {
        let reported = lock.withLock {
            defer { committed.removeAll() }
            return committed
        }
        for (lines, positions) in reported {
            for (line, position) in zip(lines, positions) { appended(line, position) }
        }
    }

    /// Waits for the batches queued, reports them, and returns how many events were
    /// committed in all. - Throws: what refused a batch, or failed the store.
    func finish(reporting appended: (Int, Appended) -> Void) throws -> Int {
        stage.close()
        report(to: appended)
        if let error = stage.error { throw error }
        return lock.withLock { count }
    }
}

/// Why an event, or a line of input, was refused.
public enum RefusalCause: Error, CustomStringConvertible {
    /// It breaks a rule of the centre: `RuleViolation` names the rule and the facts.
    case rule(RuleViolation)
    /// The log would not store it: an event id already stored with other content, a
    /// stream not at the version expected.
    case log(EventLogError)
    /// The line is not an event: `EventInputError` names the field and what is wrong.
    case input(EventInputError)
    /// The line could not be read.
    case unreadable(any Error)
    /// The input holds no events at all.
    case noEvents

    /// The words the refusal gives.
    public var description: String {
        switch self {
        case let .rule(violation): violation.description
        case let .log(error): error.description
        case let .input(error): error.description
        case let .unreadable(error): "could not be read: \(error)"
        case .noEvents: "the input holds no events"
        }
    }

    /// The rule broken, when a rule was.
    public var violation: RuleViolation? {
        if case let .rule(violation) = self { violation } else { nil }
    }
}

/// A refused batch: the event at `index` broke a rule or could not be stored; nothing of
/// the batch was appended.
public struct BatchRefusal: Error, CustomStringConvertible {
    /// The refused event's place in the batch, from 0.
    public let index: Int
    /// The refused event's id.
    public let eventID: UUID
    public let cause: RefusalCause

    public var reason: String { cause.description }
    public var description: String { "event \(index + 1) of the batch: \(reason)" }
}

/// A refused input: line `line` is wrong; its batch and everything after it was not appended.
public struct LineRefusal: Error, CustomStringConvertible {
    /// The line's number, from 1; 0 when the refusal concerns the whole input.
    public let line: Int
    /// The id of the event on the line, when the line was read as one.
    public let eventID: UUID?
    public let cause: RefusalCause
    /// Events appended by earlier batches of the same input, before the refusal.
    public let appendedBefore: Int

    public var reason: String { cause.description }

    public var description: String {
        let place = line == 0 ? "" : "line \(line): "
        let kept = appendedBefore == 0 ? "nothing was appended" : "its batch and the rest were not appended (\(appendedBefore) events of earlier batches were)"
        return place + reason + "; " + kept
    }
}
