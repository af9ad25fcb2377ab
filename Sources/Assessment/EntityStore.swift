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

/// An entity's kind and id: what the rules' memory is keyed by.
struct EntityKey: Hashable {
    let kind: EntityKind
    let id: String

    /// The id alone: a kind's hash is its name's, hashed again at every look-up, and ids
    /// of two kinds that coincide (a learner and their record) only share a bucket.
    func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// The key it is stored under.
    var stored: String { kind.key(id) }
}

/// Typed access to the entities the rules keep.
package struct Entities {
    package init(memory: RulesMemory) { self.memory = memory }

    let memory: RulesMemory
    package var store: any EntityStore { memory.store }

    package func get<M: SwiftProtobuf.Message>(_ kind: EntityKind, _ id: String, as type: M.Type = M.self) throws -> M? {
        let key = EntityKey(kind: kind, id: id)
        // The kept message alone, not its whole entry, copied out.
        if let index = memory.decoded.index(forKey: key), let kept = memory.decoded.values[index].message.exactly(M.self) { return kept }
        let stored = key.stored
        guard let bytes = try store.load(stored) else { return nil }
        let message: M = try memory.decodedBefore?.take(stored, from: bytes) ?? M(serializedBytes: bytes)
        memory.remember(key, message, loadedFrom: bytes)
        return message
    }

    package func set(_ kind: EntityKind, _ id: String, _ value: some SwiftProtobuf.Message) {
        memory.keep(EntityKey(kind: kind, id: id), value)
    }

    /// Changes the entity in place; false when there is none. The message is taken out of
    /// what is kept while `body` changes it (its entry left in place), so that its storage
    /// is changed, not copied. A throw from `body` ends the batch, which is then never written.
    package func update<M: SwiftProtobuf.Message>(_ kind: EntityKind, _ id: String, _ body: (inout M) throws -> Void) throws -> Bool {
        let key = EntityKey(kind: kind, id: id)
        guard var message: M = try get(kind, id) else { return false }
        memory.takeOut(key)
        defer { memory.keep(key, message) }
        try body(&message)
        return true
    }

    package func staff(_ id: String) throws -> Attest_V1_StaffState? { try get(.staff, id) }
    package func learner(_ id: String) throws -> Attest_V1_LearnerState? { try get(.learner, id) }
    package func evidence(_ id: String) throws -> Attest_V1_EvidenceState? { try get(.evidence, id) }
    package func assessment(_ id: String) throws -> Attest_V1_AssessmentState? { try get(.assessment, id) }
    package func sample(_ id: String) throws -> Attest_V1_SampleState? { try get(.sample, id) }
    package func adjustment(_ id: String) throws -> Attest_V1_AdjustmentState? { try get(.adjustment, id) }
    package func rpl(_ id: String) throws -> Attest_V1_RplState? { try get(.rpl, id) }
    package func specificationState(_ id: String) throws -> Attest_V1_SpecificationState? { try get(.specification, id) }
    package func account(_ staffID: String) throws -> Attest_V1_AccountState? { try get(.account, staffID) }
    package func token(_ id: String) throws -> Attest_V1_TokenState? { try get(.token, id) }

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
/// through `store`, and the messages among them kept decoded, so that a batch decodes
/// each staff member, learner or piece of evidence it meets once, and encodes each it
/// changes once, at `flush()`, rather than at every event.
public final class RulesMemory {
    public let store: any EntityStore
    /// Messages decoded in earlier transactions, when the memory is given them.
    let decodedBefore: DecodedMessages?
    fileprivate private(set) var decoded: [EntityKey: Kept] = [:]
    /// Specifications compiled, by id and version.
    fileprivate var compiled: [SpecificationVersion: CompiledSpecification] = [:]

    /// Learners' records this transaction encoded, when the memory is given them.
    let encodings: LearnerRecordEncodings?

    /// A memory over `store`, with room for the entities of about `events` events (two
    /// each) before its tables grow: growing rehashes every entry, which was 5% of
    /// an append's time when a batch's tables started empty (`attest-bench ingest`).
    public init(store: any EntityStore, decodedBefore: DecodedMessages? = nil, encodings: LearnerRecordEncodings? = nil, expecting events: Int = 0) {
        self.store = store
        self.decodedBefore = decodedBefore
        self.encodings = encodings
        decoded.reserveCapacity(2 * events)
    }

    /// A message kept decoded: whether it changed since the last flush, and the bytes it
    /// was loaded from when it is to be kept decoded for the next transaction.
    fileprivate struct Kept {
        var message: any SwiftProtobuf.Message
        var changed = false
        var loaded: [UInt8]?

        /// Holds `message`, changed since the last flush.
        mutating func changed(to message: any SwiftProtobuf.Message) {
            self.message = message
            changed = true
        }
    }

    /// What an entry holds while its message is taken out to be changed: an entry changed
    /// in place is looked up, never removed and put back, which moves its neighbours.
    private static let takenOut: any SwiftProtobuf.Message = Google_Protobuf_Empty()

    fileprivate func remember(_ key: EntityKey, _ message: any SwiftProtobuf.Message, loadedFrom bytes: [UInt8]) {
        decoded[key] = Kept(message: message, loaded: decodedBefore != nil ? bytes : nil)
    }

    /// Drops the entry's reference to its message, so that the caller's is the only one.
    fileprivate func takeOut(_ key: EntityKey) { decoded[key]?.message = Self.takenOut }

    fileprivate func keep(_ key: EntityKey, _ message: any SwiftProtobuf.Message) {
        decoded[key, default: Kept(message: message)].changed(to: message)
    }

    /// Writes the messages changed since the last flush to `store`, and keeps every message
    /// decoded for the next transaction, when given where.
    public func flush() throws {
        for (key, kept) in decoded {
            if kept.changed {
                let bytes = try kept.message.stateBytes(sharing: encodings)
                let stored = key.stored
                try store.save(stored, bytes)
                decodedBefore?.keep(stored, bytes, kept.message)
            } else if let loaded = kept.loaded {
                decodedBefore?.keep(key.stored, loaded, kept.message)
            }
        }
        // By position, not `decoded.indices`: that holds the table, so the first change copied all of it.
        var index = decoded.startIndex
        while index != decoded.endIndex {
            decoded.values[index].changed = false
            decoded.values[index].loaded = nil
            index = decoded.index(after: index)
        }
    }

    /// Flushes, then forgets the messages kept decoded: between batches, so that memory stays bounded.
    public func forget() throws {
        try flush()
        decoded.removeAll(keepingCapacity: true)
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
        try entities.evidence(id).map { state in
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
