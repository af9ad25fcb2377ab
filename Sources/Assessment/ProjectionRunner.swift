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

    /// Calls `body` with projection `name`'s state and the specifications, read in one
    /// snapshot, so what `body` reads is consistent with the log at one sequence.
    public func read<R>(
        projection name: String,
        _ body: (_ state: any EntityStore, _ specification: (String, UInt32) throws -> CompiledSpecification?) throws -> R
    ) throws -> R {
        guard let database = projections.first(where: { $0.projection.name == name })?.database else {
            throw PayloadError("this store keeps no projection \(name)")
        }
        return try log.environment.read { txn in
            try txn.withReader { reader in
                let rulesState = Entities(store: SnapshotEntityStore { key in try reader.get(self.state, key: Array(key.utf8)) })
                return try body(SnapshotEntityStore { key in try reader.get(database, key: Array(key.utf8)) }) { id, version in
                    try self.rules.specifications.specification(id, version: version, in: rulesState)
                }
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

/// Counts stored as 8 big-endian bytes.
enum BigEndianCount {
    static func bytes(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
    static func value(_ bytes: [UInt8]) -> UInt64? {
        bytes.count == 8 ? bytes.reduce(0) { $0 << 8 | UInt64($1) } : nil
    }
}
