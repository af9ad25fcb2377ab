import Assessment
import EventLog
import Foundation
import LMDB
import Records

/// A projection and its two databases, `NAME.a` and `NAME.b`: one serves reports while a
/// rebuild fills the other, and the registry says which is which.
struct ProjectionSlots {
    let projection: any Projection
    let databases: [Database]
    /// Its messages as appends last read or wrote them.
    let decoded = DecodedMessages()
}

/// A projection being fed events: its code, the database it writes and its state. One
/// thread at a time uses it.
struct ProjectionTarget: @unchecked Sendable {
    let projection: any Projection
    let database: Database
    let state = ProjectionState(base: MemoryEntityStore())
}

/// Where a projection stands in a store.
public enum ProjectionStatus: Equatable, Sendable {
    /// Built by this version of its code and up to date with the log.
    case current
    /// Built by another version of its code (`nil`: never built): it needs a rebuild.
    case stale(storedVersion: UInt32?, codeVersion: UInt32)
}

/// A report that cannot be served until it is rebuilt.
public struct StaleProjection: Error, CustomStringConvertible {
    public let name: String
    public let status: ProjectionStatus

    public var description: String { "\(state): it must be rebuilt from the log before it is read" }

    /// Which version of the report's code built it, and which this is.
    public var state: String {
        guard case let .stale(stored, code) = status else { return "the \(name) report is current" }
        let built = stored.map { "was built by version \($0) of its code" } ?? "has never been built in this store"
        return "the \(name) report \(built) and this is version \(code)"
    }
}

extension CentreStore {
    package static let checkpointKey = "projection/checkpoint"

    /// The slot serving `projection`'s reports and the code version that built it, as `reader` sees them.
    func registration(of projection: any Projection, _ reader: TransactionReader) throws -> (slot: Int, version: UInt32)? {
        try registration(named: projection.name, reader)
    }

    /// The slot and code version the registry holds for `name`, as `reader` sees them.
    func registration(named name: String, _ reader: TransactionReader) throws -> (slot: Int, version: UInt32)? {
        guard let value = try reader.get(registry, key: TextKey(name)), value.count == 5 else { return nil }
        return (Int(value[0]), UInt32(BigEndian.uint64([0, 0, 0, 0] + value[1...]) ?? 0))
    }

    /// Records that `slot` serves `projection`, built by this version of its code.
    func register(_ projection: any Projection, slot: Int, in txn: borrowing WriteTransaction) throws {
        try register(named: projection.name, slot: slot, version: projection.version, in: txn)
    }

    /// Records that `slot` serves `name`, built by version `version` of its code.
    func register(named name: String, slot: Int, version: UInt32, in txn: borrowing WriteTransaction) throws {
        try txn.put(registry, key: TextKey(name), value: [UInt8(slot)] + BigEndian.bytes(UInt64(version)).suffix(4))
    }

    /// The status of each projection this store keeps.
    public func projectionStatus() throws -> [(name: String, status: ProjectionStatus)] {
        try projectionVersions().map { projection in
            (projection.name, projection.stored == projection.code
                ? .current : .stale(storedVersion: projection.stored, codeVersion: projection.code))
        }
    }

    /// Each projection this store keeps, with the version of the code that built it
    /// (`nil`: never built) and this code's version.
    public func projectionVersions() throws -> [(name: String, stored: UInt32?, code: UInt32)] {
        try log.environment.read { txn in
            try txn.withReader { reader in
                try projections.map { slots in
                    (slots.projection.name, try registration(of: slots.projection, reader)?.version, slots.projection.version)
                }
            }
        }
    }

    /// The projections an append keeps up to date, as `reader` sees the registry: those
    /// built by this version of their code (a stale one waits for its rebuild). Learners'
    /// records are encoded through `encodings`, which holds those the rules wrote.
    func appendTargets(encodings: LearnerRecordEncodings, _ reader: TransactionReader) throws -> [ProjectionTarget] {
        try projections.compactMap { slots -> ProjectionTarget? in
            guard let registered = try registration(of: slots.projection, reader), registered.version == slots.projection.version
            else { return nil }
            let target = ProjectionTarget(projection: slots.projection, database: slots.databases[registered.slot])
            target.state.decodedBefore = slots.decoded
            target.state.encodings = encodings
            return target
        }
    }

    /// Applies `events` to each target, reading through `reader`, and returns what it
    /// writes: the messages its state keeps beyond `keeping`, and its checkpoint.
    func changes(
        applying events: [RecordedEvent], to targets: [ProjectionTarget], keeping: Int, through reader: TransactionReader
    ) throws -> [[String: [UInt8]?]] {
        try targets.map { target in
            let overlay = OverlayEntityStore(expecting: events.count) { _ in nil }
            try apply(events, to: target, over: overlay, through: reader)
            return try settle(target, over: overlay, keeping: keeping, through: events.last?.sequence)
        }
    }

    /// Applies `events` to `target`, gathering what it writes in `overlay` and reading the
    /// rest of its database, and the specifications, through `reader`.
    func apply(_ events: [RecordedEvent], to target: ProjectionTarget, over overlay: OverlayEntityStore, through reader: TransactionReader) throws {
        overlay.base = { key in try reader.get(target.database, key: TextKey(key)) }
        let rulesState = Entities(memory: RulesMemory(store: SnapshotEntityStore { key in try reader.get(self.state, key: TextKey(key)) }))
        target.state.base = overlay
        target.state.specification = { id, version in try self.rules.specifications.specification(id, version: version, in: rulesState) }
        try target.projection.apply(events, to: target.state)
    }

    /// What `target` writes once its events are applied: `overlay`'s entries, with the
    /// messages its state keeps beyond `keeping` and its checkpoint at `last` written in.
    func settle(_ target: ProjectionTarget, over overlay: OverlayEntityStore, keeping: Int, through last: UInt64?) throws -> [String: [UInt8]?] {
        if target.state.keptCount > keeping { try target.state.flush() }
        if let last { try overlay.save(Self.checkpointKey, BigEndian.bytes(last)) }
        return overlay.changes
    }

    func write(_ changes: [[String: [UInt8]?]], of targets: [ProjectionTarget], in txn: borrowing WriteTransaction) throws {
        for (target, entries) in zip(targets, changes) { try txn.write(entries, to: target.database) }
    }

    /// Calls `body` with the projections as stored, whichever version of their code built
    /// them (one never built reads as empty), and the size of the log they were read with.
    /// For reviewing a rebuild: reports are otherwise read with `readProjections`.
    public func readStoredProjections<R>(_ body: (ProjectionSnapshot, UInt64) throws -> R) throws -> R {
        try log.environment.read { txn in
            let head = try log.head(in: txn).sequence
            return try txn.withReader { reader in
                try body(ProjectionSnapshot(store: self, reader: reader, anyVersion: true), head)
            }
        }
    }

    /// The names of the projections this store keeps, or those of `names` when all are kept.
    /// - Throws: `PayloadError` naming the first one it does not keep.
    public func projectionNames(_ names: [String] = []) throws -> [String] {
        let kept = projections.map(\.projection.name)
        if let unknown = names.first(where: { !kept.contains($0) }) {
            throw PayloadError("this store keeps no projection \(unknown); it keeps \(kept.joined(separator: ", "))")
        }
        return names.isEmpty ? kept : kept.filter(names.contains)
    }

    /// Calls `body` with the projections' state and the specifications, read in one
    /// snapshot, so everything `body` reads is consistent with the log at one sequence.
    public func readProjections<R>(_ body: (ProjectionSnapshot) throws -> R) throws -> R {
        try log.environment.read { txn in
            try txn.withReader { reader in
                try body(ProjectionSnapshot(store: self, reader: reader))
            }
        }
    }

    /// Records replayed in one write transaction of a rebuild: enough to keep commits rare,
    /// few enough that appends waiting on the rebuild wait briefly.
    static let rebuildBatch = 20_000

    /// Messages a rebuild keeps decoded between batches, per projection: enough to hold
    /// every learner's record of a large centre, a bounded memory however long the log.
    static let rebuildKeep = 20_000

    /// Rebuilds projections from the log into their spare databases, then swaps each in
    /// with one transaction. Readers, in this process or another, see the old report until
    /// the swap; a rebuild that fails or is killed leaves it in place. Appends may go on
    /// meanwhile: the swap catches up with them.
    ///
    /// The caller's thread reads and decodes the log, `rebuildBatch` records at a time, and
    /// hands each batch to every projection. Each projection applies the batches on a
    /// thread of its own, at its own pace: in a read transaction that sees what it wrote
    /// before, then writing the changes in a short write transaction (which LMDB may retry
    /// after growing the map). Messages stay decoded between batches, up to `rebuildKeep`
    /// per projection, and are written when that is passed and at the end.
    ///
    /// - Parameters:
    ///   - names: the projections to rebuild; all when empty.
    ///   - progress: called now and then with (records replayed, records in the log).
    public func rebuild(_ names: [String] = [], progress: ((UInt64, UInt64) -> Void)? = nil) throws {
        try rebuild(names, keeping: Self.rebuildKeep, batch: Self.rebuildBatch, progress: progress)
    }

    /// `rebuild`, `batch` records at a time, keeping at most `keeping` messages decoded per
    /// projection between batches.
    func rebuild(_ names: [String], keeping: Int, batch size: Int, progress: ((UInt64, UInt64) -> Void)?) throws {
        let chosen = projections.filter { names.isEmpty || names.contains($0.projection.name) }
        if let unknown = names.first(where: { name in !projections.contains { $0.projection.name == name } }) {
            throw PayloadError("this store keeps no projection \(unknown); it keeps \(projections.map(\.projection.name).joined(separator: ", "))")
        }
        let spares = try log.environment.read { txn in
            try txn.withReader { reader in
                try chosen.map { slots in (slots: slots, spare: try registration(of: slots.projection, reader)?.slot == 0 ? 1 : 0) }
            }
        }
        let targets = spares.map { ProjectionTarget(projection: $0.slots.projection, database: $0.slots.databases[$0.spare]) }
        guard !targets.isEmpty else { return }
        try log.environment.write { txn in
            for target in targets { try txn.clear(target.database) }
        }
        @Sendable func apply(_ events: [RecordedEvent], to target: ProjectionTarget, keeping: Int) throws {
            let changes = try log.environment.read { txn in
                try txn.withReader { reader in try self.changes(applying: events, to: [target], keeping: keeping, through: reader) }
            }
            try log.environment.write { txn in try write(changes, of: [target], in: txn) }
        }
        let applied = AppliedSequences(count: targets.count)
        let stages = targets.indices.map { index in
            Stage<RecordedEvent>(depth: 2) { batch in
                try apply(batch, to: targets[index], keeping: keeping)
                applied.note(batch.last?.sequence ?? 0, by: index)
            }
        }
        let total = try log.head().sequence
        let reading = RebuildReading(store: self, batch: size)
        do {
            defer { for stage in stages { stage.close() } }
            reading: while let batch = try reading.nextBatch() {
                for stage in stages where !stage.submit(batch) { break reading }
                progress?(applied.least, max(total, applied.least))
            }
        }
        if let failure = stages.lazy.compactMap(\.error).first { throw failure }
        progress?(applied.least, max(total, applied.least))
        // One after the other: each flush encodes on every core, and each part is written
        // as soon as it is encoded, while other parts are still being encoded.
        for target in targets {
            let environment = log.environment, database = target.database
            try target.state.flush { keys, values in
                try environment.write { txn in
                    for (key, value) in zip(keys, values) { try txn.put(database, key: TextKey(key), value: value) }
                }
            }
        }
        try log.environment.write { txn in
            // Writers wait for this transaction: what they appended since is replayed here.
            let events = try events(from: reading.next, limit: .max, in: txn)
            let fresh = targets.map { ProjectionTarget(projection: $0.projection, database: $0.database) }
            let changes = try txn.withReader { reader in try self.changes(applying: events, to: fresh, keeping: 0, through: reader) }
            try write(changes, of: fresh, in: txn)
            for (slots, spare) in spares { try register(slots.projection, slot: spare, in: txn) }
        }
    }

    /// Marks every projection current and empty: for a new store, whose log is empty.
    func registerNewProjections() throws {
        try log.environment.write { txn in
            for slots in projections { try register(slots.projection, slot: 0, in: txn) }
        }
    }

    /// Up to `limit` events of the log from `sequence` on, decoded.
    fileprivate func events<T: ReadableTransaction & ~Copyable>(from sequence: UInt64, limit: Int, in txn: borrowing T) throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        try log.read(from: sequence, in: txn) { events.append(try RecordedEvent(record: $0.record)); return events.count < limit }
        return events
    }
}

/// The last sequence each projection of a rebuild has applied, noted by their threads.
private final class AppliedSequences: @unchecked Sendable {
    private let lock = NSLock()
    private var sequences: [UInt64]

    init(count: Int) { sequences = Array(repeating: 0, count: count) }

    func note(_ sequence: UInt64, by projection: Int) {
        lock.withLock { sequences[projection] = sequence }
    }

    /// How far every projection has got.
    var least: UInt64 { lock.withLock { sequences.min() ?? 0 } }
}

/// Reads the log for a rebuild, a batch of records at a time, each in a read transaction
/// of its own, decoded.
private final class RebuildReading {
    let store: CentreStore
    let batch: Int
    /// The first sequence not yet read.
    private(set) var next: UInt64 = 1

    init(store: CentreStore, batch: Int) {
        self.store = store
        self.batch = batch
    }

    func nextBatch() throws -> [RecordedEvent]? {
        let events = try store.log.environment.read { txn in try store.events(from: next, limit: batch, in: txn) }
        guard let last = events.last else { return nil }
        next = last.sequence + 1
        return events
    }
}

/// The projections of a store at one point of its log: as one read snapshot sees them,
/// or as a replay up to an earlier point left them.
public struct ProjectionSnapshot {
    /// The centre's time zone, in which a report counts days and months.
    public let timeZone: TimeZone
    let stateOf: (String) throws -> any EntityStore
    let walkOf: (String, String, (_ next: () throws -> (key: String, value: [UInt8])?) throws -> Void) throws -> Void
    let specificationOf: (String, UInt32) throws -> CompiledSpecification?

    /// Projection `name`'s state. - Throws: `StaleProjection` when it needs a rebuild.
    public func state(of name: String) throws -> any EntityStore { try stateOf(name) }

    /// The entries of projection `name` whose keys start with `prefix`, in key order.
    public func entries(of name: String, prefix: String) throws -> [(key: String, value: [UInt8])] {
        try collect { try walk(of: name, prefix: prefix, $0) }
    }

    /// Calls `body` with `next`, which gives the next entry of projection `name` whose key
    /// starts with `prefix` at each call, in key order, then `nil`: read as they are asked
    /// for, so that going through a whole report holds one entry at a time.
    public func walk(
        of name: String, prefix: String, _ body: (_ next: () throws -> (key: String, value: [UInt8])?) throws -> Void
    ) throws {
        try walkOf(name, prefix, body)
    }

    /// Specification `id` at `version`, compiled.
    public func specification(_ id: String, version: UInt32) throws -> CompiledSpecification? {
        try specificationOf(id, version)
    }
}

extension ProjectionSnapshot {
    /// The store's projections as `reader`'s transaction sees them. With `anyVersion`, a
    /// projection built by another version of its code is read as it is, and one never
    /// built as empty, instead of being refused.
    init(store: CentreStore, reader: TransactionReader, anyVersion: Bool = false) {
        func database(_ name: String) throws -> Database? {
            guard let slots = store.projections.first(where: { $0.projection.name == name }) else {
                throw PayloadError("this store keeps no projection \(name)")
            }
            let registered = try store.registration(of: slots.projection, reader)
            if anyVersion { return registered.map { slots.databases[$0.slot] } }
            guard let registered, registered.version == slots.projection.version else {
                throw StaleProjection(name: name, status: .stale(storedVersion: registered?.version, codeVersion: slots.projection.version))
            }
            return slots.databases[registered.slot]
        }
        let rulesState = Entities(memory: RulesMemory(store: SnapshotEntityStore { key in try reader.get(store.state, key: TextKey(key)) }))
        self.init(
            timeZone: store.timeZone,
            stateOf: { name in
                guard let database = try database(name) else { return MemoryEntityStore() }
                return SnapshotEntityStore { key in try reader.get(database, key: TextKey(key)) }
            },
            walkOf: { name, prefix, body in
                guard let database = try database(name) else { return try body { nil } }
                try reader.walk(database, prefix: Array(prefix.utf8)) { next in try withTextKeys(next, body) }
            },
            specificationOf: { id, version in try store.rules.specifications.specification(id, version: version, in: rulesState) })
    }
}
