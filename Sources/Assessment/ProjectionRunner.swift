import EventLog
import Foundation
import LMDB
import Records

extension CentreStore {
    static let checkpointKey = "projection/checkpoint"
    static let versionKey = "projection/version"

    /// Applies an accepted event to `targets` (every projection by default), inside the
    /// append's transaction, and moves their checkpoints to `sequence`.
    func project(
        _ event: DomainEvent, actor: String, occurredAt: Date, sequence: UInt64, in txn: borrowing WriteTransaction,
        targets: [(projection: any Projection, database: Database)]? = nil
    ) throws {
        let targets = targets ?? projections
        guard !targets.isEmpty else { return }
        let changes = try txn.withReader { reader in
            let rulesState = Entities(store: SnapshotEntityStore { key in try reader.get(self.state, key: Array(key.utf8)) })
            let projected = ProjectedEvent(
                event: event, sequence: sequence, actor: actor, occurredAt: occurredAt,
                specification: { id, version in try self.rules.specifications.specification(id, version: version, in: rulesState) })
            return try targets.map { projection, database in
                let overlay = OverlayEntityStore { key in try reader.get(database, key: Array(key.utf8)) }
                try projection.apply(projected, to: overlay)
                try overlay.save(Self.checkpointKey, BigEndianCount.bytes(sequence))
                return overlay.changes
            }
        }
        for ((_, database), entries) in zip(targets, changes) {
            for (key, value) in entries { try txn.put(database, key: Array(key.utf8), value: value) }
        }
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

    /// Brings every projection to the head of the log: a projection stored at another
    /// version is cleared and rebuilt; one behind the log replays what it missed.
    func catchUpProjections() throws {
        for (projection, database) in projections {
            let (stored, checkpoint) = try log.environment.read { txn in
                (try txn.get(database, key: Array(Self.versionKey.utf8)).flatMap(BigEndianCount.value),
                 try txn.get(database, key: Array(Self.checkpointKey.utf8)).flatMap(BigEndianCount.value) ?? 0)
            }
            let head = try log.head().sequence
            let current = stored == UInt64(projection.version)
            guard !current || checkpoint < head else { continue }
            try log.environment.write { txn in
                if !current { try txn.clear(database) }
                try txn.put(database, key: Array(Self.versionKey.utf8), value: BigEndianCount.bytes(UInt64(projection.version)))
            }
            try replay(into: (projection, database), from: current ? checkpoint + 1 : 1)
        }
    }

    /// Replays the log from `sequence` into one projection, a thousand records a transaction.
    private func replay(into target: (projection: any Projection, database: Database), from sequence: UInt64) throws {
        var next = sequence
        while true {
            var batch: [Record] = []
            try log.read(from: next) { batch.append($0.record); return batch.count < 1_000 }
            guard let last = batch.last else { return }
            try log.environment.write { txn in
                for record in batch {
                    guard let type = EventType(rawValue: record.eventType) else {
                        throw PayloadError("sequence \(record.sequence) has an unknown event type \(record.eventType)")
                    }
                    try project(
                        DomainEvent(type: type, version: record.schemaVersion, binary: record.payload),
                        actor: record.actor.id, occurredAt: Date(microsecondsSinceEpoch: record.occurredAtMicros),
                        sequence: record.sequence, in: txn, targets: [target])
                }
            }
            next = last.sequence + 1
        }
    }
}

/// The projections of a store as one read snapshot sees them.
public struct ProjectionSnapshot {
    let store: CentreStore
    let reader: TransactionReader

    /// Projection `name`'s state.
    public func state(of name: String) throws -> any EntityStore {
        let database = try self.database(name)
        return SnapshotEntityStore { key in try reader.get(database, key: Array(key.utf8)) }
    }

    /// The entries of projection `name` whose keys start with `prefix`, in key order.
    public func entries(of name: String, prefix: String) throws -> [(key: String, value: [UInt8])] {
        try reader.entries(try database(name), prefix: Array(prefix.utf8)).map { (String(decoding: $0.key, as: UTF8.self), $0.value) }
    }

    /// Specification `id` at `version`, compiled.
    public func specification(_ id: String, version: UInt32) throws -> CompiledSpecification? {
        let rulesState = Entities(store: SnapshotEntityStore { key in try reader.get(store.state, key: Array(key.utf8)) })
        return try store.rules.specifications.specification(id, version: version, in: rulesState)
    }

    /// The sequence the snapshot's log ends at.
    public var sequence: UInt64 {
        get throws { try store.log.headSequence(reader) }
    }

    private func database(_ name: String) throws -> Database {
        guard let database = store.projections.first(where: { $0.projection.name == name })?.database else {
            throw PayloadError("this store keeps no projection \(name)")
        }
        return database
    }
}

/// Counts stored as 8 big-endian bytes.
enum BigEndianCount {
    static func bytes(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
    static func value(_ bytes: [UInt8]) -> UInt64? {
        bytes.count == 8 ? bytes.reduce(0) { $0 << 8 | UInt64($1) } : nil
    }
}
