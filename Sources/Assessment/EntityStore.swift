import Foundation
import Records
import SwiftProtobuf

/// Where the rules keep what they remember between events, by key: `staff/ID`,
/// `learner/ID`, `evidence/ID`, … Inside a store it is the LMDB database `rules-state`,
/// written in the append's transaction.
public protocol EntityStore: AnyObject {
    func load(_ key: String) throws -> [UInt8]?
    func save(_ key: String, _ value: [UInt8]) throws
    /// Removes the entry under `key`, if there is one.
    func remove(_ key: String) throws
}

/// Every kind of entry the rules keep in `rules-state`, each under the key `KIND/ID`
/// (`staff/admin-1`): the one table of its keys. Entities are messages of `Records`; a
/// mark's presence is its fact (its value one byte, 1).
package enum EntityKind: String, Sendable, CaseIterable {
    case staff, learner, evidence, assessment, sample, adjustment, rpl, simulation, specification, account, token
    /// A specification version's message, by `ID@VERSION`.
    case specificationVersion = "specification-version"
    /// A learner's record (`LearnerProgress`).
    case progress
    /// A specification version's digest, by `ID@VERSION`: raw bytes.
    case specificationDigest = "specification-digest"
    /// Marks: a unit of an imported specification, a standardisation activity recorded, an
    /// EQA's sample requested, and (under `EQA/LEARNER`) each learner an EQA asked to see.
    case unit, standardisation
    case eqaSample = "eqa-sample"
    case eqaSampled = "eqa-sampled"
    /// The learner (UTF-8) whose ULN has this keyed digest (`ULNDigest`): never the ULN itself.
    case uln

    /// The key entity `id` of this kind is stored under.
    package func key(_ id: String) -> String { rawValue + "/" + id }

    /// The id of an entry named by two ids (`EQA/LEARNER`).
    package static func id(_ first: String, _ second: String) -> String { first + "/" + second }

    /// What every key of this kind starts with.
    package var prefix: String { rawValue + "/" }

    /// The one key outside the kinds: present once any staff member is registered.
    package static let anyStaffKey = "has-staff"
}

/// The value of an entry whose presence is the fact: a mark, in the rules' state or a report.
public enum Mark {
    /// The one byte a mark stores.
    public static let stored: [UInt8] = [1]
}

/// A kind of entity the rules keep as a message, with the message's type: the typed half
/// of `EntityKind`, as a report's `KeyTable` is of its keys. `Entities.get(.staff, id)`
/// gives an `Attest_V1_StaffState`.
package struct EntityTable<Message: SwiftProtobuf.Message>: Sendable {
    package let kind: EntityKind
    /// Where the memory keeps this table's messages, among `RulesMemory.tables`.
    fileprivate let index: Int

    fileprivate init(_ kind: EntityKind, _ index: Int) {
        self.kind = kind
        self.index = index
    }
}

extension EntityTable {
    /// Each staff member's registration, by staff id.
    package static var staff: EntityTable<Attest_V1_StaffState> { .init(.staff, 0) }
    /// Each learner's registration, adjustments and credits, and whether they were withdrawn, certificated or erased.
    package static var learner: EntityTable<Attest_V1_LearnerState> { .init(.learner, 1) }
    /// Each piece of evidence as submitted, and whether it was withdrawn, by its id.
    package static var evidence: EntityTable<Attest_V1_EvidenceState> { .init(.evidence, 2) }
    /// Each assessment: its evidence, assessor and when it was decided.
    package static var assessment: EntityTable<Attest_V1_AssessmentState> { .init(.assessment, 3) }
    /// Each IQA sample: the assessment sampled, its outcome, and whether the decision was revised after it.
    package static var sample: EntityTable<Attest_V1_SampleState> { .init(.sample, 4) }
    /// Each reasonable adjustment requested, and its decision.
    package static var adjustment: EntityTable<Attest_V1_AdjustmentState> { .init(.adjustment, 5) }
    /// Each RPL credit, and whether it was revoked.
    package static var rpl: EntityTable<Attest_V1_RplState> { .init(.rpl, 6) }
    /// Each simulation reviewed as fit for assessment, by its id.
    package static var simulation: EntityTable<Attest_V1_SimulationState> { .init(.simulation, 7) }
    /// Each specification's latest version and its digest, by specification id.
    package static var specification: EntityTable<Attest_V1_SpecificationState> { .init(.specification, 8) }
    /// Each staff account's standing, by staff id.
    package static var account: EntityTable<Attest_V1_AccountState> { .init(.account, 9) }
    /// Each API token: whose it is, when it expires, and whether it was revoked.
    package static var token: EntityTable<Attest_V1_TokenState> { .init(.token, 10) }
    /// Each specification version as imported, by `ID@VERSION`.
    package static var specificationVersion: EntityTable<Attest_V1_Specification> { .init(.specificationVersion, 11) }
    /// Each learner's record (`LearnerProgress`), by learner.
    package static var progress: EntityTable<Attest_V1_LearnerRecord> { .init(.progress, 12) }
}

/// Typed access to the entities the rules keep.
package struct Entities {
    package init(memory: RulesMemory) { self.memory = memory }

    let memory: RulesMemory
    package var store: any EntityStore { memory.store }

    package func get<M>(_ table: EntityTable<M>, _ id: String) throws -> M? {
        try place(table, id).map { memory.table(table).message(at: $0) }
    }

    package func set<M>(_ table: EntityTable<M>, _ id: String, _ value: M) {
        memory.table(table).keep(id, value)
    }

    /// Changes the entity in place; false when there is none. The message is taken out of
    /// what is kept while `body` changes it, so that its storage is changed, not copied.
    /// A throw from `body` ends the batch, which is then never written.
    package func update<M>(_ table: EntityTable<M>, _ id: String, _ body: (inout M) throws -> Void) throws -> Bool {
        guard let place = try place(table, id) else { return false }
        let kept = memory.table(table)
        var message = kept.take(at: place)
        defer { kept.put(message, at: place) }
        try body(&message)
        return true
    }

    /// Where the memory keeps entity `id` of `table`, read from the store (and decoded)
    /// the first time it is asked for; `nil` when there is none.
    private func place<M>(_ table: EntityTable<M>, _ id: String) throws -> Int? {
        let kept = memory.table(table)
        if let place = kept.place(of: id) { return place }
        let stored = table.kind.key(id)
        guard let bytes = try store.load(stored) else { return nil }
        let decodedBefore = kept.keepsDecoded ? memory.decodedBefore : nil
        let message: M = try decodedBefore?.take(stored, from: bytes) ?? M(serializedBytes: bytes)
        return kept.add(id, message, loaded: decodedBefore != nil ? bytes : nil)
    }

    /// Whether any staff member is registered yet.
    package func anyStaff() throws -> Bool { try store.load(EntityKind.anyStaffKey) != nil }
    package func noteStaff() throws { try store.save(EntityKind.anyStaffKey, Mark.stored) }

    /// Whether `id` is marked as one of `kind` (a unit imported, a standardisation recorded).
    package func isMarked(_ kind: EntityKind, _ id: String) throws -> Bool { try store.load(kind.key(id)) != nil }

    /// Marks `id` as one of `kind`.
    package func mark(_ kind: EntityKind, _ id: String) throws { try store.save(kind.key(id), Mark.stored) }

    /// The digest of specification `version`, once imported.
    func specificationDigest(_ version: SpecificationVersion) throws -> [UInt8]? {
        try store.load(EntityKind.specificationDigest.key(version.key))
    }

    /// Specification `version` compiled, as `find` gives it the first time it is asked for:
    /// kept for the memory's life, as a version never changes.
    func compiledSpecification(
        _ version: SpecificationVersion, _ find: () throws -> CompiledSpecification?
    ) rethrows -> CompiledSpecification? {
        if let kept = memory.compiled[version] { return kept }
        guard let found = try find() else { return nil }
        memory.compiled[version] = found
        return found
    }

    package func specification(_ id: String, version: UInt32) throws -> Attest_V1_Specification? {
        try get(.specificationVersion, SpecificationVersion(id: id, version: version).key)
    }
}

/// What the rules remember as they check a run of events: entries read and written
/// through `store`, and the messages among them kept decoded, a table of each kind, so
/// that a batch decodes each staff member, learner or piece of evidence it meets once,
/// and encodes each it changes once, at `flush()`, rather than at every event.
public final class RulesMemory {
    public let store: any EntityStore
    /// Messages decoded in earlier transactions, when the memory is given them.
    let decodedBefore: DecodedMessages?
    /// The messages kept, one table for each `EntityTable`, at its index: typed, so that a
    /// look-up neither boxes a message nor casts it.
    private let tables: [KeptKind]
    /// Specifications compiled, by id and version.
    fileprivate var compiled: [SpecificationVersion: CompiledSpecification] = [:]

    /// Learners' records this transaction encoded, when the memory is given them.
    let encodings: LearnerRecordEncodings?

    /// A memory over `store`, with room for the entities of about `events` events before
    /// its tables of evidence and assessments grow: growing rehashes every entry, which was
    /// 5% of an append's time when a batch's tables started empty (`attest-bench ingest`).
    public init(store: any EntityStore, decodedBefore: DecodedMessages? = nil, encodings: LearnerRecordEncodings? = nil, expecting events: Int = 0) {
        self.store = store
        self.decodedBefore = decodedBefore
        self.encodings = encodings
        // Kept decoded for the next transaction: the kinds read again and again (the actor,
        // the learner, their record, their specification). Evidence, assessments and the
        // rest are read again a few times in their lives: keeping every one decoded took
        // more than decoding it again, 7% of the thread that checks and commits an append.
        tables = [
            KeptEntities(.staff, keepsDecoded: true), KeptEntities(.learner, keepsDecoded: true),
            KeptEntities(.evidence, room: events), KeptEntities(.assessment, room: events),
            KeptEntities(.sample), KeptEntities(.adjustment), KeptEntities(.rpl), KeptEntities(.simulation),
            KeptEntities(.specification, keepsDecoded: true), KeptEntities(.account), KeptEntities(.token),
            KeptEntities(.specificationVersion, keepsDecoded: true), KeptEntities(.progress, keepsDecoded: true),
        ]
        precondition(tables.indices.allSatisfy { tables[$0].index == $0 }, "each EntityTable's index is its table's place")
    }

    /// The kept messages of `table`.
    fileprivate func table<M>(_ table: EntityTable<M>) -> KeptEntities<M> {
        unsafeDowncast(tables[table.index], to: KeptEntities<M>.self)
    }

    /// Writes the messages changed since the last flush to `store`, and keeps those of the
    /// kinds read again decoded for the next transaction, when given where.
    public func flush() throws {
        for table in tables { try table.flush(to: self) }
    }

    /// Between a replay's batches, so that memory stays bounded: writes out and forgets
    /// the kinds read a few times in their lives (evidence, assessments and the rest), and
    /// keeps decoded the kinds read again and again (staff, learners, their records,
    /// specifications) until a table of them holds more than `keptLimit` entries: the
    /// learners of most centres. Writing out every learner's record and decoding it again
    /// in the next batch took 8% of a replay's rules (`callgrind`, 300 learners).
    public func forget(keptLimit: Int = 8_192) throws {
        for table in tables where !table.keepsDecoded || table.count > keptLimit {
            try table.flush(to: self)
            table.forget()
        }
    }
}

/// The messages of one kind that the rules' memory keeps.
private class KeptKind {
    /// Its place among the memory's tables: its `EntityTable`'s index.
    let index: Int
    /// Whether its messages are kept decoded for the next transaction (`DecodedMessages`),
    /// and through a replay's `forget()`.
    let keepsDecoded: Bool

    init(index: Int, keepsDecoded: Bool) {
        self.index = index
        self.keepsDecoded = keepsDecoded
    }

    /// How many messages it keeps.
    var count: Int { 0 }
    func flush(to memory: RulesMemory) throws {}
    func forget() {}
}

/// The messages of `table` kept by id, each with whether it changed since the last flush
/// and the bytes it was loaded from when it is to be kept decoded for the next transaction.
/// They stay where they were first kept until the memory forgets them, so that a message
/// found once is read and changed in place: an entry of a dictionary's values is copied
/// out whole to be read (4% of the thread that checks and commits an append).
private final class KeptEntities<M: SwiftProtobuf.Message>: KeptKind {
    struct Kept {
        let id: String
        var message: M
        var changed: Bool
        var loaded: [UInt8]?
    }

    let kind: EntityKind
    /// Where each id's message is kept in `kept`.
    private var places: [String: Int] = [:]
    private var kept: [Kept] = []

    init(_ table: EntityTable<M>, room: Int = 0, keepsDecoded: Bool = false) {
        kind = table.kind
        super.init(index: table.index, keepsDecoded: keepsDecoded)
        places.reserveCapacity(room)
        kept.reserveCapacity(room)
    }

    func place(of id: String) -> Int? { places[id] }

    func message(at place: Int) -> M { kept[place].message }

    /// Holds `message` as loaded (from `loaded`, when it is to be kept decoded), unchanged; returns where.
    func add(_ id: String, _ message: M, loaded: [UInt8]?) -> Int {
        append(Kept(id: id, message: message, changed: false, loaded: loaded))
    }

    /// Holds `message` under `id`, changed since the last flush.
    func keep(_ id: String, _ message: M) {
        if let place = places[id] {
            put(message, at: place)
        } else {
            append(Kept(id: id, message: message, changed: true))
        }
    }

    /// Holds `entry` after the others, found by its id from now on; returns where.
    @discardableResult
    private func append(_ entry: Kept) -> Int {
        places[entry.id] = kept.count
        kept.append(entry)
        return kept.count - 1
    }

    /// The message at `place`, taken out (an empty one left there) to be changed and `put` back.
    func take(at place: Int) -> M {
        defer { kept[place].message = M() }
        return kept[place].message
    }

    /// Holds `message` at `place`, changed since the last flush.
    func put(_ message: M, at place: Int) {
        kept[place].message = message
        kept[place].changed = true
    }

    override func flush(to memory: RulesMemory) throws {
        for place in kept.indices {
            let entry = kept[place]
            if entry.changed {
                let bytes = try entry.message.stateBytes(sharing: memory.encodings)
                let stored = kind.key(entry.id)
                try memory.store.save(stored, bytes)
                if keepsDecoded { memory.decodedBefore?.keep(stored, bytes, entry.message) }
            } else if let loaded = entry.loaded {
                memory.decodedBefore?.keep(kind.key(entry.id), loaded, entry.message)
            }
            kept[place].changed = false
            kept[place].loaded = nil
        }
    }

    override var count: Int { kept.count }

    override func forget() {
        places.removeAll(keepingCapacity: true)
        kept.removeAll(keepingCapacity: true)
    }
}

/// The learners' records the rules keep, under `progress/ID`. Evidence, and which learner
/// an assessment, an adjustment or an RPL credit belongs to, are read from what the rules
/// already remember of them.
final class RulesLearnerRecords: LearnerRecordKeeping {
    private let entities: Entities

    init(entities: Entities) { self.entities = entities }

    func record(_ learner: String) throws -> Attest_V1_LearnerRecord? { try entities.get(.progress, learner) }

    func save(_ record: Attest_V1_LearnerRecord) throws { entities.set(.progress, record.learnerID, record) }

    func update(_ learner: String, _ body: (inout Attest_V1_LearnerRecord) throws -> Void) throws -> Bool {
        try entities.update(.progress, learner, body)
    }

    /// The rules keep each piece of evidence themselves (`evidence/ID`).
    func keep(_ evidence: Attest_V1_EvidenceEntry) {}

    func evidence(_ id: String) throws -> Attest_V1_EvidenceEntry? {
        try entities.get(.evidence, id).map { state in
            let submission = state.submission
            return .with {
                $0.evidenceID = id; $0.learnerID = submission.learnerID; $0.unit = submission.unit
                $0.method = submission.method; $0.withdrawn = state.withdrawn
            }
        }
    }

    func own(_ kind: LearnerRecordPart, _ id: String, by learner: String) {}

    func owner(_ kind: LearnerRecordPart, _ id: String) throws -> String? {
        try entities.learner(owning: kind, id)
    }
}

extension SwiftProtobuf.Message {
    /// The message's bytes with map entries in key order, so that the same state always
    /// gives the same bytes (which a replay compares with the stored ones). Written in
    /// one pass by `StateEncoder`.
    public func stateBytes() throws -> [UInt8] {
        var encoder = StateEncoder()
        do {
            try traverse(visitor: &encoder)
        } catch {
            encoder.discard()
            throw error
        }
        return encoder.finish()
    }
}
