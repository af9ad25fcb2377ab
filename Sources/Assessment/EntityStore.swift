import Foundation
import Records
import SwiftProtobuf

/// Where the rules keep what they remember between events, by key: `staff/ID`,
/// `learner/ID`, `evidence/ID`, … Inside a store it is the LMDB database `rules-state`,
/// written in the append's transaction.
public protocol EntityStore: AnyObject {
    func load(_ key: String) throws -> [UInt8]?
    func save(_ key: String, _ value: [UInt8]) throws
}

/// Where a replay keeps what the rules and the reports remember: in memory, or on disk
/// for logs whose state should not live in the process's heap.
public protocol ReplayState: EntityStore {
    /// The entries whose keys start with `prefix`, in the order of their UTF-8 bytes.
    func entries(prefix: String) throws -> [(key: String, value: [UInt8])]
    /// Called between batches of events: a state may write out what it holds.
    func settle() throws
}

/// An entity store in memory, for replays that must not touch the stored reports.
final class MemoryEntityStore: ReplayState {
    private(set) var values: [String: [UInt8]] = [:]

    func load(_ key: String) throws -> [UInt8]? { values[key] }
    func save(_ key: String, _ value: [UInt8]) throws { values[key] = value }

    func settle() {}

    /// The entries whose keys start with `prefix`, in key order.
    func entries(prefix: String) -> [(key: String, value: [UInt8])] {
        // By UTF-8 bytes, as LMDB orders keys; compared in place, without copying each key.
        values.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) }
    }
}

/// An entity store reading through to a base (the transaction) and collecting writes.
final class OverlayEntityStore: EntityStore {
    /// Where entries not changed are read: the transaction of the moment.
    var base: (String) throws -> [UInt8]?
    private(set) var changes: [String: [UInt8]] = [:]

    /// An overlay with room for `expected` changes before it grows.
    init(expecting expected: Int = 0, base: @escaping (String) throws -> [UInt8]?) {
        self.base = base
        changes.reserveCapacity(expected)
    }

    func load(_ key: String) throws -> [UInt8]? {
        if let changed = changes[key] { return changed }
        return try base(key)
    }

    func save(_ key: String, _ value: [UInt8]) throws { changes[key] = value }

    /// Forgets every change.
    func discard() { changes.removeAll(keepingCapacity: true) }
}

/// A read-only view of a snapshot.
final class SnapshotEntityStore: EntityStore {
    private let read: (String) throws -> [UInt8]?

    init(read: @escaping (String) throws -> [UInt8]?) { self.read = read }

    func load(_ key: String) throws -> [UInt8]? { try read(key) }
    func save(_ key: String, _ value: [UInt8]) throws { preconditionFailure("a snapshot is read-only") }
}

/// Typed access to the entities the rules keep.
struct Entities {
    let memory: RulesMemory
    var store: any EntityStore { memory.store }

    func get<M: SwiftProtobuf.Message>(_ kind: String, _ id: String, as type: M.Type = M.self) throws -> M? {
        let key = kind + "/" + id
        if let kept = memory.decoded[key] as? M { return kept }
        guard let bytes = try store.load(key) else { return nil }
        let message = try M(serializedBytes: bytes)
        memory.remember(key, message)
        return message
    }

    func set(_ kind: String, _ id: String, _ value: some SwiftProtobuf.Message) {
        memory.keep(kind + "/" + id, value)
    }

    func staff(_ id: String) throws -> Attest_V1_StaffState? { try get("staff", id) }
    func learner(_ id: String) throws -> Attest_V1_LearnerState? { try get("learner", id) }
    func evidence(_ id: String) throws -> Attest_V1_EvidenceState? { try get("evidence", id) }
    func assessment(_ id: String) throws -> Attest_V1_AssessmentState? { try get("assessment", id) }
    func sample(_ id: String) throws -> Attest_V1_SampleState? { try get("sample", id) }
    func adjustment(_ id: String) throws -> Attest_V1_AdjustmentState? { try get("adjustment", id) }
    func rpl(_ id: String) throws -> Attest_V1_RplState? { try get("rpl", id) }
    func specificationState(_ id: String) throws -> Attest_V1_SpecificationState? { try get("specification", id) }

    /// Whether any staff member is registered yet.
    func anyStaff() throws -> Bool { try store.load("has-staff") != nil }
    func noteStaff() throws { try store.save("has-staff", [1]) }

    func specification(_ id: String, version: UInt32) throws -> Attest_V1_Specification? {
        try get("specification-version", "\(id)@\(version)")
    }
}

/// What the rules remember as they check a run of events: entries read and written
/// through `store`, and the messages among them kept decoded, so that a batch decodes
/// each staff member, learner or piece of evidence it meets once, and encodes each it
/// changes once, at `flush()`, rather than at every event.
public final class RulesMemory {
    public let store: any EntityStore
    fileprivate private(set) var decoded: [String: any SwiftProtobuf.Message] = [:]
    /// Keys of the messages changed since the last `flush()`.
    private var changed: Set<String> = []

    public init(store: any EntityStore) { self.store = store }

    fileprivate func remember(_ key: String, _ message: any SwiftProtobuf.Message) { decoded[key] = message }

    fileprivate func keep(_ key: String, _ message: any SwiftProtobuf.Message) {
        decoded[key] = message
        changed.insert(key)
    }

    /// Writes the messages changed since the last flush to `store`.
    public func flush() throws {
        for key in changed { try store.save(key, decoded[key]!.stateBytes()) }
        changed.removeAll(keepingCapacity: true)
    }

    /// Flushes, then forgets the messages kept decoded: between batches, so that memory stays bounded.
    public func forget() throws {
        try flush()
        decoded.removeAll(keepingCapacity: true)
    }
}

/// The learners' records the rules keep, under `progress/ID`. Which learner evidence, an
/// assessment, an adjustment or an RPL credit belongs to is read from what the rules
/// already remember of it.
final class RulesLearnerRecords: LearnerRecordKeeping {
    private let entities: Entities

    init(entities: Entities) { self.entities = entities }

    func record(_ learner: String) throws -> Attest_V1_LearnerRecord? { try entities.get("progress", learner) }

    func save(_ record: Attest_V1_LearnerRecord) throws { entities.set("progress", record.learnerID, record) }

    func update(_ learner: String, _ body: (inout Attest_V1_LearnerRecord) throws -> Void) throws -> Bool {
        guard var record = try record(learner) else { return false }
        try body(&record)
        try save(record)
        return true
    }

    func own(_ kind: LearnerRecordPart, _ id: String, by learner: String) {}

    func owner(_ kind: LearnerRecordPart, _ id: String) throws -> String? {
        try entities.learner(owning: kind.rawValue + "/" + id)
    }
}

extension SwiftProtobuf.Message {
    /// The message's bytes with map entries in key order, so that the same state always
    /// gives the same bytes (which a replay compares with the stored ones).
    public func stateBytes() throws -> [UInt8] {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        return try serializedBytes(options: options)
    }
}
